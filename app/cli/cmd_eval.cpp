// exemplar-cli eval: evaluates an exported model on any labelled folder (e.g. one it has never
// seen). Images whose label is not one of the model's classes are left out and counted.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/Metrics.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runEval(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption modelDir("model", "Exported model folder (model.pt + model.json).", "DIR");
    const QCommandLineOption images("images", "Folder of the images named in the labels file.", "DIR");
    const QCommandLineOption labels("labels", "CSV with a file column and a column named like the task.", "CSV");
    const QCommandLineOption task("task", "Label column to compare with (default: the model's task).", "NAME");
    const QCommandLineOption threads("threads", "Threads (default: all cores).", "N");
    const QCommandLineOption json("json", "Print the metrics as JSON.");
    p.addOptions({modelDir, images, labels, task, threads, json});
    int code = kExitOk;
    if (!parseArguments(p, "eval", "Evaluate an exported model on a labelled folder.", args, code)) return code;
    if (!p.isSet(modelDir) || !p.isSet(images) || !p.isSet(labels)) {
        printError("exemplar-cli eval: --model, --images and --labels are required");
        return kExitUsage;
    }
    ExportedModel model = ExportedModel::load(p.value(modelDir));
    model.setThreads(p.value(threads).toInt());
    const QString taskName = p.isSet(task) ? p.value(task) : model.task();

    const QStringList classes = model.classes();
    const LabelledFolder folder = readLabelledFolder(p.value(labels), p.value(images), taskName, classes);
    QStringList files;
    std::vector<int> truth;
    for (const auto& sample : folder.data.samples) {
        files << sample.path;
        truth.push_back(sample.label);
    }
    if (files.isEmpty())
        throw Error(QStringLiteral("%1: no image in %2 is labelled with one of the model's classes (%3)")
                        .arg(p.value(labels), p.value(images), classes.join(", ")));

    CancelFlag cancel;
    InterruptGuard guard(cancel);
    ProgressLine progress(QStringLiteral("Evaluating"));
    std::vector<Issue> issues;
    const auto predictions = model.predictFiles(files, &issues, &cancel,
                                                [&](int done, int total) { progress.update(done, total); });
    progress.finish();
    if (cancel.isCancelled()) {
        printError("Cancelled.");
        return kExitCancelled;
    }
    // Predictions come back in file order without the unreadable ones: match them by file.
    QHash<QString, int> truthOf;
    for (int i = 0; i < files.size(); ++i) truthOf.insert(files[i], truth[i]);
    std::vector<int> t, pr;
    for (const auto& pred : predictions) {
        t.push_back(truthOf.value(pred.file));
        pr.push_back(pred.classIndex);
    }
    const Metrics m = computeMetrics(t, pr, classes);

    QJsonObject result = m.toJson();
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
    result["model"] = QFileInfo(p.value(modelDir)).absoluteFilePath();
    result["task"] = taskName;
    if (p.isSet(json)) {
        printJson(result);
        return kExitOk;
    }
    printOut(QStringLiteral("%1 images: accuracy %2, balanced accuracy %3, macro-F1 %4")
                 .arg(m.count).arg(m.accuracy, 0, 'f', 3).arg(m.balancedAccuracy, 0, 'f', 3)
                 .arg(m.macroF1, 0, 'f', 3));
    for (const auto& c : m.perClass)
        printOut(QStringLiteral("  %1 precision %2 recall %3 f1 %4 support %5")
                     .arg(c.name.leftJustified(14)).arg(c.precision, 0, 'f', 3).arg(c.recall, 0, 'f', 3)
                     .arg(c.f1, 0, 'f', 3).arg(c.support));
    printOut(QStringLiteral("Left out: %1 with another label, %2 unlabelled, %3 missing, %4 unreadable")
                 .arg(otherTotal).arg(folder.unlabelled).arg(folder.missingFiles).arg(issues.size()));
    return kExitOk;
}

} // namespace exemplar::cli
