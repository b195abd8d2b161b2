#pragma once
// Matches the file names of an annotation table to images already catalogued under an image
// root, reporting names that are empty, escape the root, are not catalogued or repeat a row.
#include "core/catalogue/Catalogue.h"
#include "core/import/ImportRoots.h"
#include "core/import/Importers.h"
#include "core/import/TextTable.h"

#include <QHash>
#include <functional>
#include <optional>

namespace exemplar {

class RowMatcher {
public:
    RowMatcher(const Catalogue& catalogue, const RootLocation& root);

    // The image named by `fileCell` (relative to the image root), or nullopt after adding an
    // Issue {where, reason} to the report and counting it as skipped.
    std::optional<qint64> match(const QString& fileCell, const QString& where, ImportReport& report);

    // Walks the table's rows in order: counts each as scanned, reports progress, stops (setting
    // report.cancelled) when cancelled, and calls onRow(row, imageId, "file:line") for every row
    // whose file column names a catalogued image (the others are reported by match()).
    void forEachMatchedRow(const TextTable& table, int fileColumn, const QString& fileName, ImportReport& report,
                           const ImportProgressFn& progress, const CancelFlag* cancel,
                           const std::function<void(const TextTable::Row&, qint64, const QString&)>& onRow,
                           ImportStep step = ImportStep::Labels);

    // '/'-separated clean relative path, or empty when the name is empty, absolute or escapes.
    static QString cleanRelativePath(const QString& name);

private:
    RootLocation root_;
    QHash<QString, qint64> imageByPath_;  // relative to the catalogue root
    QHash<QString, QString> firstSeenAt_; // relative path -> "file:line" of its first row
};

} // namespace exemplar
