// exemplar-cli review: the labelled faces the model disagrees with most, from k-fold
// cross-validated (out-of-fold) predictions: each face is scored by a model that never trained on
// that person. Survey labels are often wrong; this lists the ones worth a second look.
// Ctrl-C stops after the current batch; nothing is stored then.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/DatasetOptions.h"
#include "app/cli/MiningSupport.h"
#include "core/learning/Mining.h"
#include "core/learning/OutOfFold.h"

#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runReview(const QStringList& args)
{
    QCommandLineParser p;
    const DatasetOptions data({.task = "The task.", .seed = "Seed of the folds and the training (default 1)."});
    const QCommandLineOption top("top", "How many labels to list (default 50).", "N");
    const QCommandLineOption folds("folds", "Cross-validation folds (default 5).", "K");
    const QCommandLineOption epochs("epochs", "Epochs per fold (default 10).", "E");
    const QCommandLineOption size("size", "Input size in pixels (default 48).", "PX");
    const QCommandLineOption model("model", "Network: compact (default) or vgg.", "NAME");
    const QCommandLineOption maxMinutes("max-minutes", "Training time limit per fold.", "M");
    const QCommandLineOption reuse("reuse", "List from the latest stored cross-validation instead of training again.");
    const QCommandLineOption json("json", "Print the list as JSON.");
    p.addOptions({data.catalog, data.task, data.classes, top, folds, epochs, size, model, data.seed, maxMinutes, reuse,
                  json});
    int code = kExitOk;
    if (!parseArguments(p, "review", "List the labels that cross-validated models dispute most.", args, code))
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
        OutOfFoldRequest request;
        request.selection = data.selection(p);
        request.selection.task = taskInfo.name;
        request.folds = p.isSet(folds) ? p.value(folds).toInt() : 5;
        request.config.epochs = p.isSet(epochs) ? p.value(epochs).toInt() : 10;
        request.config.imageSize = p.isSet(size) ? p.value(size).toInt() : 48;
        request.config.patience = 0;
        if (p.isSet(model)) request.config.model = p.value(model);
        data.applySeed(p, request.config);
        if (p.isSet(maxMinutes)) request.config.maxMinutes = p.value(maxMinutes).toDouble();
        CancelFlag cancel;
        InterruptGuard guard(cancel);
        ProgressLine progress(QStringLiteral("Cross-validating"));
        const auto outcome = runOutOfFold(catalogue, request, &cancel, [&](const OutOfFoldProgress& pr) {
            progress.update(int(pr.fraction * 1000), 1000,
                            QStringLiteral("fold %1/%2 %3").arg(pr.fold).arg(pr.folds).arg(pr.phase));
        });
        progress.finish();
        if (outcome.cancelled) {
            printError("Cancelled; nothing was stored.");
            return kExitCancelled;
        }
        printError(QStringLiteral("Cross-validated %1 labelled images in %2 folds: scoring %3.")
                       .arg(outcome.scored).arg(request.folds).arg(outcome.scoringId));
    }
    const Scoring scoring = requireScoring(catalogue, taskInfo, ScoreStore::kOutOfFoldKind);
    auto disputed = rankDisputedLabels(ScoreStore(catalogue).scores(scoring.id),
                                       labelIndexes(catalogue, taskInfo, scoring.classes));
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
        printJson(QJsonObject{{"scoring_id", scoring.id}, {"folds", scoring.info["folds"]}, {"disputed", items}});
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
