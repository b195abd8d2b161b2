#pragma once
// Plain records exchanged with the catalogue. No behaviour here.
#include "core/catalogue/SearchCondition.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QString>
#include <QVariant>
#include <QVector>
#include <optional>

namespace exemplar {

inline constexpr int kThumbnailMaxSide = 160; // pixels; thumbnails are stored as JPEG

enum class Provenance { Imported, Curator, Model };
QString provenanceName(Provenance p);                    // "imported", "curator", "model"
std::optional<Provenance> provenanceFromName(const QString& name);

struct ImageRoot {
    qint64 id = 0;
    QString path; // absolute directory
};

struct NewImage {
    qint64 rootId = 0;
    QString relativePath;   // '/'-separated, relative to the root, never escaping it
    QByteArray contentHash; // lowercase hex SHA-256 of the file bytes
    int width = 0;
    int height = 0;
    QByteArray thumbnailJpeg;
    QString identity; // may be empty
    qint64 fileSize = 0;
};

struct AddImageResult {
    qint64 imageId = 0;
    bool inserted = false; // false: same bytes already catalogued under imageId
};

struct ImageRecord {
    qint64 id = 0;
    qint64 rootId = 0;
    QString relativePath;
    QString absolutePath;
    QByteArray contentHash;
    int width = 0;
    int height = 0;
    QString identity;
    QDateTime importedAt;
    qint64 fileSize = 0;
    QString fileName() const { return relativePath.section(QLatin1Char('/'), -1); }
};

struct AttributeValue {
    qint64 imageId = 0;
    QString name;   // column name as in the annotation file
    QVariant value; // double when numeric, QString otherwise
    QString source; // file the value came from
};

struct ClassInfo {
    qint64 id = 0;
    QString name;
    int position = 0;
    bool retired = false;
};

struct TaskInfo {
    qint64 id = 0;
    QString name;
    QVector<ClassInfo> classes; // ordered by position, retired ones included
    std::optional<ClassInfo> classByName(const QString& name) const {
        for (const auto& c : classes)
            if (c.name == name) return c;
        return std::nullopt;
    }
    std::optional<ClassInfo> classById(qint64 id) const {
        for (const auto& c : classes)
            if (c.id == id) return c;
        return std::nullopt;
    }
};

struct Label {
    qint64 imageId = 0;
    qint64 taskId = 0;
    std::optional<qint64> classId; // nullopt: no class (e.g. only flagged as exemplar)
    bool exemplar = false;
    Provenance provenance = Provenance::Curator;
    QString source; // e.g. "labels.csv:expression" for imports
    QString author;
    QDateTime updatedAt;
};

// The complete new state of one (image, task) label. A label with no class and no exemplar flag
// is removed.
struct LabelEdit {
    qint64 imageId = 0;
    qint64 taskId = 0;
    std::optional<qint64> classId;
    bool exemplar = false;
    Provenance provenance = Provenance::Curator;
    QString source;
};

enum class ChangeState { Applied, Undone, Discarded };

struct LabelChange {
    qint64 id = 0;
    QDateTime at;
    QString author;
    QString description;
    ChangeState state = ChangeState::Applied;
    int labelCount = 0;
};

struct LabelHistoryEntry {
    qint64 changeId = 0;
    QDateTime at;
    QString author;
    QString description;
    ChangeState state = ChangeState::Applied;
    qint64 taskId = 0;
    std::optional<qint64> oldClassId;
    std::optional<qint64> newClassId;
    bool oldExemplar = false;
    bool newExemplar = false;
    QString newProvenance; // "imported", "curator", "model", or empty when the label was removed
};

struct ClassCount {
    qint64 classId = 0;
    QString className;
    bool retired = false;
    int imported = 0;
    int curator = 0;
    int model = 0;
    int exemplars = 0;
    int total() const { return imported + curator + model; }
};

struct TaskStats {
    TaskInfo task;
    QVector<ClassCount> classes;
    int labelled = 0;   // images with a class for this task
    int unlabelled = 0; // images without a class for this task
    int exemplars = 0;
};

struct CatalogueStats {
    int images = 0;
    int roots = 0;
    int imagesWithIdentity = 0;
    QVector<TaskStats> tasks;
};

struct ImageQuery {
    std::optional<qint64> taskId;   // the task the label filters refer to
    QVector<qint64> classIds;       // non-empty: only images labelled with one of these classes
    bool unlabelledOnly = false;    // only images with no class for taskId
    bool exemplarsOnly = false;
    std::optional<Provenance> provenance;
    QString fileNameContains;       // case-insensitive substring of the relative path
    // Non-empty: only images whose face check (face_checks.status: tight_crop, found, several,
    // none, failed) is one of these; "unchecked" matches images never checked.
    QStringList faceStatuses;
    struct AttributeRange {
        QString name;
        std::optional<double> min;
        std::optional<double> max;
    };
    QVector<AttributeRange> attributeRanges;
    QVector<SearchCondition> conditions; // all must hold (the gallery's search field)
    enum class Sort { ImportOrder, Name, Attribute };
    Sort sort = Sort::ImportOrder;
    QString sortAttribute;
    bool descending = false;
};

struct ImportRecord {
    qint64 id = 0;
    QString kind;   // "folder", "labels-csv", "adult-faces", "class-folders", "relink"
    QString source; // folder or file path
    QDateTime startedAt;
    QDateTime finishedAt;
    int added = 0;
    int skipped = 0;
    QString reportJson; // {"issues":[{"file":..., "problem":...}], ...}
};

enum class SplitPart { Train, Validation, Test };
QString splitPartName(SplitPart p); // "train", "validation", "test"
std::optional<SplitPart> splitPartFromName(const QString& name);

struct RunRecord {
    qint64 id = 0;
    qint64 taskId = 0;
    QString name;
    QString status; // "running", "finished", "cancelled", "failed"
    QDateTime startedAt;
    QDateTime finishedAt;
    double durationSeconds = 0;
    quint64 seed = 0;
    QString configJson;      // the full training configuration
    QString classesJson;     // ["happiness", ...] in model output order, with class ids
    QString softwareJson;    // versions of Exemplar, libtorch, OpenCV, Qt
    QString testMetricsJson; // accuracy, balanced_accuracy, macro_f1, per_class, confusion
    QString modelPath;       // exported model directory
    QString error;           // when failed
};

struct EpochRecord {
    qint64 runId = 0;
    int epoch = 0;
    double trainLoss = 0;
    double trainAccuracy = 0;
    double valLoss = 0;
    double valAccuracy = 0;
    double valBalancedAccuracy = 0;
    double valMacroF1 = 0;
    double learningRate = 0;
    double imagesPerSecond = 0;
    double seconds = 0; // wall time since the run started
};

struct SplitAssignment {
    qint64 imageId = 0;
    SplitPart part = SplitPart::Train;
};

struct PredictionRecord {
    qint64 imageId = 0;
    SplitPart part = SplitPart::Test;
    qint64 trueClassId = 0;
    qint64 predictedClassId = 0;
    QVector<float> probabilities; // in the run's class order (RunRecord::classesJson)
};

struct IntegrityReport {
    bool ok = true;
    QStringList problems; // each names what is wrong
    QStringList advice;   // what the user can do about it
    int missingFiles = 0; // images whose file is no longer on disk
};

} // namespace exemplar
