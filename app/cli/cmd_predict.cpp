// exemplar-cli predict: classifies image files with an exported model (no catalogue needed).
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/learning/ExportedModel.h"

#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runPredict(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption modelDir("model", "Exported model folder (model.pt + model.json).", "DIR");
    const QCommandLineOption threads("threads", "Threads (default: all cores).", "N");
    const QCommandLineOption json("json", "Print the predictions as JSON.");
    p.addOptions({modelDir, threads, json});
    p.addPositionalArgument("files", "Image files to classify.", "FILE...");
    int code = kExitOk;
    if (!parseArguments(p, "predict", "Classify image files with an exported model.", args, code)) return code;
    const QStringList files = p.positionalArguments();
    if (!p.isSet(modelDir) || files.isEmpty()) {
        printError("exemplar-cli predict: --model DIR and at least one FILE are required");
        return kExitUsage;
    }
    ExportedModel model = ExportedModel::load(p.value(modelDir));
    model.setThreads(p.value(threads).toInt());
    CancelFlag cancel;
    InterruptGuard guard(cancel);
    std::vector<Issue> issues;
    const auto predictions = model.predictFiles(files, &issues, &cancel);
    if (cancel.isCancelled()) return kExitCancelled;
    const QStringList classes = model.classes();
    if (p.isSet(json)) {
        QJsonArray items;
        for (const auto& pred : predictions) {
            QJsonObject probs;
            for (int k = 0; k < classes.size(); ++k) probs[classes[k]] = double(pred.probabilities[k]);
            items.append(QJsonObject{{"file", pred.file}, {"class", pred.className},
                                     {"probability", double(pred.probabilities[pred.classIndex])},
                                     {"probabilities", probs}});
        }
        QJsonArray problems;
        for (const auto& i : issues) problems.append(QJsonObject{{"file", i.file}, {"problem", i.problem}});
        printJson(QJsonObject{{"classes", QJsonArray::fromStringList(classes)},
                              {"predictions", items}, {"issues", problems}});
    } else {
        for (const auto& pred : predictions)
            printOut(QStringLiteral("%1\t%2\t%3").arg(pred.file, pred.className)
                         .arg(pred.probabilities[pred.classIndex], 0, 'f', 3));
        for (const auto& i : issues) printError(QStringLiteral("%1: %2").arg(i.file, i.problem));
    }
    return issues.empty() ? kExitOk : kExitError;
}

} // namespace exemplar::cli
