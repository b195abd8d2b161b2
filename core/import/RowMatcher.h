#pragma once
// Matches the file names of an annotation table to images already catalogued under an image
// root, reporting names that are empty, escape the root, are not catalogued or repeat a row.
#include "core/catalogue/Catalogue.h"
#include "core/import/ImportRoots.h"
#include "core/import/Importers.h"

#include <QHash>
#include <optional>

namespace exemplar {

class RowMatcher {
public:
    RowMatcher(const Catalogue& catalogue, const RootLocation& root);

    // The image named by `fileCell` (relative to the image root), or nullopt after adding an
    // Issue {where, reason} to the report and counting it as skipped.
    std::optional<qint64> match(const QString& fileCell, const QString& where, ImportReport& report);

    // '/'-separated clean relative path, or empty when the name is empty, absolute or escapes.
    static QString cleanRelativePath(const QString& name);

private:
    RootLocation root_;
    QHash<QString, qint64> imageByPath_;  // relative to the catalogue root
    QHash<QString, QString> firstSeenAt_; // relative path -> "file:line" of its first row
};

} // namespace exemplar
