// Trains through the studio's TrainingController (the GUI path: worker thread, queued callbacks,
// run recorded by the GUI thread's catalogue) and measures how responsive the GUI event loop stays
// meanwhile: the longest gap between ticks of a 20 ms timer, and the tick percentiles.
//
//   bench_training_ui CATALOGUE [--task expression] [--classes a,b,c] [--epochs 3] [--size 48]
//                     [--out WORKDIR]
// The run stays in the catalogue (use a copy), so `exemplar --view monitor|evaluation|runs` can
// show it afterwards.
#include "core/learning/CatalogueTraining.h"
#include "ui/MainWindow.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/training/TrainingController.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>

using namespace exemplar;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("catalogue"), QStringLiteral("catalogue to train on (a run is added)"));
    const QCommandLineOption task(QStringLiteral("task"), QStringLiteral("task"), QStringLiteral("name"), QStringLiteral("expression"));
    const QCommandLineOption classes(QStringLiteral("classes"), QStringLiteral("classes"), QStringLiteral("list"));
    const QCommandLineOption epochs(QStringLiteral("epochs"), QStringLiteral("epochs"), QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("input size"), QStringLiteral("px"), QStringLiteral("48"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("work directory"), QStringLiteral("dir"));
    p.addOptions({task, classes, epochs, size, out});
    p.addHelpOption();
    p.process(app);
    if (p.positionalArguments().size() != 1)
        p.showHelp(2);

    QTemporaryDir scratch;
    ui::StudioSettings settings(scratch.filePath(QStringLiteral("settings.ini")));
    ui::MainWindow window(&settings);
    window.setInteractive(false);
    if (!window.openCatalogue(p.positionalArguments().first()))
        return 1;
    ui::TrainingController controller(window.session());

    learning::DatasetSelection selection;
    selection.task = p.value(task);
    if (p.isSet(classes))
        selection.classes = p.value(classes).split(QLatin1Char(','), Qt::SkipEmptyParts);
    learning::TrainingConfig config;
    config.epochs = p.value(epochs).toInt();
    config.imageSize = p.value(size).toInt();

    std::vector<double> gaps;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setInterval(20);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        gaps.push_back(sinceTick.nsecsElapsed() / 1e6);
        sinceTick.restart();
    });
    int batches = 0;
    double lastImagesPerSecond = 0;
    QObject::connect(&controller, &ui::TrainingController::batchDone, [&](const learning::BatchProgress& b) {
        ++batches;
        lastImagesPerSecond = b.imagesPerSecond;
    });
    QObject::connect(&controller, &ui::TrainingController::epochDone, [&](const learning::EpochProgress& e) {
        std::printf("epoch %d: train loss %.3f, val loss %.3f, val acc %.3f, val macro-F1 %.3f, %.0f images/s\n", e.epoch,
                    e.trainLoss, e.valLoss, e.valAccuracy, e.valMacroF1, e.imagesPerSecond);
        std::fflush(stdout);
    });
    int code = 0;
    QElapsedTimer wall;
    QObject::connect(&controller, &ui::TrainingController::finished, [&](qint64 runId, const QString& status, const QString& error) {
        std::printf("run %lld %s%s%s in %.1f s, %d batch callbacks\n", static_cast<long long>(runId), qPrintable(status),
                    error.isEmpty() ? "" : ": ", qPrintable(error), wall.elapsed() / 1000.0, batches);
        code = status == QLatin1String("finished") ? 0 : 1;
        app.quit();
    });
    QObject::connect(&controller, &ui::TrainingController::failed, [&](const QString& error) {
        std::fprintf(stderr, "bench_training_ui: %s\n", qPrintable(error));
        code = 1;
        app.quit();
    });
    wall.start();
    sinceTick.start();
    ticker.start();
    if (!controller.start(selection, config, p.value(out)))
        return 1;
    app.exec();
    ticker.stop();
    std::sort(gaps.begin(), gaps.end());
    if (!gaps.empty())
        std::printf("GUI event loop during training (20 ms timer, %zu ticks): median gap %.1f ms, p99 %.1f ms, max %.1f ms; "
                    "last throughput %.0f images/s\n",
                    gaps.size(), gaps[gaps.size() / 2], gaps[gaps.size() * 99 / 100], gaps.back(), lastImagesPerSecond);
    return code;
}
