#include "core/import/RowMatcher.h"

#include "core/import/ImportLog.h"

#include <QDir>

namespace exemplar {

RowMatcher::RowMatcher(const Catalogue& catalogue, const RootLocation& root) : root_(root)
{
    for (const auto& image : catalogue.allImages())
        if (image.rootId == root.rootId && image.relativePath.startsWith(root.prefix))
            imageByPath_.insert(image.relativePath, image.id);
}

QString RowMatcher::cleanRelativePath(const QString& name)
{
    QString path = name.trimmed();
    path.replace(QLatin1Char('\\'), QLatin1Char('/')); // exported on Windows
    if (path.isEmpty() || path.startsWith(QLatin1Char('/')) || QDir::isAbsolutePath(path)
        || (path.size() >= 2 && path[1] == QLatin1Char(':')))
        return {};
    path = QDir::cleanPath(path);
    if (path == QLatin1String("..") || path.startsWith(QLatin1String("../")) || path == QLatin1String("."))
        return {};
    return path;
}

std::optional<qint64> RowMatcher::match(const QString& fileCell, const QString& where, ImportReport& report)
{
    auto skip = [&](const QString& problem) -> std::optional<qint64> {
        report.issues.append({where, problem});
        ++report.skipped;
        return std::nullopt;
    };
    if (fileCell.trimmed().isEmpty()) return skip(QStringLiteral("no file name"));
    const QString relative = cleanRelativePath(fileCell);
    if (relative.isEmpty())
        return skip(QStringLiteral("file name \"%1\" points outside the image root %2").arg(fileCell.trimmed(), root_.rootPath + QLatin1Char('/') + root_.prefix));
    const QString key = root_.prefix + relative;
    if (const auto first = firstSeenAt_.constFind(key); first != firstSeenAt_.constEnd())
        return skip(QStringLiteral("\"%1\" is listed again (first at %2); this row is ignored").arg(relative, *first));
    firstSeenAt_.insert(key, where);
    const auto found = imageByPath_.constFind(key);
    if (found == imageByPath_.constEnd())
        return skip(QStringLiteral("\"%1\" is not in the catalogue under %2").arg(relative, root_.rootPath + QLatin1Char('/') + root_.prefix));
    return *found;
}

void RowMatcher::forEachMatchedRow(const TextTable& table, int fileColumn, const QString& fileName,
                                   ImportReport& report, const ImportProgressFn& progress, const CancelFlag* cancel,
                                   const std::function<void(const TextTable::Row&, qint64, const QString&)>& onRow,
                                   ImportStep step)
{
    ProgressThrottle tick(progress, step);
    const int total = int(table.rows.size());
    for (int r = 0; r < total; ++r) {
        if (cancel && cancel->isCancelled()) {
            report.cancelled = true;
            return;
        }
        const auto& row = table.rows[r];
        ++report.scanned;
        const QString where = QStringLiteral("%1:%2").arg(fileName).arg(row.line);
        tick(r + 1, total, row.cells[fileColumn]);
        if (const auto imageId = match(row.cells[fileColumn], where, report))
            onRow(row, *imageId, where);
    }
}

} // namespace exemplar
