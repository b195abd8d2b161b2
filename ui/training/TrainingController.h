#pragma once
// Runs one training at a time for the studio: decodes the dataset and trains on a worker thread,
// records the run in the GUI thread's catalogue (the engine's callbacks are queued over to this
// thread, where the RunRecorder lives), and announces progress with signals. Cancel keeps the
// checkpoint; resume continues the same run from it.
#include "core/learning/CatalogueTraining.h"
#include "core/learning/TrainingJob.h"

#include <QFuture>
#include <QObject>
#include <memory>

namespace exemplar::ui {

class CurationSession;

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(CurationSession* session, QObject* parent = nullptr);
    ~TrainingController() override; // cancels and waits for the worker

    // Starts a new run in workDir (empty: "<catalogue>-runs/run-<time>" next to the catalogue).
    // Returns false (and emits failed) when a run is already going or no catalogue is open.
    bool start(const learning::DatasetSelection& selection, const learning::TrainingConfig& config,
               const QString& workDir = {});
    // Continues the last cancelled or failed run from its checkpoint.
    bool resume();
    bool canResume() const;
    void cancel();
    bool isRunning() const { return running_; }

    qint64 runId() const { return runId_; }
    QString workDir() const { return workDir_; }
    const learning::TrainingConfig& config() const { return config_; }

    static QString defaultWorkDir(const QString& cataloguePath);

Q_SIGNALS:
    void started(qint64 runId, const learning::TrainingConfig& config);
    void batchDone(const learning::BatchProgress& progress);
    void epochDone(const learning::EpochProgress& progress);
    void phase(const QString& text); // decoding, evaluating, exporting...
    void finished(qint64 runId, const QString& status, const QString& error);
    void failed(const QString& error); // the run could not start

private:
    bool launch(bool resume);
    void onDatasetReady(std::shared_ptr<learning::CatalogueDataset> dataset, bool resume);
    void onTrained(const learning::TrainingResult& result);

    CurationSession* session_;
    learning::DatasetSelection selection_;
    learning::TrainingConfig config_;
    QString workDir_;
    qint64 runId_ = 0;
    bool running_ = false;
    std::shared_ptr<learning::CatalogueDataset> dataset_;
    std::unique_ptr<learning::RunRecorder> recorder_;
    std::shared_ptr<learning::TrainingJob> job_;
    std::shared_ptr<CancelFlag> prepareCancel_;
    QFuture<void> worker_;
};

} // namespace exemplar::ui
