// exemplar-cli baseline: the off-the-shelf baseline of issue #8. A pretrained face model (emotion
// or gender) is evaluated zero-shot, its classes mapped onto the task's by name, on the test
// images a training run with the same seed holds out, and recorded in the run history so every
// trained model is listed next to it.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/DatasetOptions.h"
#include "app/cli/MetricsText.h"
#include "core/catalogue/Catalogue.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShotRun.h"

#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runBaseline(const QStringList& args)
{
    QCommandLineParser p;
    const DatasetOptions data({.task = "The task (e.g. expression, sex).",
                               .seed = "Seed of the split, as for train (default 1).",
                               .exemplarsOnly = "Use exemplar images only."});
    const QCommandLineOption model("model", "Pretrained model: emotion (default), faceapi or faceapi+emotion (expressions), gender or faceres "
                                                 "(sex only).", "NAME");
    const QCommandLineOption json("json", "Print the result as JSON.");
    p.addOptions({data.catalog, data.task, data.classes, model, data.seed, *data.exemplarsOnly, json});
    int code = kExitOk;
    if (!parseArguments(p, "baseline",
                        "Evaluate a pretrained face model zero-shot (its classes mapped onto the task's by name) on "
                        "the test faces a training run with the same seed holds out, and record it as a run, listed "
                        "next to the trained models.",
                        args, code))
        return code;
    if (requireCatalogPath(p).isEmpty()) return kExitUsage;
    if (!p.isSet(data.task)) {
        printError("exemplar-cli baseline: --task is required");
        return kExitUsage;
    }
    ZeroShotOptions options;
    if (p.isSet(model)) options.model = p.value(model);
    // Before opening the catalogue: a missing model is the user's to install, not a failed run.
    options.modelJson = requirePretrainedModel(options.model);
    TrainingConfig config;
    data.applySeed(p, config);

    Catalogue catalogue = data.openCatalogue(p);
    const CatalogueDataset dataset = data.dataset(catalogue, p);
    options.onMessage = [](const QString& m) { printError(m); };
    TrainingResult result;
    const qint64 runId = recordZeroShotRun(catalogue, dataset, config, options, nullptr, &result);

    if (p.isSet(json)) {
        printJson(QJsonObject{{"run_id", runId},
                              {"status", statusName(result.status)},
                              {"model", options.model},
                              {"model_file", options.modelJson},
                              {"classes", QJsonArray::fromStringList(dataset.data.classNames)},
                              {"seconds", result.seconds},
                              {"test", metricsJson(result.test)},
                              {"validation", metricsJson(result.validation)}});
    } else {
        printOut(QStringLiteral("Run %1: %2 zero-shot on '%3' (%4)")
                     .arg(runId).arg(options.model, dataset.task.name, dataset.data.classNames.join(", ")));
        printOut(metricsLines(result.test, QStringLiteral("Test: ")));
    }
    return kExitOk;
}

} // namespace exemplar::cli
