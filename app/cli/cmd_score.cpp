// exemplar-cli score: scores the images of a catalogue with an exported model (default: the model
// of the task's latest finished run) and stores probabilities and embeddings for suggest/review
// and the studio's mining modes. Ctrl-C stops after the current batch; nothing is stored then.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/Scoring.h"
#include "core/util/Counted.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runScore(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption catalog("catalog", "The catalogue file.", "FILE");
    const QCommandLineOption model(
        "model", QString::fromLatin1(kModelOptionHelp) + " Default: the model of the latest finished run of --task.", "DIR");
    const QCommandLineOption task("task", "The task (default: the model's task).", "NAME");
    const QCommandLineOption unlabelled("unlabelled-only", "Score only images without a class for the task.");
    const QCommandLineOption threads("threads", "Threads (default: all cores).", "N");
    const QCommandLineOption batch("batch", "Images per batch (default 64).", "N");
    const QCommandLineOption json("json", "Print the result as JSON.");
    p.addOptions({catalog, model, task, unlabelled, threads, batch, json});
    int code = kExitOk;
    if (!parseArguments(p, "score",
                        "Score a catalogue's images with a model and store their class probabilities and "
                        "embeddings, for suggest and the studio's mining modes. Ctrl-C stops; nothing is stored then.",
                        args, code))
        return code;
    const QString catalogPath = requireCatalogPath(p);
    if (catalogPath.isEmpty()) return kExitUsage;
    if (!p.isSet(model) && !p.isSet(task)) {
        printError("exemplar-cli score: --model DIR or --task NAME is required");
        return kExitUsage;
    }
    ScoringRequest request;
    request.modelDir = p.value(model);
    request.task = p.isSet(task) ? p.value(task) : ExportedModel::load(request.modelDir).task();
    request.unlabelledOnly = p.isSet(unlabelled);
    request.threads = p.value(threads).toInt();
    if (p.isSet(batch)) request.batchSize = std::max(1, p.value(batch).toInt());

    Catalogue catalogue = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
    CancelFlag cancel;
    InterruptGuard guard(cancel);
    ProgressLine progress(QStringLiteral("Scoring"), QStringLiteral("faces"));
    QElapsedTimer timer;
    timer.start();
    const ScoringOutcome outcome =
        scoreCatalogue(catalogue, request, &cancel, [&](int done, int total) { progress.update(done, total); });
    progress.finish();
    if (outcome.cancelled) {
        printError("Cancelled; nothing was stored.");
        return kExitCancelled;
    }
    const double seconds = timer.elapsed() / 1000.0;
    for (const auto& i : outcome.issues) printError(QStringLiteral("%1: %2").arg(i.file, i.problem));
    if (p.isSet(json)) {
        QJsonArray issues;
        for (const auto& i : outcome.issues) issues.append(QJsonObject{{"file", i.file}, {"problem", i.problem}});
        QJsonObject o{{"scoring_id", outcome.scoringId}, {"scored", outcome.scored},
                      {"model_dir", outcome.modelDir}, {"embeddings", outcome.embeddings},
                      {"seconds", seconds}, {"left_out", issues}};
        if (outcome.runId) o["run_id"] = *outcome.runId;
        printJson(o);
    } else {
        printOut(QStringLiteral("Scored %1 of '%2' in %3 s with %4%5: scoring %6.")
                     .arg(counted(outcome.scored, u"image"), request.task).arg(seconds, 0, 'f', 1).arg(outcome.modelDir)
                     .arg(outcome.runId ? QStringLiteral(" (run %1)").arg(*outcome.runId) : QString())
                     .arg(outcome.scoringId));
        if (!outcome.embeddings)
            printOut("This model was exported without embed(): similarity modes use its probabilities instead.");
    }
    return kExitOk;
}

} // namespace exemplar::cli
