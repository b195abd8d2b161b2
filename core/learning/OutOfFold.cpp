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
    // One-pass fits leave the pretrained model as it is: each fold's run scores its held-out faces as
    // its test part, from the scores the cache shares between folds, so no face is scored twice.
    // Gradient-trained fold models are exported and score the held-out files as a user's model would.
    const bool frozen = config.backboneFit != QLatin1String("fine_tune");
    const auto cache = std::make_shared<FoldCache>();
    auto addScore = [&](qint64 imageId, const std::vector<float>& probabilities, const std::vector<float>& embedding) {
        ImageScore s;
        s.imageId = imageId;
        s.probabilities = QVector<float>(probabilities.begin(), probabilities.end());
        s.embedding = QVector<float>(embedding.begin(), embedding.end());
        scores << std::move(s);
    };
    auto report = [&](int f, const QString& phase, double withinFold, double imagesPerSecond = 0) {
        if (progress) progress({f + 1, k, phase, (f + withinFold) / k, imagesPerSecond});
    };

    for (int f = 0; f < k; ++f) {
        if (cancel && cancel->isCancelled()) break;
        TrainingData train;
        train.task = dataset.data.task;
        train.classNames = dataset.data.classNames;
        train.auxiliaryClassNames = dataset.data.auxiliaryClassNames;
        QStringList heldOut;
        for (size_t i = 0; i < samples.size(); ++i) {
            const bool held = fold[i] == f;
            if (held && samples[i].label >= classCount) continue; // never scored
            if (held) heldOut << samples[i].path;
            if (held && !frozen) continue;
            train.samples.push_back(samples[i]);
            if (frozen) train.testOnly.push_back(held);
        }
        report(f, QStringLiteral("training"), 0);
        TrainingJob* jobPtr = nullptr;
        TrainingCallbacks callbacks;
        callbacks.onBatch = [&](const BatchProgress& b) {
            if (cancel && cancel->isCancelled() && jobPtr) jobPtr->cancel();
            const double done = ((b.epoch - 1) * b.batches + b.batch) / double(std::max(1, b.epochs * b.batches));
            report(f, QStringLiteral("training"), 0.9 * done, b.imagesPerSecond);
        };
        TrainingJob job(train, config, QDir(root).filePath(QStringLiteral("fold-%1").arg(f + 1)), callbacks,
                        TrainingJob::Resume::Never);
        job.shareWork(cache);
        jobPtr = &job;
        const TrainingResult result = job.run();
        if (result.status == TrainingStatus::Cancelled || (cancel && cancel->isCancelled())) break;
        if (result.status != TrainingStatus::Finished)
            throw Error(QStringLiteral("cross-validation fold %1 of %2 failed: %3").arg(f + 1).arg(k).arg(result.error));
        for (const Issue& issue : result.issues) // each fold meets the same unreadable files
            if (std::none_of(outcome.issues.begin(), outcome.issues.end(), [&](const Issue& i) { return i.file == issue.file; }))
                outcome.issues.push_back(issue);
        if (frozen) {
            for (const SamplePrediction& p : result.predictions)
                if (p.part == SplitPart::Test) addScore(train.samples[size_t(p.sample)].imageId, p.probabilities, p.embedding);
            continue;
        }
        report(f, QStringLiteral("scoring"), 0.9);
        const ExportedModel model = ExportedModel::load(result.modelDir);
        for (const auto& p : model.scoreFiles(heldOut, &outcome.issues, cancel))
            addScore(idOfFile.value(p.file), p.probabilities, p.embedding);
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
    outcome.facesDecoded = cache->facesDecoded();
    outcome.facesScoredByPretrainedModel = cache->facesScored();
    outcome.facesLabelledByTeacher = cache->facesTaught();
    if (progress) progress({k, k, QStringLiteral("done"), 1.0, 0});
    return outcome;
}

} // namespace exemplar::learning
