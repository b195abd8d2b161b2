#pragma once
// A catalogue's labels written out so that they can be read by scripts and imported again
// (importLabelsCsv reads both formats back: tasks, class order, retired classes, labels, exemplar
// flags, provenance and identities come back exactly).
//
// CSV: a first record `#exemplar-labels {json}` (one quoted cell: the format version and every
// exported task with its classes in order and the retired ones), then the header
//     file,folder,identity,<task>,<task>_exemplar,<task>_provenance,...
// and one row per image. `file` is relative to the image folder `folder` (the catalogue's image
// root); the exemplar flag is 1 or 0; provenance is imported, curator or model; an image without a
// label for a task has the task's three cells empty. Cells a spreadsheet would evaluate are
// prefixed with an apostrophe, cells with separators or quotes are quoted (RFC 4180).
//
// JSON: {"format":"exemplar-labels","version":1,
//        "tasks":[{"name":..,"classes":[..in order..],"retired":[..]}],
//        "images":[{"file":..,"folder":..,"identity":..,
//                   "labels":{"<task>":{"class":..|null,"exemplar":bool,"provenance":".."}}}]}
// (one object per image, unlabelled tasks left out of "labels").
#include "core/catalogue/Catalogue.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

namespace exemplar {

// The first cell of the CSV's first record and the JSON's "format" value.
inline constexpr char kLabelsExportMarker[] = "#exemplar-labels";
inline constexpr char kLabelsExportFormat[] = "exemplar-labels";
inline constexpr int kLabelsExportVersion = 1;

enum class LabelsFormat { Csv, Json };

// Whether a spreadsheet would evaluate a cell that starts like this (=, +, -, @, tab, CR): the CSV
// export writes such cells with an apostrophe first, and reading an export back removes it.
bool startsLikeFormula(QStringView value);
QString labelsFormatName(LabelsFormat format); // "csv", "json"
std::optional<LabelsFormat> labelsFormatFromName(const QString& name);
// The format a file name asks for: .json -> Json, anything else -> Csv.
LabelsFormat labelsFormatForPath(const QString& path);

struct LabelsExportOptions {
    QStringList tasks; // task names to export, in the catalogue's task order; empty: all tasks
};

struct LabelsExportSummary {
    int images = 0; // rows / image objects written (every catalogued image)
    int tasks = 0;
    int labels = 0; // (image, task) labels written
};

// The export as bytes (UTF-8). Throws exemplar::Error naming the catalogue when a requested task
// does not exist.
QByteArray labelsExportBytes(const Catalogue& catalogue, LabelsFormat format, const LabelsExportOptions& options = {},
                             LabelsExportSummary* summary = nullptr);

// Writes the export to `path` atomically (a temporary file renamed over it: a failed export never
// leaves half a file). Throws exemplar::Error naming the file when it cannot be written.
LabelsExportSummary exportLabels(const Catalogue& catalogue, const QString& path, LabelsFormat format,
                                 const LabelsExportOptions& options = {});

} // namespace exemplar
