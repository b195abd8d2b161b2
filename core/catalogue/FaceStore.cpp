#include "core/catalogue/FaceStore.h"

#include "core/catalogue/Database.h"
#include "core/catalogue/Timestamps.h"

#include <QSet>

namespace exemplar {

namespace {

constexpr const char* kBoxColumns =
    "SELECT id, image_id, x, y, w, h, left_eye_x, left_eye_y, right_eye_x, right_eye_y, confidence, source, chosen "
    "FROM face_boxes ";

FaceBox boxFrom(const Statement& s)
{
    FaceBox b;
    b.id = s.int64(0);
    b.imageId = s.int64(1);
    b.box = QRect(int(s.int64(2)), int(s.int64(3)), int(s.int64(4)), int(s.int64(5)));
    if (!s.isNull(6) && !s.isNull(7)) b.leftEye = QPointF(s.real(6), s.real(7));
    if (!s.isNull(8) && !s.isNull(9)) b.rightEye = QPointF(s.real(8), s.real(9));
    b.confidence = s.real(10);
    b.curator = s.text(11) == QLatin1String("curator");
    b.chosen = s.int64(12) != 0;
    return b;
}

bool knownStatus(const QString& s)
{
    static const QSet<QString> known = {QStringLiteral("tight_crop"), QStringLiteral("found"), QStringLiteral("several"),
                                        QStringLiteral("none"), QStringLiteral("failed")};
    return known.contains(s);
}

qint64 insertBox(Database& db, qint64 imageId, const FaceBox& b, bool curator, bool chosen)
{
    auto s = db.prepare("INSERT INTO face_boxes(image_id, x, y, w, h, left_eye_x, left_eye_y, right_eye_x, right_eye_y, "
                        "confidence, source, chosen) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, imageId).bind(2, b.box.x()).bind(3, b.box.y()).bind(4, b.box.width()).bind(5, b.box.height());
    if (b.leftEye && b.rightEye) {
        s.bind(6, b.leftEye->x()).bind(7, b.leftEye->y()).bind(8, b.rightEye->x()).bind(9, b.rightEye->y());
    } else {
        s.bindNull(6).bindNull(7).bindNull(8).bindNull(9);
    }
    s.bind(10, curator ? 1.0 : b.confidence).bind(11, QString::fromLatin1(curator ? "curator" : "detector")).bind(12, chosen);
    s.run();
    return db.lastInsertRowId();
}

void setStatus(Database& db, qint64 imageId, const QString& status, const QString& detector)
{
    db.prepare("INSERT INTO face_checks(image_id, status, detector, checked_at) VALUES(?,?,?,?) "
               "ON CONFLICT(image_id) DO UPDATE SET status = excluded.status, detector = excluded.detector, "
               "checked_at = excluded.checked_at")
        .bind(1, imageId)
        .bind(2, status)
        .bind(3, detector)
        .bind(4, storedNow())
        .run();
}

// Chooses the best detector box when the image has no chosen box (e.g. after a curator box went).
void chooseBestIfNone(Database& db, qint64 imageId)
{
    auto any = db.prepare("SELECT 1 FROM face_boxes WHERE image_id = ? AND chosen = 1");
    any.bind(1, imageId);
    if (any.step()) return;
    db.prepare("UPDATE face_boxes SET chosen = 1 WHERE id = (SELECT id FROM face_boxes WHERE image_id = ? "
               "ORDER BY source = 'curator' DESC, confidence DESC, w * h DESC, id LIMIT 1)")
        .bind(1, imageId)
        .run();
}

} // namespace

FaceStore::FaceStore(const Catalogue& catalogue) : catalogue_(catalogue) {}

void FaceStore::recordDetections(const QVector<FaceDetectionRecord>& detections)
{
    if (detections.isEmpty()) return;
    Database& db = catalogue_.database();
    Transaction tx(db);
    for (const FaceDetectionRecord& d : detections) {
        if (!knownStatus(d.status))
            throw Error(QStringLiteral("%1: unknown face status \"%2\" for image %3").arg(db.path(), d.status).arg(d.imageId));
        auto exists = db.prepare("SELECT 1 FROM images WHERE id = ?");
        exists.bind(1, d.imageId);
        if (!exists.step()) throw Error(QStringLiteral("%1: no image with id %2").arg(db.path()).arg(d.imageId));
        db.prepare("DELETE FROM face_boxes WHERE image_id = ? AND source = 'detector'").bind(1, d.imageId).run();
        auto curatorChosen = db.prepare("SELECT 1 FROM face_boxes WHERE image_id = ? AND chosen = 1");
        curatorChosen.bind(1, d.imageId);
        bool chosenTaken = curatorChosen.step();
        auto curatorBox = db.prepare("SELECT 1 FROM face_boxes WHERE image_id = ? AND source = 'curator'");
        curatorBox.bind(1, d.imageId);
        // The curator's word beats the detector's: an image they drew a face on is not "no face".
        const bool noFace = d.status == QLatin1String("none") || d.status == QLatin1String("failed");
        if (noFace && curatorBox.step()) setStatus(db, d.imageId, QStringLiteral("found"), QStringLiteral("curator"));
        else setStatus(db, d.imageId, d.status, d.detector);
        for (const FaceBox& b : d.boxes) {
            insertBox(db, d.imageId, b, false, !chosenTaken);
            chosenTaken = true;
        }
    }
    tx.commit();
}

qint64 FaceStore::setCuratorBox(qint64 imageId, const QRect& box, std::optional<QPointF> leftEye,
                                std::optional<QPointF> rightEye)
{
    if (box.width() <= 0 || box.height() <= 0)
        throw Error(QStringLiteral("%1: a face box must have a positive size").arg(catalogue_.path()));
    Database& db = catalogue_.database();
    Transaction tx(db);
    auto exists = db.prepare("SELECT 1 FROM images WHERE id = ?");
    exists.bind(1, imageId);
    if (!exists.step()) throw Error(QStringLiteral("%1: no image with id %2").arg(db.path()).arg(imageId));
    db.prepare("DELETE FROM face_boxes WHERE image_id = ? AND source = 'curator'").bind(1, imageId).run();
    db.prepare("UPDATE face_boxes SET chosen = 0 WHERE image_id = ?").bind(1, imageId).run();
    FaceBox b;
    b.box = box;
    b.leftEye = leftEye;
    b.rightEye = rightEye;
    const qint64 id = insertBox(db, imageId, b, true, true);
    const auto current = check(imageId);
    if (!current || current->status == QLatin1String("none") || current->status == QLatin1String("failed"))
        setStatus(db, imageId, QStringLiteral("found"), QStringLiteral("curator"));
    tx.commit();
    return id;
}

void FaceStore::removeCuratorBox(qint64 imageId)
{
    Database& db = catalogue_.database();
    Transaction tx(db);
    db.prepare("DELETE FROM face_boxes WHERE image_id = ? AND source = 'curator'").bind(1, imageId).run();
    chooseBestIfNone(db, imageId);
    tx.commit();
}

void FaceStore::chooseBox(qint64 imageId, qint64 boxId)
{
    Database& db = catalogue_.database();
    Transaction tx(db);
    auto owner = db.prepare("SELECT image_id FROM face_boxes WHERE id = ?");
    owner.bind(1, boxId);
    if (!owner.step() || owner.int64(0) != imageId)
        throw Error(QStringLiteral("%1: face box %2 is not a box of image %3").arg(db.path()).arg(boxId).arg(imageId));
    db.prepare("UPDATE face_boxes SET chosen = (id = ?) WHERE image_id = ?").bind(1, boxId).bind(2, imageId).run();
    tx.commit();
}

std::optional<FaceCheck> FaceStore::check(qint64 imageId) const
{
    auto s = catalogue_.database().prepare("SELECT status, detector, checked_at FROM face_checks WHERE image_id = ?");
    s.bind(1, imageId);
    if (!s.step()) return std::nullopt;
    return FaceCheck{imageId, s.text(0), s.text(1), fromStoredTime(s.text(2))};
}

QVector<FaceBox> FaceStore::boxes(qint64 imageId) const
{
    auto s = catalogue_.database().prepare(
        (QByteArray(kBoxColumns) + "WHERE image_id = ? ORDER BY chosen DESC, source = 'curator' DESC, confidence DESC, id")
            .constData());
    s.bind(1, imageId);
    QVector<FaceBox> out;
    while (s.step()) out.append(boxFrom(s));
    return out;
}

std::optional<FaceBox> FaceStore::chosenBox(qint64 imageId) const
{
    auto s = catalogue_.database().prepare((QByteArray(kBoxColumns) + "WHERE image_id = ? AND chosen = 1").constData());
    s.bind(1, imageId);
    if (!s.step()) return std::nullopt;
    return boxFrom(s);
}

QHash<qint64, FaceBox> FaceStore::chosenBoxes() const
{
    auto s = catalogue_.database().prepare((QByteArray(kBoxColumns) + "WHERE chosen = 1").constData());
    QHash<qint64, FaceBox> out;
    while (s.step()) {
        FaceBox b = boxFrom(s);
        out.insert(b.imageId, b);
    }
    return out;
}

QVector<qint64> FaceStore::imagesWithStatus(const QString& status) const
{
    auto s = catalogue_.database().prepare("SELECT image_id FROM face_checks WHERE status = ? ORDER BY image_id");
    s.bind(1, status);
    QVector<qint64> out;
    while (s.step()) out.append(s.int64(0));
    return out;
}

QVector<qint64> FaceStore::uncheckedImages() const
{
    auto s = catalogue_.database().prepare(
        "SELECT id FROM images WHERE id NOT IN (SELECT image_id FROM face_checks) ORDER BY id");
    QVector<qint64> out;
    while (s.step()) out.append(s.int64(0));
    return out;
}

QHash<QString, int> FaceStore::statusCounts() const
{
    QHash<QString, int> out;
    auto s = catalogue_.database().prepare("SELECT status, COUNT(*) FROM face_checks GROUP BY status");
    while (s.step()) out.insert(s.text(0), int(s.int64(1)));
    auto u = catalogue_.database().prepare(
        "SELECT COUNT(*) FROM images WHERE id NOT IN (SELECT image_id FROM face_checks)");
    out.insert(QString::fromLatin1(kUnchecked), u.step() ? int(u.int64(0)) : 0);
    return out;
}

} // namespace exemplar
