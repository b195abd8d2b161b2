// exemplar-cli train: trains a classifier for one task of a catalogue, records the run in the
// catalogue and exports the model. Ctrl-C stops after the current batch; the run is recorded as
// cancelled and the same command resumes it from the last checkpoint.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/DatasetOptions.h"
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/FaceImage.h"
#include "core/learning/TrainingJob.h"
#include "core/learning/tfjs/ModelLocator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace exemplar::cli {

using namespace exemplar::learning;

namespace {

QString metricsLine(const Metrics& m)
{
    return QStringLiteral("accuracy %1, balanced accuracy %2, macro-F1 %3 (%4 images)")
        .arg(m.accuracy, 0, 'f', 3)
        .arg(m.balancedAccuracy, 0, 'f', 3)
        .arg(m.macroF1, 0, 'f', 3)
        .arg(m.count);
}

QString metricsTable(const Metrics& m)
{
    QString out = QStringLiteral("  %1 %2 %3 %4 %5\n")
                      .arg(QStringLiteral("class").leftJustified(14), QStringLiteral("precision").rightJustified(10),
                           QStringLiteral("recall").rightJustified(8), QStringLiteral("f1").rightJustified(7),
                           QStringLiteral("support").rightJustified(8));
    for (const auto& c : m.perClass)
        out += QStringLiteral("  %1 %2 %3 %4 %5\n")
                   .arg(c.name.leftJustified(14))
                   .arg(c.precision, 10, 'f', 3)
                   .arg(c.recall, 8, 'f', 3)
                   .arg(c.f1, 7, 'f', 3)
                   .arg(c.support, 8);
    out += QStringLiteral("  confusion (rows: true, columns: predicted, order as above)\n");
    for (const auto& row : m.confusion) {
        QString line = QStringLiteral("   ");
        for (int v : row) line += QStringLiteral(" %1").arg(v, 6);
        out += line + '\n';
    }
    return out;
}

} // namespace

int runTrain(const QStringList& args)
{
    QCommandLineParser p;
    const DatasetOptions data({.task = "The task to learn (e.g. expression, sex).",
                               .seed = "Seed of the split and the training (default 1).",
                               .exemplarsOnly = "Train on exemplar images only."});
    const QCommandLineOption out("out", "Work folder: checkpoints, split and the exported model (OUT/model).", "DIR");
    const QCommandLineOption configFile("config", "Training configuration JSON (keys as in the run records); options below override it.", "FILE");
    const QCommandLineOption epochs("epochs", "Maximum epochs (default 40; early stopping may end sooner).", "N");
    const QCommandLineOption model("model", "Network: compact (default) or vgg.", "NAME");
    const QCommandLineOption backbone("backbone", "Start from a pretrained face model: emotion, gender, faceres or none "
                                      "(default none: train from scratch). faceres reads 224 px colour images "
                                      "(the defaults of --size and --color then follow it).", "NAME");
    const QCommandLineOption backboneFit("backbone-fit", "What of the pretrained model (--backbone) learns: fine_tune "
                                         "(default: a new head, then every layer), linear_head (every pretrained layer "
                                         "kept; a linear classifier on its features and its own class scores, fitted "
                                         "in one pass, its penalty chosen by cross-validation by identity; faces scored "
                                         "over nine views) or class_biases (the pretrained classifier kept as it is, one "
                                         "bias per class fitted; the model must know every chosen class).", "FIT");
    const QCommandLineOption distillFrom("distill-from", "Also learn from a pretrained model's judgement of every "
                                         "training image (knowledge distillation): auto (default: the installed model "
                                         "that knows all the chosen classes and scores best on the validation faces, "
                                         "if clearly better than chance), emotion, gender, faceres or none. The model "
                                         "must know all the chosen classes.", "NAME");
    const QCommandLineOption auxiliary("auxiliary-classes", "Also learn from the images of the task's other classes "
                                       "(default; extra outputs, dropped before testing and export; a teacher "
                                       "labels them too).");
    const QCommandLineOption noAuxiliary("no-auxiliary-classes", "Learn from the chosen classes' images only.");
    const QCommandLineOption size("size", "Input size in pixels (default 64).", "PX");
    const QCommandLineOption color("color", "Train on colour images (default grayscale).");
    const QCommandLineOption threads("threads", "Threads (default: all cores).", "N");
    const QCommandLineOption maxMinutes("max-minutes", "Train for at most this many minutes, keeping the best epoch "
                                        "(an epoch that cannot finish in time is not started, or left unfinished; a "
                                        "one-pass fit scores as many training faces as leave time to fit and validate, "
                                        "the classes in turn, and fits on those).", "M");
    const QCommandLineOption imbalance("imbalance", "sampler (default), weights, both or none.", "MODE");
    const QCommandLineOption selectOn("select-on", "Validation score that picks the kept epoch and stops early: macro_f1 "
                                      "(default) or balanced_accuracy.", "SCORE");
    const QCommandLineOption face("face", "Face framing: whole (default: the whole image), box (the detected face) or "
                                  "aligned (the face with its eyes levelled); recorded in the model, which "
                                  "predict and eval then frame alike.", "FRAMING");
    const QCommandLineOption fresh("fresh", "Start over even if OUT holds a checkpoint of this run.");
    const QCommandLineOption json("json", "Print the result as JSON.");
    p.addOptions({data.catalog, data.task, data.classes, out, *data.exemplarsOnly, configFile, epochs, model, backbone,
                  backboneFit, distillFrom, auxiliary, noAuxiliary, size, color, data.seed, threads, maxMinutes, imbalance, selectOn, face, fresh, json});
    int code = kExitOk;
    if (!parseArguments(p, "train", "Train a classifier for a task and export it.", args, code)) return code;
    if (requireCatalogPath(p).isEmpty()) return kExitUsage;
    if (!p.isSet(data.task) || !p.isSet(out)) {
        printError("exemplar-cli train: --task and --out are required");
        return kExitUsage;
    }

    TrainingConfig config;
    if (p.isSet(configFile)) {
        QFile f(p.value(configFile));
        if (!f.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("%1: cannot read the configuration").arg(f.fileName()));
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
        if (!doc.isObject()) throw Error(QStringLiteral("%1: not a JSON object").arg(f.fileName()));
        config = TrainingConfig::fromJson(doc.object());
    }
    auto intValue = [&](const QCommandLineOption& o, int& target) {
        if (!p.isSet(o)) return true;
        bool ok = false;
        target = p.value(o).toInt(&ok);
        if (!ok) printError(QStringLiteral("exemplar-cli train: --%1 needs a number").arg(o.names().front()));
        return ok;
    };
    if (!intValue(epochs, config.epochs) || !intValue(size, config.imageSize) || !intValue(threads, config.threads))
        return kExitUsage;
    if (p.isSet(model)) config.model = p.value(model);
    if (p.isSet(backbone)) config.backbone = p.value(backbone);
    if (p.isSet(backbone) && config.backbone == QLatin1String("faceres")) {
        if (!p.isSet(size)) config.imageSize = 224; // the backbone dictates its input
        if (!p.isSet(color)) config.grayscale = false;
    }
    if (p.isSet(color)) config.grayscale = false;
    if (p.isSet(backboneFit)) config.backboneFit = p.value(backboneFit);
    if (p.isSet(distillFrom)) config.distillFrom = p.value(distillFrom);
    if (p.isSet(auxiliary) && p.isSet(noAuxiliary)) {
        printError("exemplar-cli train: --auxiliary-classes and --no-auxiliary-classes contradict each other");
        return kExitUsage;
    }
    if (p.isSet(auxiliary)) config.auxiliaryClasses = true;
    if (p.isSet(noAuxiliary)) config.auxiliaryClasses = false;
    data.applySeed(p, config);
    if (p.isSet(maxMinutes)) config.maxMinutes = p.value(maxMinutes).toDouble();
    if (p.isSet(imbalance)) config.imbalance = p.value(imbalance);
    if (p.isSet(selectOn)) config.selectOn = p.value(selectOn);
    if (p.isSet(face)) {
        config.face = p.value(face);
        try {
            faceFramingFromName(config.face);
        } catch (const Error& e) {
            printError(QStringLiteral("exemplar-cli train: --face: %1").arg(e.message()));
            return kExitUsage;
        }
    }
    config.validate();
    // Before touching the catalogue: a missing pretrained model is the user's to install.
    if (config.backbone != QLatin1String("none")) requirePretrainedModel(config.backbone);
    if (config.distillFrom != QLatin1String("none") && config.distillFrom != QLatin1String("auto"))
        requirePretrainedModel(config.distillFrom);

    Catalogue catalogue = data.openCatalogue(p);
    DatasetSelection selection = data.selection(p);
    selection.auxiliaryClasses = config.usesAuxiliaryClasses();
    const CatalogueDataset dataset = trainingDataFromCatalogue(catalogue, selection);
    QStringList countText;
    for (int i = 0; i < dataset.counts.size(); ++i)
        countText << QStringLiteral("%1 %2").arg(dataset.data.classNames[i]).arg(dataset.counts[i]);
    for (int i = 0; i < dataset.auxiliaryCounts.size(); ++i)
        countText << QStringLiteral("%1 %2 (auxiliary)").arg(dataset.data.auxiliaryClassNames[i]).arg(dataset.auxiliaryCounts[i]);
    printError(QStringLiteral("Training '%1' on %2 images: %3")
                   .arg(dataset.task.name).arg(dataset.data.samples.size()).arg(countText.join(", ")));

    const QString workDir = p.value(out);
    RunRecorder recorder(catalogue, dataset, config, workDir, {}, !p.isSet(fresh));
    if (recorder.continued())
        printError(QStringLiteral("Continuing run %1 from its checkpoint in %2").arg(recorder.runId()).arg(workDir));

    ProgressLine progress(QStringLiteral("Training"));
    TrainingCallbacks cb;
    cb.onMessage = [&](const QString& m) {
        progress.finish();
        printError(m);
    };
    cb.onBatch = [&](const BatchProgress& b) {
        const int done = (b.epoch - 1) * b.batches + b.batch, total = b.epochs * b.batches;
        if (b.scoring) {
            progress.update(done, total,
                            QStringLiteral("scoring training faces %1 img/s ETA %2 min")
                                .arg(b.imagesPerSecond, 0, 'f', 0)
                                .arg(b.etaSeconds / 60, 0, 'f', 1));
            return;
        }
        progress.update(done, total,
                        QStringLiteral("epoch %1/%2 loss %3 lr %4 %5 img/s ETA %6 min")
                            .arg(b.epoch).arg(b.epochs)
                            .arg(b.loss, 0, 'f', 3)
                            .arg(b.learningRate, 0, 'g', 2)
                            .arg(b.imagesPerSecond, 0, 'f', 0)
                            .arg(b.etaSeconds / 60, 0, 'f', 1));
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
            o["test"] = result.test.toJson();
            o["validation"] = result.validation.toJson();
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
            printOut(QStringLiteral("Validation: %1").arg(metricsLine(result.validation)));
            printOut(QStringLiteral("Test:       %1").arg(metricsLine(result.test)));
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
