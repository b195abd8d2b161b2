#include "core/catalogue/ScoreStore.h"

#include "core/catalogue/Database.h"
#include "core/catalogue/Timestamps.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>
#include <cstring>

namespace exemplar {

QByteArray packFloats(const QVector<float>& values)
{
    QByteArray out(values.size() * 4, Qt::Uninitialized);
    for (int i = 0; i < values.size(); ++i) {
        quint32 bits;
        std::memcpy(&bits, &values[i], 4);
        qToLittleEndian(bits, out.data() + i * 4);
    }
    return out;
}

QVector<float> unpackFloats(const QByteArray& blob)
{
    QVector<float> out(blob.size() / 4);
    for (int i = 0; i < out.size(); ++i) {
        const quint32 bits = qFromLittleEndian<quint32>(blob.constData() + i * 4);
        std::memcpy(&out[i], &bits, 4);
    }
    return out;
}

namespace {

constexpr const char* kColumns =
    "SELECT id, task_id, run_id, kind, model_path, classes_json, created_at, info_json FROM scorings ";

Scoring readScoring(const Statement& s)
{
    Scoring out;
    out.id = s.int64(0);
    out.taskId = s.int64(1);
    out.runId = s.optionalInt64(2);
    out.kind = s.text(3);
    out.modelPath = s.text(4);
    for (const auto& c : QJsonDocument::fromJson(s.text(5).toUtf8()).array()) out.classes << c.toString();
    out.createdAt = fromStoredTime(s.text(6));
    out.info = QJsonDocument::fromJson(s.text(7).toUtf8()).object();
    return out;
}

QString compactJson(const QJsonDocument& doc) { return QString::fromUtf8(doc.toJson(QJsonDocument::Compact)); }

} // namespace

ScoreStore::ScoreStore(const Catalogue& catalogue) : catalogue_(catalogue) {}

qint64 ScoreStore::addScoring(const Scoring& scoring, const QVector<ImageScore>& scores)
{
    Database& db = catalogue_.database();
    if (scoring.kind != QLatin1String(kModelKind) && scoring.kind != QLatin1String(kOutOfFoldKind))
        throw Error(QStringLiteral("%1: unknown scoring kind '%2'").arg(db.path(), scoring.kind));
    Transaction tx(db);
    auto insert = db.prepare("INSERT INTO scorings(task_id, run_id, kind, model_path, classes_json, "
                             "created_at, info_json) VALUES(?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, scoring.taskId)
        .bind(2, scoring.runId)
        .bind(3, scoring.kind)
        .bind(4, scoring.modelPath)
        .bind(5, compactJson(QJsonDocument(QJsonArray::fromStringList(scoring.classes))))
        .bind(6, scoring.createdAt.isValid() ? toStoredTime(scoring.createdAt) : storedNow())
        .bind(7, compactJson(QJsonDocument(scoring.info)));
    insert.run();
    const qint64 id = db.lastInsertRowId();
    auto row = db.prepare("INSERT OR REPLACE INTO image_scores(scoring_id, image_id, probabilities, embedding) "
                          "VALUES(?, ?, ?, ?)");
    for (const ImageScore& s : scores) {
        row.reset();
        row.bind(1, id).bind(2, s.imageId).bind(3, packFloats(s.probabilities));
        if (s.embedding.isEmpty())
            row.bindNull(4);
        else
            row.bind(4, packFloats(s.embedding));
        row.run();
    }
    tx.commit();
    return id;
}

void ScoreStore::deleteScoring(qint64 scoringId)
{
    Database& db = catalogue_.database();
    Transaction tx(db);
    db.prepare("DELETE FROM scorings WHERE id = ?").bind(1, scoringId).run();
    tx.commit();
}

std::optional<Scoring> ScoreStore::scoring(qint64 scoringId) const
{
    auto s = catalogue_.database().prepare((QByteArray(kColumns) + "WHERE id = ?").constData());
    s.bind(1, scoringId);
    if (!s.step()) return std::nullopt;
    return readScoring(s);
}

QVector<Scoring> ScoreStore::scorings(qint64 taskId) const
{
    auto s = catalogue_.database().prepare((QByteArray(kColumns) + "WHERE task_id = ? ORDER BY id DESC").constData());
    s.bind(1, taskId);
    QVector<Scoring> out;
    while (s.step()) out << readScoring(s);
    return out;
}

std::optional<Scoring> ScoreStore::latest(qint64 taskId, const QString& kind) const
{
    auto s = catalogue_.database().prepare(
        (QByteArray(kColumns) + "WHERE task_id = ? AND kind = ? ORDER BY id DESC LIMIT 1").constData());
    s.bind(1, taskId).bind(2, kind);
    if (!s.step()) return std::nullopt;
    return readScoring(s);
}

QVector<ImageScore> ScoreStore::scores(qint64 scoringId) const
{
    auto s = catalogue_.database().prepare(
        "SELECT image_id, probabilities, embedding FROM image_scores WHERE scoring_id = ? ORDER BY image_id");
    s.bind(1, scoringId);
    QVector<ImageScore> out;
    while (s.step()) {
        ImageScore score;
        score.imageId = s.int64(0);
        score.probabilities = unpackFloats(s.blob(1));
        if (!s.isNull(2)) score.embedding = unpackFloats(s.blob(2));
        out << std::move(score);
    }
    return out;
}

int ScoreStore::scoreCount(qint64 scoringId) const
{
    auto s = catalogue_.database().prepare("SELECT COUNT(*) FROM image_scores WHERE scoring_id = ?");
    s.bind(1, scoringId);
    s.step();
    return int(s.int64(0));
}

} // namespace exemplar
