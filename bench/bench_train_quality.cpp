// Quality on faces-dev with an identity-disjoint test split and default settings, within a time
// budget. Prints the test metrics of the best epoch.
// Usage: bench_train_quality [expression4|expression6|sex] [minutes=15] [seed=1] [model=compact] [size=64]
#include "FacesDevTasks.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/TrainingJob.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>

using namespace exemplar::learning;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString which = argc > 1 ? argv[1] : "expression4";
    const double minutes = argc > 2 ? atof(argv[2]) : 15;
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (!facesDevPresent(facesDev)) return 1;
    const std::optional<FacesDevTask> task = facesDevTask(which);
    if (!task) return 64;
    TrainingConfig config; // the defaults: auxiliary classes, distillation from the best suited installed model
    config.epochs = 60;
    config.maxMinutes = minutes;
    if (argc > 3) config.seed = QByteArray(argv[3]).toULongLong();
    if (argc > 4) config.model = argv[4];
    if (argc > 5) config.imageSize = atoi(argv[5]);
    const LabelledFolder folder =
        readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images", task->column, task->classes,
                           config.usesAuxiliaryClasses() ? Auxiliary::Keep : Auxiliary::LeaveOut);
    QTemporaryDir work;
    TrainingCallbacks cb;
    cb.onMessage = [](const QString& m) { std::printf("%s\n", qPrintable(m)); std::fflush(stdout); };
    cb.onEpoch = [](const EpochProgress& e) {
        std::printf("epoch %2d  loss %.3f  val bal.acc %.3f macro-F1 %.3f  %.0f img/s  %.0f s%s\n", e.epoch,
                    e.trainLoss, e.valBalancedAccuracy, e.valMacroF1, e.imagesPerSecond, e.seconds,
                    e.improved ? "  *" : "");
        std::fflush(stdout);
    };
    TrainingJob job(folder.data, config, work.path(), cb);
    const TrainingResult r = job.run();
    if (r.status != TrainingStatus::Finished) {
        std::printf("training failed: %s\n", qPrintable(r.error));
        return 1;
    }
    std::printf("task %s, %d images, model %s %dpx, seed %llu: best epoch %d of %d, %.0f s\n",
                qPrintable(which), int(folder.data.samples.size()), qPrintable(config.model),
                config.imageSize, (unsigned long long)config.seed, r.bestEpoch, r.epochsRun, r.seconds);
    std::printf("teacher: %s\n", r.teacher.isEmpty() ? "none" : qPrintable(r.teacher));
    std::printf("%s\n", QJsonDocument(r.test.toJson()).toJson(QJsonDocument::Compact).constData());
    std::printf("validation_balanced_accuracy: %.4f\n", r.validation.balancedAccuracy);
    std::printf("test_accuracy: %.4f\ntest_macro_f1: %.4f\n", r.test.accuracy, r.test.macroF1);
    std::printf("test_balanced_accuracy: %.4f\n", r.test.balancedAccuracy);
    return 0;
}
