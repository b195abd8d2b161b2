#include "core/catalogue/Relink.h"

#include "core/catalogue/Database.h"
#include "core/catalogue/Timestamps.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace exemplar {

namespace {

constexpr int kMissingExamples = 5;

QString cleanAbsolute(const QString& path) { return QDir::cleanPath(QDir(path).absolutePath()); }

bool isUnder(const QString& path, const QString& folder)
{
    return path == folder || path.startsWith(folder == QLatin1String("/") ? folder : folder + QLatin1Char('/'));
}

// `path` (under `from`) moved to `to`.
QString moved(const QString& path, const QString& from, const QString& to)
{
    return path == from ? to : QDir::cleanPath(to + QLatin1Char('/') + path.mid(from.size()));
}

struct ImageMove {
    qint64 imageId = 0;
    qint64 rootId = 0;     // current root
    QString newAbsolute;   // where the file should now be
    qint64 targetRoot = 0; // images of a root containing OLD: the root they move to (0: NEW, to create)
    QString targetRel;
};

struct Work {
    RelinkPlan plan;
    QVector<ImageMove> moves; // images of roots that contain OLD
    QString targetRootPath;   // the root holding NEW for those moves
};

Work makePlan(const Catalogue& catalogue, const QString& fromArg, const QString& toArg)
{
    Work w;
    RelinkPlan& plan = w.plan;
    plan.from = cleanAbsolute(fromArg);
    const QFileInfo toInfo(toArg);
    if (!toInfo.isDir())
        throw Error(QStringLiteral("%1: not a folder (it does not exist or is a file); give the folder the images are now in").arg(toArg));
    if (!toInfo.isReadable())
        throw Error(QStringLiteral("%1: the folder cannot be read (permissions)").arg(toArg));
    plan.to = toInfo.canonicalFilePath();
    if (plan.to == plan.from)
        throw Error(QStringLiteral("%1: the old and new folders are the same").arg(toArg));

    const QVector<ImageRoot> roots = catalogue.roots();
    QHash<qint64, QString> newRootPath; // roots that are rewritten
    for (const ImageRoot& r : roots)
        if (isUnder(cleanAbsolute(r.path), plan.from))
            newRootPath.insert(r.id, moved(cleanAbsolute(r.path), plan.from, plan.to));
    // The innermost root (after the rewrite) that holds NEW, for images that leave a root
    // containing OLD; none: NEW becomes an image folder of its own.
    qint64 targetRoot = 0;
    w.targetRootPath = plan.to;
    int bestLength = -1;
    for (const ImageRoot& r : roots) {
        const QString path = newRootPath.value(r.id, cleanAbsolute(r.path));
        if (isUnder(plan.to, path) && path.size() > bestLength) {
            bestLength = int(path.size());
            targetRoot = r.id;
            w.targetRootPath = path;
        }
    }

    const QVector<ImageRecord> images = catalogue.allImages();
    for (const ImageRoot& r : roots) {
        const QString rootPath = cleanAbsolute(r.path);
        const bool rewritten = newRootPath.contains(r.id);
        RelinkPlan::RootChange change{r.id, r.path, newRootPath.value(r.id), 0, 0};
        if (rewritten)
            for (const ImageRoot& other : roots)
                if (other.id != r.id && !newRootPath.contains(other.id) && cleanAbsolute(other.path) == change.newPath)
                    change.mergeInto = other.id;
        const bool containsFrom = !rewritten && isUnder(plan.from, rootPath);
        if (!rewritten && !containsFrom) continue;
        const QString prefix = containsFrom ? plan.from.mid(rootPath.size()).remove(0, rootPath == QLatin1String("/") ? 0 : 1) + QLatin1Char('/') : QString();
        for (const ImageRecord& img : images) {
            if (img.rootId != r.id || (containsFrom && !img.relativePath.startsWith(prefix))) continue;
            const QString newAbsolute = rewritten ? change.newPath + QLatin1Char('/') + img.relativePath
                                                  : moved(rootPath + QLatin1Char('/') + img.relativePath, plan.from, plan.to);
            ++plan.images;
            if (QFileInfo::exists(newAbsolute)) {
                ++plan.found;
            } else {
                ++plan.missing;
                if (plan.missingExamples.size() < kMissingExamples) plan.missingExamples << newAbsolute;
            }
            if (rewritten) {
                ++change.images;
            } else {
                const QString rel = w.targetRootPath == QLatin1String("/") ? newAbsolute.mid(1) : newAbsolute.mid(w.targetRootPath.size() + 1);
                w.moves.append({img.id, r.id, newAbsolute, targetRoot, rel});
            }
        }
        if (rewritten) plan.roots.append(change);
    }
    plan.imagesMovedBetweenRoots = int(w.moves.size());
    if (plan.images == 0) {
        QStringList folders;
        for (const ImageRoot& r : roots) folders << r.path;
        throw Error(QStringLiteral("%1: no catalogued image is in this folder (the catalogue's image folders: %2)")
                        .arg(fromArg, folders.isEmpty() ? QStringLiteral("none") : folders.join(QStringLiteral(", "))));
    }
    return w;
}

void apply(Catalogue& catalogue, const Work& w)
{
    Database& db = catalogue.database();
    const RelinkPlan& plan = w.plan;
    auto conflict = [&](const QString& rel, const QString& folder) {
        return Error(QStringLiteral("%1: cannot relink %2 to %3: \"%4\" is already catalogued in %5; nothing was changed")
                         .arg(catalogue.path(), plan.from, plan.to, rel, folder));
    };
    // Rewritten roots go to a temporary path first, so that two roots swapping places or a root
    // moving onto another's old path never trip the unique path constraint half-way.
    auto rename = db.prepare("UPDATE image_roots SET path = ? WHERE id = ?");
    for (const auto& c : plan.roots) {
        rename.reset();
        rename.bind(1, QStringLiteral("\x01relink-%1").arg(c.rootId)).bind(2, c.rootId).run();
    }
    for (const auto& c : plan.roots) {
        if (c.mergeInto == 0) {
            rename.reset();
            rename.bind(1, c.newPath).bind(2, c.rootId).run();
            continue;
        }
        auto clash = db.prepare("SELECT a.rel_path FROM images a JOIN images b ON a.rel_path = b.rel_path "
                                "WHERE a.root_id = ? AND b.root_id = ? LIMIT 1");
        clash.bind(1, c.rootId).bind(2, c.mergeInto);
        if (clash.step()) throw conflict(clash.text(0), c.newPath);
        auto move = db.prepare("UPDATE images SET root_id = ? WHERE root_id = ?");
        move.bind(1, c.mergeInto).bind(2, c.rootId).run();
        auto drop = db.prepare("DELETE FROM image_roots WHERE id = ?");
        drop.bind(1, c.rootId).run();
    }
    if (!w.moves.isEmpty()) {
        const qint64 target = w.moves.first().targetRoot != 0 ? w.moves.first().targetRoot : catalogue.ensureRoot(w.targetRootPath);
        auto taken = db.prepare("SELECT 1 FROM images WHERE root_id = ? AND rel_path = ?");
        auto move = db.prepare("UPDATE images SET root_id = ?, rel_path = ? WHERE id = ?");
        for (const ImageMove& m : w.moves) {
            taken.reset();
            taken.bind(1, target).bind(2, m.targetRel);
            if (taken.step()) throw conflict(m.targetRel, w.targetRootPath);
            move.reset();
            move.bind(1, target).bind(2, m.targetRel).bind(3, m.imageId).run();
        }
    }
    ImportRecord record;
    record.kind = QStringLiteral("relink");
    record.source = plan.from + QStringLiteral(" -> ") + plan.to;
    record.startedAt = record.finishedAt = QDateTime::currentDateTimeUtc();
    record.reportJson = QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("from"), plan.from},
                                                                    {QStringLiteral("to"), plan.to},
                                                                    {QStringLiteral("images"), plan.images},
                                                                    {QStringLiteral("found"), plan.found},
                                                                    {QStringLiteral("missing"), plan.missing}})
                                              .toJson(QJsonDocument::Compact));
    catalogue.recordImport(record);
}

} // namespace

QString RelinkPlan::toText() const
{
    QStringList lines;
    for (const auto& c : roots)
        lines << QStringLiteral("image folder %1 -> %2 (%3 images%4)")
                     .arg(c.oldPath, c.newPath).arg(c.images)
                     .arg(c.mergeInto ? QStringLiteral(", joining the image folder already there") : QString());
    if (imagesMovedBetweenRoots > 0)
        lines << QStringLiteral("%1 images in %2 -> %3").arg(imagesMovedBetweenRoots).arg(from, to);
    lines << QStringLiteral("%1 images: %2 found in %3, %4 missing").arg(images).arg(found).arg(to).arg(missing);
    for (const QString& m : missingExamples)
        lines << QStringLiteral("  missing: %1").arg(m);
    return lines.join(QLatin1Char('\n'));
}

RelinkPlan planRelink(const Catalogue& catalogue, const QString& from, const QString& to)
{
    return makePlan(catalogue, from, to).plan;
}

RelinkPlan relinkImages(Catalogue& catalogue, const QString& from, const QString& to, bool force)
{
    const Work work = makePlan(catalogue, from, to);
    if (work.plan.found == 0 && !force)
        throw Error(QStringLiteral("%1: none of the %2 catalogued images of %3 is there (e.g. %4 is missing); give the "
                                   "folder the images were moved to, or relink anyway with --force; nothing was changed")
                        .arg(to).arg(work.plan.images).arg(work.plan.from, work.plan.missingExamples.value(0)));
    Transaction transaction(catalogue.database());
    apply(catalogue, work);
    transaction.commit();
    return work.plan;
}

} // namespace exemplar
