// Issue #8 targets on faces-dev (identity-disjoint test split, default settings, a training time
// budget): from scratch vs fine-tuned pretrained backbone vs the pretrained model zero-shot.
// Prints one table row per task and mode, and `name: value` lines.
//
//   bench_backbones [expression4|expression6|sex|all] [minutes=15] [seed=1]
//                   [modes=zeroshot,finetuned,linear,calibrated,scratch (default: all five)]
//                   [key=value,... (TrainingConfig JSON keys, e.g. head_epochs=6,fine_tune_factor=0.03)]
// Without overrides it measures the defaults, which is what the targets are about (scratch
// therefore distils from the best suited installed model; distill_from=none,auxiliary_classes=false
// trains from the labels alone). calibrated: the pretrained model with only its class biases fitted
// (backbone_fit=class_biases); linear: a linear head on its features and logits (backbone_fit=linear_head).
// After the modes, each trained one averaged with zeroshot.
// backbone=NAME picks the pretrained model of the zeroshot and finetuned modes (default: emotion
// for expressions, gender for sex); its input size and colour follow unless also overridden.
#include "FacesDevTasks.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/TrainingJob.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

TrainingResult train(const TrainingData& data, TrainingConfig config, const QString& backbone, double minutes)
{
    // The defaults, as bench_train_quality runs them; only the starting point differs.
    config.epochs = 60;
    config.maxMinutes = minutes;
    config.backbone = backbone;
    QTemporaryDir work;
    TrainingCallbacks cb;
    cb.onMessage = [](const QString& m) { std::printf("  %s\n", qPrintable(m)); std::fflush(stdout); };
    cb.onEpoch = [](const EpochProgress& e) {
        std::printf("  epoch %2d  loss %.3f train acc %.3f  val loss %.3f acc %.3f bal.acc %.3f macro-F1 %.3f  %.0f img/s  %.0f s%s\n",
                    e.epoch, e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy, e.valBalancedAccuracy,
                    e.valMacroF1, e.imagesPerSecond, e.seconds,
                    e.improved ? "  *" : "");
        std::fflush(stdout);
    };
    return TrainingJob(data, config, work.path(), cb).run();
}

// Test metrics of the average of two runs' probabilities (e.g. a trained model and the zero-shot
// baseline on the same split); nullopt when their test images differ.
std::optional<Metrics> averagedTestMetrics(const TrainingResult& a, const TrainingResult& b, const QStringList& classes)
{
    std::map<int, const SamplePrediction*> fromB;
    for (const SamplePrediction& p : b.predictions)
        if (p.part == SplitPart::Test) fromB[p.sample] = &p;
    std::vector<int> truth, predicted;
    for (const SamplePrediction& p : a.predictions) {
        if (p.part != SplitPart::Test) continue;
        const auto other = fromB.find(p.sample);
        if (other == fromB.end()) return std::nullopt;
        int best = 0;
        for (size_t k = 1; k < p.probabilities.size(); ++k)
            if (p.probabilities[k] + other->second->probabilities[k] >
                p.probabilities[size_t(best)] + other->second->probabilities[size_t(best)])
                best = int(k);
        truth.push_back(p.truth);
        predicted.push_back(best);
    }
    if (truth.size() != fromB.size()) return std::nullopt;
    return computeMetrics(truth, predicted, classes);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString which = argc > 1 ? argv[1] : "all";
    const double minutes = argc > 2 ? atof(argv[2]) : 15;
    TrainingConfig config;
    if (argc > 3) config.seed = QByteArray(argv[3]).toULongLong();
    const QStringList modes = QString(argc > 4 ? argv[4] : "zeroshot,finetuned,linear,calibrated,scratch").split(',');
    if (argc > 5) {
        QJsonObject json = config.toJson();
        const QStringList pairs = QString(argv[5]).split(',', Qt::SkipEmptyParts);
        for (const QString& pair : pairs) {
            // The backbone dictates its input; explicit image_size/grayscale pairs still win.
            const QString name = pair.section('=', 1);
            if (pair.section('=', 0, 0) == "backbone" && knownPretrainedModels().contains(name)) {
                const PretrainedModelInfo info = pretrainedModelInfo(name);
                json["image_size"] = info.inputSize;
                json["grayscale"] = info.grayscale;
            }
        }
        for (const QString& pair : pairs) {
            const QString key = pair.section('=', 0, 0), value = pair.section('=', 1);
            if (!json.contains(key)) {
                std::printf("unknown setting '%s'\n", qPrintable(key));
                return 1;
            }
            bool isNumber = false;
            const double number = value.toDouble(&isNumber);
            json[key] = json[key].isBool() ? QJsonValue(value == "true") : isNumber ? QJsonValue(number) : QJsonValue(value);
            std::printf("setting %s = %s\n", qPrintable(key), qPrintable(value));
        }
        try {
            config = TrainingConfig::fromJson(json);
        } catch (const Error& e) {
            std::printf("error: %s\n", qPrintable(e.message()));
            return 1;
        }
    }
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (!facesDevPresent(facesDev)) return 1;
    struct Row {
        QString task, mode;
        TrainingResult r;
    };
    std::vector<Row> rows;
    try {
        for (const FacesDevTask& task : facesDevTasks()) {
            if (which != "all" && which != task.key) continue;
            const LabelledFolder folder =
                readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images", task.column, task.classes,
                                   config.usesAuxiliaryClasses() ? Auxiliary::Keep : Auxiliary::LeaveOut);
            for (const QString& mode : modes) {
                std::printf("%s %s (%lld images, seed %llu, %.0f min budget)\n", qPrintable(task.key),
                            qPrintable(mode), (long long)folder.data.samples.size(),
                            (unsigned long long)config.seed, minutes);
                std::fflush(stdout);
                TrainingResult r;
                const QString pretrained = config.backbone != "none" ? config.backbone : task.pretrained;
                if (mode == "zeroshot") {
                    ZeroShotOptions options;
                    options.model = pretrained;
                    r = evaluateZeroShot(folder.data, config, options);
                } else {
                    TrainingConfig c = config;
                    if (mode == "scratch") { // scratch: the default input, whatever the backbone wanted
                        c.imageSize = TrainingConfig().imageSize;
                        c.grayscale = TrainingConfig().grayscale;
                    }
                    if (mode == "calibrated") c.backboneFit = QStringLiteral("class_biases");
                    if (mode == "linear") c.backboneFit = QStringLiteral("linear_head");
                    const bool fromPretrained = mode == "finetuned" || mode == "calibrated" || mode == "linear";
                    r = train(folder.data, c, fromPretrained ? pretrained : "none", minutes);
                    if (r.status != TrainingStatus::Finished) {
                        std::printf("training failed: %s\n", qPrintable(r.error));
                        return 1;
                    }
                }
                rows.push_back({task.key, mode, r});
                // Where the errors are: the test confusion matrix (rows: truth) and each class's recall.
                std::printf("  test confusion (rows: truth; columns: %s)\n", qPrintable(r.test.labels.join(", ")));
                for (size_t t = 0; t < r.test.confusion.size(); ++t) {
                    std::printf("  %-10s", qPrintable(r.test.labels[int(t)]));
                    for (int n : r.test.confusion[t]) std::printf(" %5d", n);
                    std::printf("   recall %.3f\n", r.test.perClass[t].recall);
                }
                std::printf("%s_%s_test_balanced_accuracy: %.4f\n%s_%s_test_accuracy: %.4f\n%s_%s_seconds: %.0f\n",
                            qPrintable(task.key), qPrintable(mode), r.test.balancedAccuracy, qPrintable(task.key),
                            qPrintable(mode), r.test.accuracy, qPrintable(task.key), qPrintable(mode), r.seconds);
                if (r.test.balancedAccuracyInterval)
                    std::printf("%s_%s_test_balanced_accuracy_interval: %.4f %.4f (%s)\n", qPrintable(task.key),
                                qPrintable(mode), r.test.balancedAccuracyInterval->low,
                                r.test.balancedAccuracyInterval->high,
                                qPrintable(exemplar::learning::intervalText(*r.test.balancedAccuracyInterval)));
                std::fflush(stdout);
            }
            // Each trained model averaged with the zero-shot baseline.
            const auto zeroShot = std::find_if(rows.begin(), rows.end(), [&](const Row& row) {
                return row.task == task.key && row.mode == "zeroshot";
            });
            if (zeroShot == rows.end()) continue;
            const size_t taskRows = rows.size();
            for (size_t i = 0; i < taskRows; ++i) {
                if (rows[i].task != task.key || rows[i].mode == "zeroshot") continue;
                const auto m = averagedTestMetrics(rows[i].r, zeroShot->r, task.classes);
                if (!m) continue;
                TrainingResult averaged;
                averaged.test = *m;
                rows.push_back({task.key, rows[i].mode + "+zeroshot", averaged});
                std::printf("%s_%s+zeroshot_test_balanced_accuracy: %.4f\n", qPrintable(task.key),
                            qPrintable(rows[i].mode), m->balancedAccuracy);
            }
        }
    } catch (const Error& e) {
        std::printf("error: %s\n", qPrintable(e.message()));
        return 1;
    }
    std::printf("\n%-12s %-10s %9s %9s %9s %7s %6s\n", "task", "mode", "bal.acc", "accuracy", "macro-F1", "epochs",
                "sec");
    for (const Row& row : rows)
        std::printf("%-12s %-10s %9.3f %9.3f %9.3f %3d/%-3d %6.0f\n", qPrintable(row.task), qPrintable(row.mode),
                    row.r.test.balancedAccuracy, row.r.test.accuracy, row.r.test.macroF1, row.r.bestEpoch,
                    row.r.epochsRun, row.r.seconds);
    return 0;
}
