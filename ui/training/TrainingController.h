#pragma once
// Runs one training at a time for the studio: decodes the dataset and trains on a worker thread,
// records the run in the GUI thread's catalogue (the engine's callbacks are queued over to this
// thread, where the RunRecorder lives), and announces progress with signals. Cancel keeps the
// checkpoint; resume continues the same run from it. The run is recorded through the controller's
// own connection to the catalogue it started on, so it is recorded to the end (cancelled, with its
// epochs) even when the window closes or another catalogue is opened meanwhile.
#include "core/learning/CatalogueTraining.h"
#include "core/learning/TrainingJob.h"
#include "ui/training/BatchLossLog.h"

#include <QFuture>
#include <QObject>
#include <memory>

namespace exemplar::ui {

class CurationSession;

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(CurationSession* session, QObject* parent = nullptr);
    ~TrainingController() override; // shutdown(), without signals

    // Starts a new run in workDir (empty: "<catalogue>-runs/run-<time>" next to the catalogue).
    // Returns false (and emits failed) when a run is already going or no catalogue is open.
    bool start(const learning::DatasetSelection& selection, const learning::TrainingConfig& config,
               const QString& workDir = {});
    // Continues the last cancelled or failed run from its checkpoint.
    bool resume();
    bool canResume() const;
    // Continues a recorded run that is not finished (cancelled, failed, or left "running" by a
    // process that died) from the checkpoint in its work directory.
    bool resumeRun(qint64 runId);
    // True when `run` is not finished and its work directory holds a checkpoint for its configuration.
    static bool canResumeRun(const RunRecord& run);
    void cancel();
    // Cancels a run in progress and waits for it (at most one batch), then records it as cancelled
    // with the epochs done so far. Blocks the calling (GUI) thread: for closing and quitting.
    void shutdown();
    bool isRunning() const { return running_; }

    qint64 runId() const { return runId_; }
    QString workDir() const { return workDir_; }
    const learning::TrainingConfig& config() const { return config_; }
    // Smoothed per-batch loss of the current (or last) run, also saved in its work directory.
    const BatchLossLog& batchLoss() const { return batchLoss_; }

    static QString defaultWorkDir(const QString& cataloguePath);

Q_SIGNALS:
    void started(qint64 runId, const learning::TrainingConfig& config);
    void batchDone(const learning::BatchProgress& progress);
    void epochDone(const learning::EpochProgress& progress);
    void phase(const QString& text); // decoding, evaluating, exporting...
    void finished(qint64 runId, const QString& status, const QString& error);
    void failed(const QString& error); // the run could not start

private:
    bool launch(bool resume, int expectedImages = -1);
    void onDatasetReady(std::shared_ptr<learning::CatalogueDataset> dataset, bool resume);
    void onTrained(const learning::TrainingResult& result);
    void saveBatchLoss();

    CurationSession* session_;
    learning::DatasetSelection selection_;
    learning::TrainingConfig config_;
    QString workDir_;
    QString cataloguePath_;
    std::unique_ptr<Catalogue> recordTo_; // the recorder's connection (GUI thread)
    BatchLossLog batchLoss_;
    qint64 runId_ = 0;
    bool running_ = false;
    std::shared_ptr<learning::CatalogueDataset> dataset_;
    std::unique_ptr<learning::RunRecorder> recorder_;
    std::shared_ptr<learning::TrainingJob> job_;
    std::shared_ptr<CancelFlag> prepareCancel_;
    QFuture<void> worker_;
};

} // namespace exemplar::ui
