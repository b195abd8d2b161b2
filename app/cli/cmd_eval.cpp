// exemplar-cli eval: evaluates an exported model on any labelled folder (e.g. one it has never
// seen). Images whose label is not one of the model's classes are left out and counted. With an
// identity column the balanced accuracy's interval resamples people; without one, faces.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/MetricsText.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/Metrics.h"
#include "core/util/Counted.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runEval(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption modelDir("model", kModelOptionHelp, "DIR");
    const QCommandLineOption images("images", "Folder of the images named in the labels file.", "DIR");
    const QCommandLineOption labels(
        "labels", "CSV with a file column, a column named like the task and, for intervals over people, an identity column.",
        "CSV");
    const QCommandLineOption task("task", "Label column to compare with (default: the model's task).", "NAME");
    const QCommandLineOption threads("threads", "Threads (default: all cores).", "N");
    const QCommandLineOption json("json", "Print the metrics as JSON.");
    p.addOptions({modelDir, images, labels, task, threads, json});
    int code = kExitOk;
    if (!parseArguments(p, "eval",
                        "Evaluate an exported model on a labelled folder of images (one it has never seen): "
                        "accuracy, balanced accuracy with its interval, macro-F1, per-class figures and the "
                        "confusion matrix. Images whose label is not one of the model's classes are left out and "
                        "counted.",
                        args, code))
        return code;
    if (!p.isSet(modelDir) || !p.isSet(images) || !p.isSet(labels)) {
        printError("exemplar-cli eval: --model, --images and --labels are required");
        return kExitUsage;
    }
    const QString modelPath = ExportedModel::resolveDir(p.value(modelDir));
    ExportedModel model = ExportedModel::load(modelPath);
    model.setThreads(p.value(threads).toInt());
    const QString taskName = p.isSet(task) ? p.value(task) : model.task();

    const QStringList classes = model.classes();
    const LabelledFolder folder = readLabelledFolder(p.value(labels), p.value(images), taskName, classes);
    QStringList files;
    QHash<QString, const TrainingSample*> sampleOf;
    for (const auto& sample : folder.data.samples) {
        files << sample.path;
        sampleOf.insert(sample.path, &sample);
    }
    if (files.isEmpty())
        throw Error(QStringLiteral("%1: no image in %2 is labelled with one of the model's classes (%3)")
                        .arg(p.value(labels), p.value(images), classes.join(", ")));

    CancelFlag cancel;
    InterruptGuard guard(cancel);
    ProgressLine progress(QStringLiteral("Evaluating"), QStringLiteral("faces"));
    std::vector<Issue> issues;
    const auto predictions = model.predictFiles(files, &issues, &cancel,
                                                [&](int done, int total) { progress.update(done, total); });
    progress.finish();
    if (cancel.isCancelled()) {
        printError("Cancelled.");
        return kExitCancelled;
    }
    // Predictions come back in file order without the unreadable ones: match them by file.
    std::vector<int> t, pr;
    QStringList people;
    for (const auto& pred : predictions) {
        const TrainingSample* sample = sampleOf.value(pred.file);
        t.push_back(sample->label);
        pr.push_back(pred.classIndex);
        people << sample->identity;
    }
    const Metrics m = computeMetrics(t, pr, classes, people);

    QJsonObject result = metricsJson(m);
    QJsonObject leftOutByLabel;
    int otherTotal = 0;
    for (auto it = folder.leftOutByLabel.cbegin(); it != folder.leftOutByLabel.cend(); ++it) {
        leftOutByLabel[it.key()] = it.value();
        otherTotal += it.value();
    }
    QJsonArray unreadable;
    for (const auto& i : issues) unreadable.append(QJsonObject{{"file", i.file}, {"problem", i.problem}});
    result["left_out"] = QJsonObject{{"not_a_model_class", otherTotal},
                                     {"by_label", leftOutByLabel},
                                     {"unlabelled", folder.unlabelled},
                                     {"missing_files", folder.missingFiles},
                                     {"missing_examples", QJsonArray::fromStringList(folder.missingExamples)},
                                     {"unreadable", unreadable}};
    result["model"] = QFileInfo(modelPath).absoluteFilePath();
    result["task"] = taskName;
    if (p.isSet(json)) {
        printJson(result);
        return kExitOk;
    }
    printOut(metricsLines(m));
    printOut(metricsTable(m).chopped(1));
    printOut(QStringLiteral("Left out: %1 with another label, %2 unlabelled, %3 missing, %4 unreadable")
                 .arg(counted(otherTotal, u"image"))
                 .arg(folder.unlabelled)
                 .arg(folder.missingFiles)
                 .arg(issues.size()));
    return kExitOk;
}

} // namespace exemplar::cli
