#include "app/cli/ImageLookup.h"

#include <QDir>
#include <QFileInfo>

namespace exemplar::cli {

ImageLookup::ImageLookup(const Catalogue& catalogue) : catalogue_(catalogue), roots_(catalogue.roots())
{
    for (const ImageRecord& r : catalogue.allImages())
        byFileName_.insert(r.fileName(), r.id);
}

std::optional<qint64> ImageLookup::find(const QString& fileArgument, QString& why) const
{
    const QFileInfo info(fileArgument);
    if (info.exists()) {
        const QString absolute = QDir::cleanPath(info.absoluteFilePath());
        for (const ImageRoot& root : roots_) {
            if (absolute.startsWith(root.path + QLatin1Char('/'))) {
                if (auto id = catalogue_.imageIdByPath(root.id, absolute.mid(root.path.size() + 1)))
                    return id;
            }
        }
    }
    for (const ImageRoot& root : roots_)
        if (auto id = catalogue_.imageIdByPath(root.id, QDir::cleanPath(fileArgument)))
            return id;
    const auto matches = byFileName_.values(info.fileName());
    if (matches.size() == 1)
        return matches.front();
    why = matches.isEmpty()
              ? QStringLiteral("%1: not in the catalogue").arg(fileArgument)
              : QStringLiteral("%1: %2 catalogued images have this name; give the path relative to the image folder")
                    .arg(fileArgument)
                    .arg(matches.size());
    return std::nullopt;
}

} // namespace exemplar::cli
