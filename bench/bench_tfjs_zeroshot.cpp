// The off-the-shelf baseline on faces-dev (issue #8): the pretrained emotion model zero-shot on
// the 4-class and 6-class expression tasks, and the gender model on sex, each on the
// identity-disjoint test split a training run with the same seed would use.
//
//   bench_tfjs_zeroshot [--seed 1] [--task expression4|expression6|sex|all]
#include "core/learning/LabelledFolder.h"
#include "core/learning/TrainingConfig.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cstdio>

using namespace exemplar;
using namespace exemplar::learning;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Split seed."), QStringLiteral("n"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("expression4, expression6, sex or all."), QStringLiteral("task"),
                      QStringLiteral("all")});
    parser.process(app);
    const QString dir = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);

    struct Task {
        QString key, column, model;
        QStringList classes;
    };
    const std::vector<Task> tasks{
        {QStringLiteral("expression4"), QStringLiteral("expression"), QStringLiteral("emotion"),
         {QStringLiteral("happiness"), QStringLiteral("sadness"), QStringLiteral("anger"), QStringLiteral("surprise")}},
        {QStringLiteral("expression6"), QStringLiteral("expression"), QStringLiteral("emotion"),
         {QStringLiteral("happiness"), QStringLiteral("sadness"), QStringLiteral("anger"), QStringLiteral("surprise"),
          QStringLiteral("neutral"), QStringLiteral("disgust")}},
        {QStringLiteral("sex"), QStringLiteral("sex"), QStringLiteral("gender"), {QStringLiteral("female"), QStringLiteral("male")}},
    };
    try {
        TrainingConfig config;
        config.seed = parser.value(QStringLiteral("seed")).toULongLong();
        for (const Task& task : tasks) {
            if (parser.value(QStringLiteral("task")) != QLatin1String("all") && parser.value(QStringLiteral("task")) != task.key)
                continue;
            const LabelledFolder folder = readLabelledFolder(dir + QStringLiteral("/labels.csv"), dir + QStringLiteral("/images"),
                                                             task.column, task.classes);
            ZeroShotOptions options;
            options.model = task.model;
            const TrainingResult r = evaluateZeroShot(folder.data, config, options);
            std::printf("%s (%s zero-shot, seed %llu): %lld images, test %d images, balanced_accuracy %.3f, accuracy %.3f, "
                        "macro_f1 %.3f, validation balanced_accuracy %.3f, %.1f s\n",
                        qPrintable(task.key), qPrintable(task.model), (unsigned long long)config.seed,
                        (long long)folder.data.samples.size(), r.test.count, r.test.balancedAccuracy, r.test.accuracy,
                        r.test.macroF1, r.validation.balancedAccuracy, r.seconds);
            for (const ClassMetrics& c : r.test.perClass)
                std::printf("  %-10s recall %.3f precision %.3f support %d\n", qPrintable(c.name), c.recall, c.precision, c.support);
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "bench_tfjs_zeroshot: %s\n", e.what());
        return 2;
    }
    return 0;
}
