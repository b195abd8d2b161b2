#pragma once
// Finds catalogued images from what a user types on a command line: an absolute or relative path
// to the file, a path relative to an image folder of the catalogue, or a bare file name.
#include "core/catalogue/Catalogue.h"

#include <QString>
#include <optional>

namespace exemplar::cli {

class ImageLookup {
public:
    explicit ImageLookup(const Catalogue& catalogue);
    // The image id, or nullopt with `why` explaining (not catalogued, ambiguous name, ...).
    std::optional<qint64> find(const QString& fileArgument, QString& why) const;

private:
    const Catalogue& catalogue_;
    QVector<ImageRoot> roots_;
    QMultiHash<QString, qint64> byFileName_;
};

} // namespace exemplar::cli
