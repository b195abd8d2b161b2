// exemplar-cli review: the labelled faces the model disagrees with most, from k-fold
// cross-validated (out-of-fold) predictions: each face is scored by a model that never trained on
// that person. Survey labels are often wrong; this lists the ones worth a second look, and says
// how well those models did on every labelled face (an estimate for new people that does not hang
// on one test split's few faces of a rare class). The training options are train's (--backbone,
// --backbone-fit ...), with shorter defaults.
// Ctrl-C stops after the current batch; nothing is stored then.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/DatasetOptions.h"
#include "app/cli/MetricsText.h"
#include "app/cli/MiningSupport.h"
#include "app/cli/TrainingOptions.h"
#include "core/learning/Mining.h"
#include "core/learning/OutOfFold.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runReview(const QStringList& args)
{
    QCommandLineParser p;
    const DatasetOptions data({.task = "The task.", .seed = "Seed of the folds and the training (default 1)."});
    const QCommandLineOption top("top", "How many labels to list (default 50).", "N");
    const QCommandLineOption folds("folds", "Cross-validation folds (default 5).", "K");
    const TrainingOptions training({.epochs = "Epochs per fold (default 10).",
                                    .size = "Input size in pixels (default 48; a pretrained model's own with --backbone).",
                                    .maxMinutes = "Training time limit per fold."});
    const QCommandLineOption reuse("reuse", "List from the latest stored cross-validation instead of training again.");
    const QCommandLineOption json("json", "Print the list as JSON.");
    p.addOptions({data.catalog, data.task, data.classes, top, folds, training.configFile, training.epochs, training.size,
                  training.model, training.backbone, training.backboneFit, training.distillFrom, training.auxiliary,
                  training.noAuxiliary, training.color, data.seed, training.threads, training.maxMinutes,
                  training.imbalance, training.selectOn, training.face, reuse, json});
    int code = kExitOk;
    if (!parseArguments(p, "review",
                        "List the labelled faces that cross-validated models dispute most (each face scored by a "
                        "model that never trained on that person), and how well those models did on every "
                        "labelled face. Ctrl-C stops; nothing is stored then.",
                        args, code))
        return code;
    if (requireCatalogPath(p).isEmpty()) return kExitUsage;
    if (!p.isSet(data.task)) {
        printError("exemplar-cli review: --task is required");
        return kExitUsage;
    }
    const int count = p.isSet(top) ? p.value(top).toInt() : 50;
    if (count <= 0) {
        printError("exemplar-cli review: --top needs a positive number");
        return kExitUsage;
    }

    Catalogue catalogue = data.openCatalogue(p);
    const TaskInfo taskInfo = data.requireTask(catalogue, p);
    if (!p.isSet(reuse)) {
        // Short runs from scratch unless told otherwise: the review ranks labels, it needs no best model.
        TrainingConfig defaults;
        defaults.epochs = 10;
        defaults.imageSize = 48;
        defaults.patience = 0;
        const std::optional<TrainingConfig> config = training.config(p, defaults, QStringLiteral("review"));
        if (!config) return kExitUsage;
        OutOfFoldRequest request;
        request.selection = data.selection(p);
        request.selection.task = taskInfo.name;
        request.folds = p.isSet(folds) ? p.value(folds).toInt() : 5;
        request.config = *config;
        data.applySeed(p, request.config);
        CancelFlag cancel;
        InterruptGuard guard(cancel);
        ProgressLine progress(QStringLiteral("Cross-validating"), ProgressLine::kPercent);
        const auto outcome = runOutOfFold(catalogue, request, &cancel, [&](const OutOfFoldProgress& pr) {
            progress.update(int(pr.fraction * 1000), 1000,
                            QStringLiteral("fold %1/%2 %3").arg(pr.fold).arg(pr.folds).arg(pr.phase),
                            Pace{pr.imagesPerSecond, QStringLiteral("faces")});
        });
        progress.finish();
        if (outcome.cancelled) {
            printError("Cancelled; nothing was stored.");
            return kExitCancelled;
        }
        printError(QStringLiteral("Cross-validated %1 in %2: scoring %3. %4 decoded once for all folds%5%6.")
                       .arg(counted(outcome.scored, u"labelled image"), counted(request.folds, u"fold"))
                       .arg(outcome.scoringId)
                       .arg(counted(outcome.facesDecoded, u"image"))
                       .arg(outcome.facesScoredByPretrainedModel > 0
                                ? QStringLiteral("; the %1 model, left as it is by the fits, scored each face once")
                                      .arg(request.config.backbone)
                                : QString())
                       .arg(outcome.facesLabelledByTeacher > 0
                                ? QStringLiteral("; the teacher labelled %1 once (distillation)")
                                      .arg(counted(outcome.facesLabelledByTeacher, u"training face"))
                                : QString()));
    }
    const Scoring scoring = requireScoring(catalogue, taskInfo, ScoreStore::kOutOfFoldKind);
    auto disputed = rankDisputedLabels(ScoreStore(catalogue).scores(scoring.id),
                                       labelIndexes(catalogue, taskInfo, scoring.classes));
    // Against the labels as they are now: a label fixed since the scoring counts as fixed.
    QVector<qint64> labelledIds;
    for (const auto& d : disputed) labelledIds << d.imageId;
    const Metrics crossValidated = crossValidatedMetrics(disputed, scoring.classes, catalogue.identities(labelledIds));
    if (!p.isSet(json))
        printError(metricsLines(crossValidated,
                                QStringLiteral("Cross-validated%1 (each face scored by a model that never trained on "
                                               "that person): ")
                                    .arg(scoring.info["network"].isString()
                                             ? QStringLiteral(" %1 models").arg(scoring.info["network"].toString())
                                             : QString()))
                   + QLatin1Char('\n') + metricsTable(crossValidated));
    if (int(disputed.size()) > count) disputed.resize(size_t(count));
    QVector<qint64> ids;
    for (const auto& d : disputed) ids << d.imageId;
    const auto images = catalogue.images(ids);

    if (p.isSet(json)) {
        QJsonArray items;
        for (size_t i = 0; i < disputed.size(); ++i) {
            const auto& d = disputed[i];
            items.append(QJsonObject{{"file", images[int(i)].absolutePath},
                                     {"image_id", d.imageId},
                                     {"label", scoring.classes.value(d.labelIndex)},
                                     {"model_class", scoring.classes.value(d.predicted)},
                                     {"probability", double(d.predictedProbability)},
                                     {"label_probability", double(d.labelProbability)},
                                     {"disagreement", d.score}});
        }
        printJson(QJsonObject{{"scoring_id", scoring.id},
                              {"folds", scoring.info["folds"]},
                              {"network", scoring.info["network"]},
                              {"cross_validated", metricsJson(crossValidated)},
                              {"disputed", items}});
    } else {
        printOut(QStringLiteral("file\tlabel\tmodel_class\tprobability\tp(label)"));
        for (size_t i = 0; i < disputed.size(); ++i)
            printOut(QStringLiteral("%1\t%2\t%3\t%4\t%5")
                         .arg(images[int(i)].absolutePath, scoring.classes.value(disputed[i].labelIndex),
                              scoring.classes.value(disputed[i].predicted))
                         .arg(disputed[i].predictedProbability, 0, 'f', 3)
                         .arg(disputed[i].labelProbability, 0, 'f', 3));
    }
    return kExitOk;
}

} // namespace exemplar::cli
