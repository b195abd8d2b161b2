// exemplar-cli train: trains a classifier for one task of a catalogue, records the run in the
// catalogue and exports the model. Ctrl-C stops after the current batch; the run is recorded as
// cancelled and the same command resumes it from the last checkpoint.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/DatasetOptions.h"
#include "app/cli/MetricsText.h"
#include "app/cli/TrainingOptions.h"
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/TrainingJob.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runTrain(const QStringList& args)
{
    QCommandLineParser p;
    const DatasetOptions data({.task = "The task to learn (e.g. expression, sex).",
                               .seed = "Seed of the split and the training (default 1).",
                               .exemplarsOnly = "Train on exemplar images only."});
    const QCommandLineOption out("out", "Work folder: checkpoints, split and the exported model (OUT/model).", "DIR");
    const TrainingOptions training({.epochs = "Maximum epochs (default 40; early stopping may end sooner).",
                                    .size = "Input size in pixels (default 64; a pretrained model's own with --backbone).",
                                    .maxMinutes = "Train for at most this many minutes, keeping the best epoch."});
    const QCommandLineOption fresh("fresh", "Start over even if OUT holds a checkpoint of this run.");
    const QCommandLineOption json("json", "Print the result as JSON.");
    p.addOptions({data.catalog, data.task, data.classes, out, *data.exemplarsOnly, training.configFile, training.epochs,
                  training.model, training.backbone, training.backboneFit, training.distillFrom, training.auxiliary,
                  training.noAuxiliary, training.size, training.color, data.seed, training.threads, training.maxMinutes,
                  training.imbalance, training.selectOn, training.face, fresh, json});
    int code = kExitOk;
    if (!parseArguments(p, "train",
                        "Train a classifier for a task of a catalogue, record the run in the catalogue and export "
                        "the model to OUT/model. Ctrl-C stops after the current batch; the same command resumes "
                        "from the last checkpoint.",
                        args, code))
        return code;
    if (requireCatalogPath(p).isEmpty()) return kExitUsage;
    if (!p.isSet(data.task) || !p.isSet(out)) {
        printError("exemplar-cli train: --task and --out are required");
        return kExitUsage;
    }

    std::optional<TrainingConfig> parsed = training.config(p, TrainingConfig{}, QStringLiteral("train"));
    if (!parsed) return kExitUsage;
    TrainingConfig config = *parsed;
    data.applySeed(p, config);

    Catalogue catalogue = data.openCatalogue(p);
    DatasetSelection selection = data.selection(p);
    selection.auxiliaryClasses = config.usesAuxiliaryClasses();
    const CatalogueDataset dataset = trainingDataFromCatalogue(catalogue, selection);
    QStringList countText;
    for (int i = 0; i < dataset.counts.size(); ++i)
        countText << QStringLiteral("%1 %2").arg(dataset.data.classNames[i]).arg(dataset.counts[i]);
    for (int i = 0; i < dataset.auxiliaryCounts.size(); ++i)
        countText << QStringLiteral("%1 %2 (auxiliary)").arg(dataset.data.auxiliaryClassNames[i]).arg(dataset.auxiliaryCounts[i]);
    printError(QStringLiteral("Training '%1' on %2: %3")
                   .arg(dataset.task.name, counted(qint64(dataset.data.samples.size()), u"image"), countText.join(", ")));

    const QString workDir = p.value(out);
    RunRecorder recorder(catalogue, dataset, config, workDir, {}, !p.isSet(fresh));
    if (recorder.continued())
        printError(QStringLiteral("Continuing run %1 from its checkpoint in %2").arg(recorder.runId()).arg(workDir));

    ProgressLine progress(QStringLiteral("Training"), QStringLiteral("batches"));
    TrainingCallbacks cb;
    cb.onMessage = [&](const QString& m) {
        progress.finish();
        printError(m);
    };
    cb.onBatch = [&](const BatchProgress& b) {
        const int done = (b.epoch - 1) * b.batches + b.batch, total = b.epochs * b.batches;
        // The trainer's own pace: its ETA counts the validation to come and the time limit.
        const Pace pace{b.imagesPerSecond, QStringLiteral("faces"), b.etaSeconds};
        if (b.scoring) {
            progress.update(done, total, QStringLiteral("scoring faces"), pace);
            return;
        }
        progress.update(done, total,
                        QStringLiteral("epoch %1/%2 loss %3 lr %4")
                            .arg(b.epoch).arg(b.epochs)
                            .arg(b.loss, 0, 'f', 3)
                            .arg(b.learningRate, 0, 'g', 2),
                        pace);
    };
    cb.onEpoch = [&](const EpochProgress& e) {
        recorder.recordEpoch(e);
        progress.finish();
        printError(QStringLiteral("epoch %1/%2  train loss %3 acc %4  val loss %5 acc %6 bal.acc %7 macro-F1 %8  %9 img/s%10")
                       .arg(e.epoch).arg(e.epochs)
                       .arg(e.trainLoss, 0, 'f', 3).arg(e.trainAccuracy, 0, 'f', 3)
                       .arg(e.valLoss, 0, 'f', 3).arg(e.valAccuracy, 0, 'f', 3)
                       .arg(e.valBalancedAccuracy, 0, 'f', 3).arg(e.valMacroF1, 0, 'f', 3)
                       .arg(e.imagesPerSecond, 0, 'f', 0)
                       .arg(e.improved ? QStringLiteral("  *best") : QString()));
    };

    TrainingJob job(dataset.data, config, workDir, cb,
                    p.isSet(fresh) ? TrainingJob::Resume::Never : TrainingJob::Resume::IfPossible);
    TrainingResult result;
    {
        InterruptGuard guard(job.cancelFlag());
        result = job.run();
    }
    progress.finish();
    recorder.finish(result);

    if (p.isSet(json)) {
        QJsonArray issues;
        for (const auto& i : result.issues) issues.append(QJsonObject{{"file", i.file}, {"problem", i.problem}});
        QJsonObject o{{"run_id", recorder.runId()},
                      {"status", statusName(result.status)},
                      {"resumed", result.resumed},
                      {"epochs_run", result.epochsRun},
                      {"best_epoch", result.bestEpoch},
                      {"seconds", result.seconds},
                      {"work_dir", workDir},
                      {"left_out", issues}};
        if (!result.error.isEmpty()) o["error"] = result.error;
        if (result.status == TrainingStatus::Finished) {
            o["model_dir"] = result.modelDir;
            o["test"] = metricsJson(result.test);
            o["validation"] = metricsJson(result.validation);
        }
        if (!result.teacher.isEmpty()) o["teacher"] = result.teacher;
        printJson(o);
    }
    switch (result.status) {
    case TrainingStatus::Finished:
        if (!p.isSet(json)) {
            printOut(QStringLiteral("Run %1 finished in %2 s; best epoch %3 of %4.")
                         .arg(recorder.runId()).arg(result.seconds, 0, 'f', 0)
                         .arg(result.bestEpoch).arg(result.epochsRun));
            printOut(metricsLines(result.validation, QStringLiteral("Validation: ")));
            printOut(metricsLines(result.test, QStringLiteral("Test:       ")));
            printOut(metricsTable(result.test));
            printOut(QStringLiteral("Model: %1").arg(result.modelDir));
        }
        return kExitOk;
    case TrainingStatus::Cancelled:
        printError(QStringLiteral("Cancelled after epoch %1; run %2 recorded as cancelled. Run the same "
                                  "command again to resume from the checkpoint in %3.")
                       .arg(result.epochsRun).arg(recorder.runId()).arg(workDir));
        return kExitCancelled;
    case TrainingStatus::Failed:
        printError(QStringLiteral("exemplar-cli train: %1").arg(result.error));
        return kExitError;
    }
    return kExitError;
}

} // namespace exemplar::cli
