#pragma once
// The SQLite catalogue: images, tasks and classes, labels with full history (undo/redo), raw
// annotation attributes, imports and training runs. One file per project ("faces.exemplar").
//
// Threading: a Catalogue is one SQLite connection and must be used from one thread at a time.
// Open one Catalogue per thread (or per process); SQLite's WAL mode lets readers run beside a
// writer, and writers wait (busy timeout) instead of failing.
//
// Errors: every method throws exemplar::Error with a message naming the catalogue file.
#include "core/catalogue/Types.h"
#include "core/util/Error.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>
#include <optional>
#include <vector>

namespace exemplar {

class Database;

class Catalogue {
public:
    enum class OpenMode {
        CreateIfMissing, // create an empty catalogue when the file does not exist
        MustExist,       // fail when the file does not exist
        ReadOnly,        // never writes (no migration); fails if a migration would be needed
    };

    // Opens (and if needed creates or migrates) a catalogue. Throws exemplar::Error when the file is
    // not an Exemplar catalogue, is damaged, or was written by a newer Exemplar; in those cases the
    // file is left untouched.
    static Catalogue open(const QString& path, OpenMode mode = OpenMode::CreateIfMissing);

    Catalogue(Catalogue&&) noexcept;
    Catalogue& operator=(Catalogue&&) noexcept;
    ~Catalogue();

    QString path() const;
    static int currentSchemaVersion();
    int schemaVersion() const;

    // How long a writer waits for another process's write transaction before giving up.
    void setBusyTimeoutMs(int ms);

    // ---- image roots -------------------------------------------------------------------------
    // Returns the id of the root for this absolute directory, creating it if needed.
    qint64 ensureRoot(const QString& absoluteDir);
    QVector<ImageRoot> roots() const;
    std::optional<ImageRoot> root(qint64 rootId) const;

    // ---- images ------------------------------------------------------------------------------
    // Adds a batch in ONE transaction. An image whose content hash is already in the catalogue is
    // not added again: its result has inserted=false and the existing id.
    std::vector<AddImageResult> addImages(const std::vector<NewImage>& images);
    std::optional<ImageRecord> image(qint64 imageId) const;
    QVector<ImageRecord> images(const QVector<qint64>& imageIds) const; // same order as ids
    QVector<ImageRecord> allImages() const;                             // import order
    std::optional<qint64> imageIdByPath(qint64 rootId, const QString& relativePath) const;
    std::optional<qint64> imageIdByHash(const QByteArray& contentHashHex) const;
    QSet<QString> relativePathsInRoot(qint64 rootId) const; // for "only import what is new"
    QByteArray thumbnail(qint64 imageId) const;             // JPEG bytes, empty if none
    int imageCount() const;
    // Who each image shows (its identity; images without one or not catalogued are left out).
    QHash<qint64, QString> identities(const QVector<qint64>& imageIds) const;
    // Sets identities in one transaction (empty string clears).
    void setIdentities(const QVector<QPair<qint64, QString>>& imageIdentity);

    // Images matching a gallery filter, in the requested order.
    QVector<qint64> findImages(const ImageQuery& query) const;

    // ---- attributes (raw annotation columns) -------------------------------------------------
    void setAttributes(const std::vector<AttributeValue>& values); // one transaction, upsert
    QVector<AttributeValue> attributes(qint64 imageId) const;
    QStringList attributeNames() const;
    // Min/max of the numeric values of one attribute (nullopt when it has no numeric value).
    std::optional<QPair<double, double>> attributeRange(const QString& name) const;

    // ---- tasks and classes -------------------------------------------------------------------
    // Creates the task if missing and appends any class in `classes` it does not have yet.
    TaskInfo ensureTask(const QString& name, const QStringList& classes = {});
    std::optional<TaskInfo> task(const QString& name) const;
    std::optional<TaskInfo> task(qint64 taskId) const;
    QVector<TaskInfo> tasks() const;
    qint64 addClass(qint64 taskId, const QString& className);
    void renameClass(qint64 classId, const QString& newName);
    void setClassRetired(qint64 classId, bool retired); // labels are kept
    void reorderClasses(qint64 taskId, const QVector<qint64>& classIdsInOrder);
    void renameTask(qint64 taskId, const QString& newName);

    // ---- labels ------------------------------------------------------------------------------
    // Applies all edits in ONE transaction and records them as one undoable change. Returns the
    // change id (0 when no edit changed anything). Any redo-able changes are discarded.
    qint64 applyLabelEdits(const QVector<LabelEdit>& edits, const QString& description,
                           const QString& author = {});
    // Convenience for curators: sets a class (keeping each image's exemplar flag).
    qint64 setClass(const QVector<qint64>& imageIds, qint64 taskId, std::optional<qint64> classId,
                    const QString& author = {});
    // Toggles the exemplar flag: if any of the images is not an exemplar, all become exemplars.
    qint64 toggleExemplar(const QVector<qint64>& imageIds, qint64 taskId, const QString& author = {});

    std::optional<Label> label(qint64 imageId, qint64 taskId) const;
    QVector<Label> labelsOfImage(qint64 imageId) const;
    QHash<qint64, Label> labelsOfTask(qint64 taskId) const; // keyed by image id

    bool canUndo() const;
    bool canRedo() const;
    // Undo/redo the latest change (persistent: works across restarts). Return the change id, or
    // nullopt when there is nothing to undo/redo.
    std::optional<qint64> undo(const QString& author = {});
    std::optional<qint64> redo(const QString& author = {});
    QVector<LabelChange> changes(int limit = 100) const;        // newest first
    QVector<LabelHistoryEntry> labelHistory(qint64 imageId) const; // oldest first

    // Counts per class of a task (including retired classes), split by provenance.
    QVector<ClassCount> classCounts(qint64 taskId) const;
    CatalogueStats stats() const;

    // ---- imports -----------------------------------------------------------------------------
    qint64 recordImport(const ImportRecord& record);
    QVector<ImportRecord> importsLog() const;

    // ---- training runs -----------------------------------------------------------------------
    qint64 createRun(const RunRecord& run); // run.id ignored
    void updateRun(const RunRecord& run);   // by run.id
    std::optional<RunRecord> run(qint64 runId) const;
    QVector<RunRecord> runs() const; // newest first
    void deleteRun(qint64 runId);
    void addEpoch(const EpochRecord& epoch);
    QVector<EpochRecord> epochs(qint64 runId) const;
    void setRunSplit(qint64 runId, const QVector<SplitAssignment>& split);
    QVector<SplitAssignment> runSplit(qint64 runId) const;
    void setRunPredictions(qint64 runId, const QVector<PredictionRecord>& predictions);
    QVector<PredictionRecord> runPredictions(qint64 runId) const;

    // ---- integrity -----------------------------------------------------------------------------
    IntegrityReport check() const;

    // The connection, for the stores that keep their own tables in the same file (face boxes,
    // model scores: see FaceStore.h, ScoreStore.h). Same one-thread rule as the catalogue.
    Database& database() const;

private:
    explicit Catalogue(std::unique_ptr<Database> db);
    std::unique_ptr<Database> db_;
};

} // namespace exemplar
