#pragma once
// The bridge between the catalogue and the engine: which images a run learns from, and how a run
// is recorded (config, split, per-epoch metrics, test metrics, predictions, model path).
// A Catalogue is single-threaded: use a RunRecorder from the thread that owns its Catalogue
// (e.g. run the TrainingJob synchronously, or forward callbacks to the catalogue's thread).
#include "core/catalogue/Catalogue.h"
#include "core/learning/TrainingConfig.h"
#include "core/learning/TrainingData.h"
#include "core/learning/TrainingJob.h"

#include <QJsonObject>
#include <QStringList>
#include <memory>

class QLockFile;

namespace exemplar::learning {

struct DatasetSelection {
    QString task;
    QStringList classes;       // empty: every non-retired class of the task that has images
    bool exemplarsOnly = false;
    // Also the images of the task's other (non-retired) classes, as auxiliary classes
    // (TrainingConfig::auxiliaryClasses). Ignored when every class is chosen.
    bool auxiliaryClasses = false;
};

struct CatalogueDataset {
    TrainingData data;
    TaskInfo task;
    QVector<qint64> classIds; // same order as data.classNames
    QVector<int> counts;      // images per class
    QVector<int> auxiliaryCounts; // images per auxiliary class (data.auxiliaryClassNames)
};

// Throws exemplar::Error when the task or a requested class does not exist, or fewer than two
// classes have images.
CatalogueDataset trainingDataFromCatalogue(const Catalogue& catalogue, const DatasetSelection& selection);

// What a recorded run is. RunRecord::status holds the names of all but Interrupted, which is
// what a run recorded as "running" is once no process trains it any more (crash, kill, power cut):
// nothing else would ever record its end.
enum class RunState { Running, Interrupted, Finished, Cancelled, Failed };
QString runStateName(RunState state); // "running", "interrupted", "finished", "cancelled", "failed"

// The state of a recorded run. A "running" run is believed only while a live process holds its
// work directory's run lock (RunRecorder); an unknown status reads as Failed.
RunState runState(const RunRecord& run);
// Whether the run's work directory is locked by a live process (this one included).
bool runIsTrainedNow(const RunRecord& run);
// Whether the run recorded test figures: only a finished run does (the others store "{}").
bool runHasTestFigures(const RunRecord& run);

class RunRecorder {
public:
    // Continues the unfinished run recorded for the same work directory and setup (a resumed
    // training; only when continueUnfinished), or creates a new run with status "running".
    // Holds the work directory's run lock until finish(): throws exemplar::Error, recording
    // nothing, when another live process trains in that directory. `dataset` must outlive the recorder.
    // FolderLock::None records a run that trains nothing in workDir (a zero-shot baseline, whose
    // "work directory" is the pretrained model's folder, shared and possibly read-only).
    enum class FolderLock { Hold, None };
    RunRecorder(Catalogue& catalogue, const CatalogueDataset& dataset, const TrainingConfig& config,
                const QString& workDir, const QString& name = {}, bool continueUnfinished = true,
                FolderLock folderLock = FolderLock::Hold);
    ~RunRecorder();
    qint64 runId() const { return run_.id; }
    bool continued() const { return continued_; }

    void recordEpoch(const EpochProgress& epoch);
    // Status, duration, test metrics, model path, split and predictions.
    void finish(const TrainingResult& result);

private:
    Catalogue& catalogue_;
    const CatalogueDataset& dataset_;
    RunRecord run_;
    bool continued_ = false;
    double previousSeconds_ = 0;
    std::unique_ptr<QLockFile> lock_; // null when the work directory cannot hold one
    QString workDir_;
    void writeLockOwner() const;
};

} // namespace exemplar::learning
