#include "core/learning/TrainingJob.h"

#include "core/learning/internal/Checkpoint.h"
#include "core/learning/internal/Trainer.h"

#include <QJsonArray>
#include <opencv2/core/version.hpp>
#include <torch/version.h>

#include <mutex>
#include <optional>
#include <thread>

namespace exemplar::learning {

const char* statusName(TrainingStatus status)
{
    switch (status) {
    case TrainingStatus::Finished: return "finished";
    case TrainingStatus::Cancelled: return "cancelled";
    case TrainingStatus::Failed: return "failed";
    }
    return "failed";
}

QJsonObject softwareVersions()
{
    return QJsonObject{{"exemplar", EXEMPLAR_VERSION},
                       {"libtorch", TORCH_VERSION},
                       {"opencv", CV_VERSION},
                       {"qt", qVersion()}};
}

QJsonObject EpochProgress::toJson() const
{
    return QJsonObject{{"epoch", epoch},
                       {"epochs", epochs},
                       {"train_loss", trainLoss},
                       {"train_accuracy", trainAccuracy},
                       {"train_balanced_accuracy", trainBalancedAccuracy},
                       {"val_loss", valLoss},
                       {"val_accuracy", valAccuracy},
                       {"val_balanced_accuracy", valBalancedAccuracy},
                       {"val_macro_f1", valMacroF1},
                       {"learning_rate", learningRate},
                       {"images_per_second", imagesPerSecond},
                       {"seconds", seconds},
                       {"eta_seconds", etaSeconds},
                       {"improved", improved},
                       {"best_epoch", bestEpoch}};
}

EpochProgress EpochProgress::fromJson(const QJsonObject& j)
{
    EpochProgress e;
    e.epoch = j["epoch"].toInt();
    e.epochs = j["epochs"].toInt();
    e.trainLoss = j["train_loss"].toDouble();
    e.trainAccuracy = j["train_accuracy"].toDouble();
    e.trainBalancedAccuracy = j["train_balanced_accuracy"].toDouble();
    e.valLoss = j["val_loss"].toDouble();
    e.valAccuracy = j["val_accuracy"].toDouble();
    e.valBalancedAccuracy = j["val_balanced_accuracy"].toDouble();
    e.valMacroF1 = j["val_macro_f1"].toDouble();
    e.learningRate = j["learning_rate"].toDouble();
    e.imagesPerSecond = j["images_per_second"].toDouble();
    e.seconds = j["seconds"].toDouble();
    e.etaSeconds = j["eta_seconds"].toDouble();
    e.improved = j["improved"].toBool();
    e.bestEpoch = j["best_epoch"].toInt();
    return e;
}

struct TrainingJob::State {
    TrainingData data;
    TrainingConfig config;
    QString workDir;
    TrainingCallbacks callbacks;
    Resume resume;
    std::shared_ptr<FoldCache> cache;
    CancelFlag cancel;
    std::thread thread;
    std::atomic<bool> running{false};
    std::optional<TrainingResult> result;
};

TrainingJob::TrainingJob(TrainingData data, TrainingConfig config, QString workDir,
                         TrainingCallbacks callbacks, Resume resume)
    : d(std::make_unique<State>())
{
    config.validate();
    if (data.classNames.size() < 2) throw Error(QStringLiteral("training needs at least two classes"));
    const qsizetype outputs = data.classNames.size() + data.auxiliaryClassNames.size();
    for (const auto& s : data.samples)
        if (s.label < 0 || s.label >= outputs)
            throw Error(QStringLiteral("%1: class index %2 outside the %3 classes")
                            .arg(s.path).arg(s.label).arg(outputs));
    if (!data.testOnly.empty() && data.testOnly.size() != data.samples.size())
        throw Error(QStringLiteral("%1 test-only flags for %2 samples").arg(data.testOnly.size()).arg(data.samples.size()));
    d->data = std::move(data);
    d->config = std::move(config);
    d->workDir = std::move(workDir);
    d->callbacks = std::move(callbacks);
    d->resume = resume;
}

TrainingJob::~TrainingJob()
{
    cancel();
    if (d->thread.joinable()) d->thread.join();
}

TrainingResult TrainingJob::run()
{
    d->running = true;
    TrainingResult r;
    try {
        r = trainModel(d->data, d->config, d->workDir, d->callbacks, d->resume, d->cancel, d->cache.get());
    } catch (const std::exception& e) {
        r.status = TrainingStatus::Failed;
        // c10 errors carry a C++ backtrace after the first line; the user needs the first line.
        r.error = QString::fromUtf8(e.what()).section('\n', 0, 0);
        r.software = softwareVersions();
    }
    d->running = false;
    return r;
}

void TrainingJob::shareWork(std::shared_ptr<FoldCache> cache) { d->cache = std::move(cache); }

void TrainingJob::start()
{
    if (d->thread.joinable()) throw Error(QStringLiteral("training job already started"));
    d->running = true;
    d->thread = std::thread([this] { d->result = run(); });
}

TrainingResult TrainingJob::wait()
{
    if (d->thread.joinable()) d->thread.join();
    if (!d->result) throw Error(QStringLiteral("training job: no result (not started)"));
    TrainingResult r = std::move(*d->result);
    d->result.reset();
    return r;
}

void TrainingJob::cancel() { d->cancel.cancel(); }
bool TrainingJob::isRunning() const { return d->running; }
CancelFlag& TrainingJob::cancelFlag() { return d->cancel; }

bool TrainingJob::canResume(const QString& workDir, const TrainingConfig& config)
{
    const auto state = readCheckpointState(workDir);
    if (!state) return false;
    QJsonObject saved = state->config;
    // What identifies the data; the configuration alone decides here.
    saved.remove("classes");
    saved.remove("auxiliary_class_names");
    saved.remove("data_sha256");
    return sameTrainingSetup(saved, config.toJson());
}

} // namespace exemplar::learning
