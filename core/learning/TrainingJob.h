#pragma once
// A training run: decode -> split -> train with early stopping -> evaluate -> export, in a
// background thread (start/wait) or on the calling thread (run). Torch-free header.
//
// Callbacks are invoked on the thread that trains (the background thread after start()); a GUI
// must hand them over to its own thread (e.g. QMetaObject::invokeMethod with a queued call).
//
// Work directory layout (the run's files, kept after the run):
//   checkpoint/  last completed epoch (model, optimiser, state.json): resume point after a crash
//                or a cancel
//   best.pt      weights of the best epoch so far (validation macro-F1)
//   model/       exported model (model.pt TorchScript + model.json sidecar), see ExportedModel.h
//   split.json   the split used (file, identity, part)
#include "core/catalogue/Types.h"
#include "core/learning/FoldCache.h"
#include "core/learning/Metrics.h"
#include "core/learning/TrainingConfig.h"
#include "core/learning/TrainingData.h"
#include "core/util/Cancellation.h"
#include "core/util/Error.h"

#include <QJsonObject>
#include <functional>
#include <memory>
#include <vector>

namespace exemplar::learning {

struct BatchProgress {
    int epoch = 0; // 1-based
    int epochs = 0;
    int batch = 0; // 1-based
    int batches = 0;
    // A one-pass fit (class biases, linear head) scoring the training faces: batch and batches
    // count faces scored and to score; no loss, accuracy or learning rate yet.
    bool scoring = false;
    double loss = 0;     // of this batch
    double accuracy = 0; // of this batch (augmented training images)
    double learningRate = 0;
    double imagesPerSecond = 0; // training throughput over the current epoch
    double etaSeconds = 0;      // to the last configured epoch (early stopping may end sooner)
};

struct EpochProgress {
    int epoch = 0; // 1-based
    int epochs = 0;
    double trainLoss = 0;
    double trainAccuracy = 0;
    double trainBalancedAccuracy = 0;
    double valLoss = 0;
    double valAccuracy = 0;
    double valBalancedAccuracy = 0;
    double valMacroF1 = 0;
    double learningRate = 0; // at the end of the epoch
    double imagesPerSecond = 0;
    double seconds = 0;    // training wall time since the run (first start) began
    double etaSeconds = 0;
    bool improved = false; // best validation macro-F1 so far
    int bestEpoch = 0;
    QJsonObject toJson() const;
    static EpochProgress fromJson(const QJsonObject& json);
};

struct SamplePrediction {
    int sample = 0; // index into TrainingData::samples
    SplitPart part = SplitPart::Test;
    int truth = 0;
    int predicted = 0;
    std::vector<float> probabilities; // in class order
    std::vector<float> embedding;     // the exported model's embedding; one-pass fits only (else empty)
};

enum class TrainingStatus { Finished, Cancelled, Failed };
const char* statusName(TrainingStatus status); // "finished", "cancelled", "failed"

struct TrainingResult {
    TrainingStatus status = TrainingStatus::Failed;
    QString error;             // when failed
    bool resumed = false;      // continued from a checkpoint
    int epochsRun = 0;         // epochs completed (including resumed ones)
    int bestEpoch = 0;
    bool stoppedEarly = false; // early stopping or the time limit ended training
    std::vector<EpochProgress> history;
    Metrics validation;        // of the best model (finished runs only)
    Metrics test;
    std::vector<SamplePrediction> predictions; // validation and test images
    std::vector<SplitPart> split;  // per sample; samples that could not be decoded are Train
    std::vector<bool> usable;      // per sample: decoded and used
    std::vector<Issue> issues;     // images left out (undecodable)
    QString modelDir;              // exported model (finished runs only)
    QString teacher;               // the pretrained model distilled from (TrainingConfig::distillFrom
                                   // resolved: "auto" picks one on the validation faces), or empty
    double seconds = 0;            // wall time of this invocation
    QJsonObject software;          // versions of Exemplar, libtorch, OpenCV, Qt
};

struct TrainingCallbacks {
    std::function<void(const BatchProgress&)> onBatch;
    std::function<void(const EpochProgress&)> onEpoch;
    std::function<void(const QString&)> onMessage; // phases: decoding, evaluating, exporting
};

class TrainingJob {
public:
    enum class Resume {
        IfPossible, // continue from workDir/checkpoint when it holds this same configuration
        Never,      // start over (existing checkpoint files are replaced)
    };

    // Throws exemplar::Error for an invalid configuration or fewer than two classes.
    TrainingJob(TrainingData data, TrainingConfig config, QString workDir,
                TrainingCallbacks callbacks = {}, Resume resume = Resume::IfPossible);
    ~TrainingJob(); // cancels and waits for the background thread
    TrainingJob(const TrainingJob&) = delete;
    TrainingJob& operator=(const TrainingJob&) = delete;

    // Decoded faces (and a frozen pretrained model's scores) shared with other jobs on the same
    // faces: the folds of a cross-validation. Call before start() or run().
    void shareWork(std::shared_ptr<FoldCache> cache);

    void start();          // trains in a background std::thread
    TrainingResult wait(); // joins; returns the result (once)
    TrainingResult run();  // trains on the calling thread
    void cancel();         // thread-safe; the run stops after the current batch
    bool isRunning() const;
    // For a Ctrl-C handler: setting it is async-signal-safe (lock-free atomic).
    CancelFlag& cancelFlag();

    // True when workDir holds a checkpoint that a job with `config` would resume from.
    static bool canResume(const QString& workDir, const TrainingConfig& config);

private:
    struct State;
    std::unique_ptr<State> d;
};

// Versions of Exemplar, libtorch, OpenCV and Qt (for run records and model sidecars).
QJsonObject softwareVersions();

} // namespace exemplar::learning
