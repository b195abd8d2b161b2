#include "core/learning/OutOfFold.h"

#include "core/catalogue/ScoreStore.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/TrainingJob.h"

#include <QDir>
#include <QHash>
#include <QJsonArray>
#include <QTemporaryDir>

#include <algorithm>
#include <map>
#include <memory>
#include <random>

namespace exemplar::learning {

OutOfFoldOutcome runOutOfFold(Catalogue& catalogue, const OutOfFoldRequest& request, const CancelFlag* cancel,
                              const std::function<void(const OutOfFoldProgress&)>& progress)
{
    // As train does: the task's other classes teach the fold models when the setup learns from them;
    // they are never held out for scoring (the models do not predict them).
    DatasetSelection selection = request.selection;
    selection.auxiliaryClasses = request.config.usesAuxiliaryClasses();
    const CatalogueDataset dataset = trainingDataFromCatalogue(catalogue, selection);
    const auto& samples = dataset.data.samples;
    const int classCount = int(dataset.data.classNames.size());
    const std::vector<int> fold = identityFolds(samples, request.folds, request.config.seed);
    TrainingConfig config = request.config;
    config.testFraction = 0; // the held-out fold is the test
    config.validate();

    std::unique_ptr<QTemporaryDir> tmp;
    QString root = request.workDir;
    if (root.isEmpty()) {
        tmp = std::make_unique<QTemporaryDir>();
        if (!tmp->isValid()) throw Error(QStringLiteral("cannot create a temporary folder for the fold models"));
        root = tmp->path();
    }

    OutOfFoldOutcome outcome;
    outcome.classes = dataset.data.classNames;
    QVector<ImageScore> scores;
    QHash<QString, qint64> idOfFile;
    for (const auto& s : samples) idOfFile.insert(s.path, s.imageId);
    const int k = request.folds;
    auto report = [&](int f, const QString& phase, double withinFold) {
        if (progress) progress({f + 1, k, phase, (f + withinFold) / k});
    };

    for (int f = 0; f < k; ++f) {
        if (cancel && cancel->isCancelled()) break;
        TrainingData train;
        train.task = dataset.data.task;
        train.classNames = dataset.data.classNames;
        train.auxiliaryClassNames = dataset.data.auxiliaryClassNames;
        QStringList heldOut;
        for (size_t i = 0; i < samples.size(); ++i) {
            if (fold[i] != f) train.samples.push_back(samples[i]);
            else if (samples[i].label < classCount) heldOut << samples[i].path;
        }
        report(f, QStringLiteral("training"), 0);
        TrainingJob* jobPtr = nullptr;
        TrainingCallbacks callbacks;
        callbacks.onBatch = [&](const BatchProgress& b) {
            if (cancel && cancel->isCancelled() && jobPtr) jobPtr->cancel();
            const double done = ((b.epoch - 1) * b.batches + b.batch) / double(std::max(1, b.epochs * b.batches));
            report(f, QStringLiteral("training"), 0.9 * done);
        };
        TrainingJob job(train, config, QDir(root).filePath(QStringLiteral("fold-%1").arg(f + 1)), callbacks,
                        TrainingJob::Resume::Never);
        jobPtr = &job;
        const TrainingResult result = job.run();
        if (result.status == TrainingStatus::Cancelled || (cancel && cancel->isCancelled())) break;
        if (result.status != TrainingStatus::Finished)
            throw Error(QStringLiteral("cross-validation fold %1 of %2 failed: %3").arg(f + 1).arg(k).arg(result.error));
        outcome.issues.insert(outcome.issues.end(), result.issues.begin(), result.issues.end());
        report(f, QStringLiteral("scoring"), 0.9);
        const ExportedModel model = ExportedModel::load(result.modelDir);
        const auto predictions = model.scoreFiles(heldOut, &outcome.issues, cancel);
        for (const auto& p : predictions) {
            ImageScore s;
            s.imageId = idOfFile.value(p.file);
            s.probabilities = QVector<float>(p.probabilities.begin(), p.probabilities.end());
            s.embedding = QVector<float>(p.embedding.begin(), p.embedding.end());
            scores << std::move(s);
        }
    }
    if (cancel && cancel->isCancelled()) {
        outcome.cancelled = true;
        return outcome;
    }
    Scoring scoring;
    scoring.taskId = dataset.task.id;
    scoring.kind = QString::fromLatin1(ScoreStore::kOutOfFoldKind);
    scoring.classes = dataset.data.classNames;
    scoring.info = QJsonObject{{"folds", k},
                               {"epochs", config.epochs},
                               {"model", config.model},
                               {"network", networkLabel(config.toJson())},
                               {"config", config.toJson()},
                               {"image_size", config.imageSize},
                               {"seed", QString::number(config.seed)},
                               {"labelled_images", int(std::count_if(samples.begin(), samples.end(),
                                                                     [&](const TrainingSample& s) { return s.label < classCount; }))},
                               {"auxiliary_classes", QJsonArray::fromStringList(dataset.data.auxiliaryClassNames)},
                               {"left_out", int(outcome.issues.size())}};
    outcome.scoringId = ScoreStore(catalogue).addScoring(scoring, scores);
    outcome.scored = int(scores.size());
    if (progress) progress({k, k, QStringLiteral("done"), 1.0});
    return outcome;
}

} // namespace exemplar::learning
