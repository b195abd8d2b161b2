#pragma once
// Importers that fill a catalogue: a folder of images, a generic labels CSV, the 10k US Adult Faces
// annotation table (.xlsx or .csv) and a class-per-folder layout.
//
// Every importer: skips and reports bad items (ImportReport::issues, file + reason) instead of
// aborting; writes in batched transactions so that a cancelled or failed import keeps what was
// committed and leaves the catalogue consistent; reports progress; records itself with
// Catalogue::recordImport. Label-file importers only label images already catalogued under
// `imageRoot` (import the folder first), matching rows by the path relative to that folder, and
// apply all their labels as ONE undoable change with provenance Imported and source
// "<file name>:<column>". Labels a curator set by hand are never overwritten by an import (the
// row is reported instead). Files that a table names twice, that are not catalogued, or that point
// outside the image root ("../x.jpg", absolute paths) are reported as "<file>:<line>" and skipped.
#include "core/catalogue/Catalogue.h"
#include "core/util/Cancellation.h"
#include "core/util/Error.h"

#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>
#include <optional>

namespace exemplar {

// The steps an import goes through, in order; each progress update says which one it is about.
enum class ImportStep {
    Scanning,    // walking the folder: done = image files found so far, total unknown (0)
    Images,      // reading new files: decode, hash, thumbnail, and face detection when on
    Labels,      // reading a labels file's rows
    Annotations, // reading an annotation table's rows
};
QString importStepName(ImportStep step); // "Scanning folder", "Reading images", ...

struct ImportProgress {
    int done = 0;
    int total = 0; // 0: not known (yet): show `done` as a count, without a bar
    QString currentFile;
    ImportStep step = ImportStep::Images;
};
using ImportProgressFn = std::function<void(const ImportProgress&)>;

// For label-file imports `added` stays 0 (no image is added) and `scanned` counts rows.
struct ImportReport {
    int scanned = 0;        // files or rows looked at
    int added = 0;          // new images added
    int alreadyPresent = 0; // same relative path already catalogued (not re-read)
    int duplicates = 0;     // same bytes as an image already catalogued
    int labelsSet = 0;      // labels written
    int attributesSet = 0;
    int tasksCreated = 0; // label files: tasks that did not exist before
    int skipped = 0; // items not imported because of a problem (each has an Issue)
    // Face detection (folder imports with FolderImportOptions::detectFaces): images whose check said
    // tight_crop / found / several, none (kept and flagged "none" in the catalogue) or failed.
    int facesTightCrop = 0;
    int facesFound = 0;
    int facesNone = 0;
    int facesFailed = 0;
    QVector<Issue> issues;
    bool cancelled = false;
    double seconds = 0;
    QString toJson() const; // {"scanned":..,"added":..,...,"issues":[{"file":..,"problem":..}]}
};

// ---- folders of images ------------------------------------------------------------------------

struct FolderImportOptions {
    int threads = 0;     // decoding threads; 0 = all cores
    int batchSize = 256; // images per catalogue transaction
    qint64 maxPixels = 80'000'000;      // larger canvases are refused before decoding (bombs)
    qint64 maxFileBytes = 200LL << 20;  // larger files are refused without reading them
    // Detect faces in the same parallel pass and store the boxes (core/catalogue/FaceStore.h). When
    // the cascades are missing the import goes on without, with one issue saying why.
    bool detectFaces = true;
};

// Imports jpg/jpeg/png/bmp/webp/tif/tiff files (any case) found recursively under `folder` (hidden
// files and symlinked folders are not followed; other extensions are not looked at). The images
// are catalogued relative to an existing image root that contains `folder`, or to `folder` itself
// as a new root. Known relative paths are skipped without reading them; same bytes as a catalogued
// image are reported as duplicates; empty, unreadable, non-image, truncated, corrupt, oversized and
// bomb files are reported and skipped. Width and height are recorded as displayed (after the EXIF
// orientation, like the thumbnail). Files are processed in path order, so which of two
// identical files is kept does not depend on thread timing. Throws exemplar::Error when `folder` is
// not a readable directory.
ImportReport importFolder(Catalogue& catalogue, const QString& folder, const FolderImportOptions& options = {},
                          const ImportProgressFn& progress = {}, const CancelFlag* cancel = nullptr);

// importFolder, then labels each image of `<folder>/<class>/...` with class <class> of task
// `taskName` (created if missing; class folders it lacks are added, new ones in sorted order).
// Images directly in `folder` are imported unlabelled and reported. Duplicates are not labelled.
ImportReport importClassFolders(Catalogue& catalogue, const QString& folder, const QString& taskName,
                                const FolderImportOptions& options = {}, const ImportProgressFn& progress = {},
                                const CancelFlag* cancel = nullptr);

// ---- generic labels CSV ---------------------------------------------------------------------------

struct LabelsCsvOptions {
    // Columns that are not tasks: stored as attributes (numbers as double, else text).
    QStringList attributeColumns = {QStringLiteral("labeler")};
    // Add values a task doesn't have as new classes instead of reporting them as unknown labels.
    bool addUnknownClasses = false;
    QString author;
};

// Reads a labels table recognised by its content (LabelsTable.h): a CSV `file,<task>,<task>...`
// (the file column may also be called Filename; an `identity` column fills the images' identity; a
// `folder` column is ignored: rows are matched under `imageRoot`), an .xlsx workbook laid out the
// same way (first sheet), or an Exemplar labels export, CSV or JSON (LabelsExport.h). Column names
// are matched ignoring case, spaces and punctuation. Empty cell = no label.
//
// Exemplar exports come back as they were: "<task>_exemplar" and "<task>_provenance" columns
// belong to their task (never tasks of their own), exemplar flags are set as written, each label
// keeps its provenance (a curator's label stays a curator's label, so later imports will not
// overwrite it; a file without a provenance column gives "imported"), and tasks are created with
// the export's classes in its order, retired ones retired.
//
// A task that doesn't exist and that no export declares is created with the values of the rows
// that name catalogued images, SORTED (so that the class order doesn't depend on row order). For
// an existing task a value is matched to a class exactly, then ignoring case; a value that matches
// no class is an "unknown label", reported and skipped unless addUnknownClasses.
//
// All writes (tasks, identities, attributes, labels) are one transaction: a failure changes
// nothing. Throws exemplar::Error when the file can't be read or has no file column (the message
// lists the columns found), when it is the Adult Faces annotation workbook (use importAdultFaces),
// or when `imageRoot` is in no image root of the catalogue.
// Reads a labels file as importLabelsCsv would, without a catalogue, and throws what it would
// throw about the file itself (unreadable, no file column, the Adult Faces workbook...): lets a
// command refuse a bad file before it imports anything.
void validateLabelsFile(const QString& path);

ImportReport importLabelsCsv(Catalogue& catalogue, const QString& csvPath, const QString& imageRoot,
                             const LabelsCsvOptions& options = {}, const ImportProgressFn& progress = {},
                             const CancelFlag* cancel = nullptr);

// ---- 10k US Adult Faces annotations ---------------------------------------------------------------

// How the codes of annotation columns become classes. One ColumnMapping per mapped column:
// `column` is matched against the table header ignoring case, spaces and punctuation ("Emotion?"
// matches "Emotion"); each value is a raw cell value and its class, in class order. Numeric values
// match numerically ("1" matches 1.0 and "1,0"), text values ignoring case.
//
// Mapping file format (parseValueMapping / ValueMapping::toText), UTF-8 text:
//     # comment lines and blank lines are ignored
//     [Emotion -> expression]      a section: column -> task
//     0 = neutral                  raw value = class name
//     1 = happiness
//     [Gender -> sex]
//     0 = female
//     m = male
struct ColumnMapping {
    QString column;
    QString task;
    QVector<QPair<QString, QString>> values; // raw value -> class, in class order

    QStringList classes() const; // distinct classes, in order
    // The class of a raw cell value; nullopt when it maps to nothing. A non-integer number (an
    // averaged rating such as 1.33) maps to nothing unless roundCodes, in which case it is
    // rounded to the nearest code and *rounded is set.
    std::optional<QString> classFor(const QString& raw, bool decimalComma, bool roundCodes, bool* rounded = nullptr) const;
};

struct ValueMapping {
    QVector<ColumnMapping> columns;
    QString toText() const; // the mapping file format above
};

// Emotion -> expression (0 neutral, 1 happiness, 2 sadness, 3 anger, 4 fear, 5 surprise, 6 disgust);
// Gender -> sex (0 female, 1 male, and the words female/male/f/m).
ValueMapping defaultAdultFacesMapping();
ValueMapping parseValueMappingText(const QString& text, const QString& sourceName);
ValueMapping parseValueMapping(const QString& mappingFilePath); // throws exemplar::Error (file:line)

struct AdultFacesOptions {
    ValueMapping mapping = defaultAdultFacesMapping();
    bool roundCodes = false; // round non-integer codes to the nearest class instead of no label
    QString sheet = QStringLiteral("Final Values"); // .xlsx only
    QString author;
};

struct MappingPreview {
    struct Value {
        QString raw;       // the distinct value (numbers normalised: "1", "1.33")
        int count = 0;     // rows with this value
        QString className; // empty: kept raw, no label
        bool rounded = false;
    };
    struct Column {
        QString column; // as in the mapping
        QString header; // as found in the file; empty when the file has no such column
        QString task;
        QVector<Value> values; // numbers first in numeric order, then text
    };
    QString source;
    int rows = 0;
    QVector<Column> columns;
    QString toText() const;
};

// What importAdultFaces would do with each mapped column, without a catalogue.
MappingPreview previewAdultFaces(const QString& annotationPath, const AdultFacesOptions& options = {});

// Reads the "Final Values" sheet of the .xlsx (or the same table exported as .csv), matches rows
// by the Filename column, stores EVERY non-empty cell as an attribute (numbers as double, else text;
// the raw value is kept even when it maps to no class) and sets the mapped labels. Throws
// exemplar::Error when the file can't be read or has no Filename column (listing the columns found).
ImportReport importAdultFaces(Catalogue& catalogue, const QString& annotationPath, const QString& imageRoot,
                              const AdultFacesOptions& options = {}, const ImportProgressFn& progress = {},
                              const CancelFlag* cancel = nullptr);

} // namespace exemplar
