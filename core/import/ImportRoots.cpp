#include "core/import/ImportRoots.h"

#include "core/util/Error.h"

#include <QDir>
#include <QFileInfo>

namespace exemplar {

QString canonicalDirectory(const QString& dir)
{
    const QFileInfo info(dir);
    if (!info.isDir()) throw Error(QStringLiteral("%1: not a folder (it does not exist or is a file)").arg(dir));
    if (!info.isReadable()) throw Error(QStringLiteral("%1: the folder cannot be read (permissions)").arg(dir));
    return info.canonicalFilePath();
}

std::optional<RootLocation> findRootContaining(const Catalogue& catalogue, const QString& canonicalDir)
{
    std::optional<RootLocation> best;
    for (const auto& root : catalogue.roots()) {
        const QFileInfo info(root.path);
        const QString rootPath = info.exists() ? info.canonicalFilePath() : QDir::cleanPath(root.path);
        QString prefix;
        if (canonicalDir == rootPath) prefix.clear();
        else if (canonicalDir.startsWith(rootPath + QLatin1Char('/'))) prefix = canonicalDir.mid(rootPath.size() + 1) + QLatin1Char('/');
        else if (rootPath == QLatin1String("/")) prefix = canonicalDir.mid(1) + QLatin1Char('/');
        else continue;
        // The innermost root wins when roots are nested.
        if (!best || prefix.size() < best->prefix.size()) best = RootLocation{root.id, rootPath, prefix};
    }
    return best;
}

RootLocation rootForImport(Catalogue& catalogue, const QString& folder)
{
    const QString dir = canonicalDirectory(folder);
    if (auto found = findRootContaining(catalogue, dir)) return *found;
    return RootLocation{catalogue.ensureRoot(dir), dir, QString()};
}

RootLocation rootForLabels(const Catalogue& catalogue, const QString& imageRoot)
{
    const QString dir = canonicalDirectory(imageRoot);
    if (auto found = findRootContaining(catalogue, dir)) return *found;
    throw Error(QStringLiteral("%1: no image of the catalogue is under this folder; import the images first").arg(imageRoot));
}

} // namespace exemplar
