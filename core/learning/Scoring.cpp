#include "core/learning/Scoring.h"

#include "core/learning/ExportedModel.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace exemplar::learning {

LatestModel latestModel(const Catalogue& catalogue, qint64 taskId)
{
    for (const RunRecord& run : catalogue.runs()) { // newest first
        if (run.taskId != taskId || run.status != QLatin1String("finished") || run.modelPath.isEmpty())
            continue;
        if (QFileInfo::exists(QDir(run.modelPath).filePath(ExportedModel::kSidecarFile)))
            return {run.id, run.modelPath};
    }
    const auto task = catalogue.task(taskId);
    throw Error(QStringLiteral("%1: task '%2' has no finished training run with a model; train one first")
                    .arg(catalogue.path(), task ? task->name : QString::number(taskId)));
}

ScoringOutcome scoreCatalogue(Catalogue& catalogue, const ScoringRequest& request, const CancelFlag* cancel,
                              const std::function<void(int, int)>& progress)
{
    const auto task = catalogue.task(request.task);
    if (!task) throw Error(QStringLiteral("%1: no task named '%2'").arg(catalogue.path(), request.task));
    ScoringOutcome outcome;
    // A run's folder names its model/ folder: resolved first, so that the run is recognised below.
    outcome.modelDir = request.modelDir.isEmpty() ? QString() : ExportedModel::resolveDir(request.modelDir);
    if (outcome.modelDir.isEmpty()) {
        const LatestModel latest = latestModel(catalogue, task->id);
        outcome.modelDir = latest.modelDir;
        outcome.runId = latest.runId;
    } else {
        for (const RunRecord& run : catalogue.runs())
            if (run.taskId == task->id && QDir(run.modelPath) == QDir(outcome.modelDir)) {
                outcome.runId = run.id;
                break;
            }
    }
    ExportedModel model = ExportedModel::load(outcome.modelDir);
    for (const QString& c : model.classes())
        if (!task->classByName(c))
            throw Error(QStringLiteral("%1: the model's class '%2' is not a class of task '%3' in %4")
                            .arg(outcome.modelDir, c, task->name, catalogue.path()));
    model.setThreads(request.threads);
    outcome.embeddings = model.hasEmbedding();

    QVector<qint64> ids;
    QStringList files;
    const auto labels = catalogue.labelsOfTask(task->id);
    for (const ImageRecord& image : catalogue.allImages()) {
        if (request.unlabelledOnly && labels.contains(image.id) && labels.value(image.id).classId) continue;
        ids << image.id;
        files << image.absolutePath;
    }
    QHash<QString, qint64> idOfFile;
    for (int i = 0; i < files.size(); ++i) idOfFile.insert(files[i], ids[i]);

    const auto predictions = model.scoreFiles(files, &outcome.issues, cancel, progress, request.batchSize);
    if (cancel && cancel->isCancelled()) {
        outcome.cancelled = true;
        return outcome;
    }
    QVector<ImageScore> scores;
    scores.reserve(int(predictions.size()));
    for (const auto& p : predictions) {
        ImageScore s;
        s.imageId = idOfFile.value(p.file);
        s.probabilities = QVector<float>(p.probabilities.begin(), p.probabilities.end());
        s.embedding = QVector<float>(p.embedding.begin(), p.embedding.end());
        scores << std::move(s);
    }
    Scoring scoring;
    scoring.taskId = task->id;
    scoring.runId = outcome.runId;
    scoring.kind = QString::fromLatin1(ScoreStore::kModelKind);
    scoring.modelPath = outcome.modelDir;
    scoring.classes = model.classes();
    scoring.info = QJsonObject{{"embeddings", outcome.embeddings},
                               {"embedding_source", outcome.embeddings ? "penultimate features" : "probabilities"},
                               {"unlabelled_only", request.unlabelledOnly},
                               {"left_out", int(outcome.issues.size())}};
    outcome.scoringId = ScoreStore(catalogue).addScoring(scoring, scores);
    outcome.scored = int(scores.size());
    return outcome;
}

} // namespace exemplar::learning
