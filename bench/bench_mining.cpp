// How well "most likely <class>" finds rare expressions among unlabelled faces, versus browsing in
// random order. On a catalogue of faces-dev: most rare-class labels and some common-class labels are
// hidden (the pool the curator would browse), a quick model is trained on the rest, the pool is
// scored, and for each rare class the pool is ranked by p(class):
//   precision@50  share of the 50 top suggestions that are of the class (random: its base rate)
//   recall@200    share of the class's hidden faces found in the 200 top suggestions
//                 (random: 200 / pool size)
// The catalogue is only read: labels are hidden in memory, not in the file.
// The model is trained with TrainingConfig's defaults (what a curator gets from "Retrain and
// rescore" or `exemplar-cli train`), early stopping included: a bench on a weaker model would
// understate what mining finds. --epochs/--size override them; --max-minutes caps the training
// (the 15-minute budget; the best model so far is kept).
//
//   bench_mining CATALOGUE [--task expression] [--classes happiness,neutral,sadness,anger,surprise,disgust]
//                [--rare sadness,anger,surprise,disgust] [--hide-rare 0.8] [--hide-common 0.3]
//                [--epochs N] [--size PX] [--max-minutes 15] [--seed 1]
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/Mining.h"
#include "core/learning/TrainingJob.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <cstdio>
#include <random>

using namespace exemplar;
using namespace exemplar::learning;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument("catalogue", "catalogue of faces-dev (read only)");
    const QCommandLineOption task("task", "task", "name", "expression");
    const QCommandLineOption classes("classes", "classes to learn", "list", "happiness,neutral,sadness,anger,surprise,disgust");
    const QCommandLineOption rare("rare", "rare classes to mine", "list", "sadness,anger,surprise,disgust");
    const QCommandLineOption hideRare("hide-rare", "fraction of rare-class labels hidden", "f", "0.8");
    const QCommandLineOption hideCommon("hide-common", "fraction of other labels hidden", "f", "0.3");
    const QCommandLineOption epochs("epochs", "epochs (default: TrainingConfig's)", "n");
    const QCommandLineOption size("size", "input size (default: TrainingConfig's)", "px");
    const QCommandLineOption maxMinutes("max-minutes", "training time limit", "m", "15");
    const QCommandLineOption seed("seed", "seed of the hiding and the training", "s", "1");
    p.addOptions({task, classes, rare, hideRare, hideCommon, epochs, size, maxMinutes, seed});
    p.addHelpOption();
    p.process(app);
    if (p.positionalArguments().size() != 1) p.showHelp(2);

    try {
        const Catalogue catalogue = Catalogue::open(p.positionalArguments().front(), Catalogue::OpenMode::ReadOnly);
        const CatalogueDataset dataset =
            trainingDataFromCatalogue(catalogue, {p.value(task), p.value(classes).split(','), false});
        const QStringList rareClasses = p.value(rare).split(',');
        const double hideRareFraction = p.value(hideRare).toDouble(), hideCommonFraction = p.value(hideCommon).toDouble();
        std::mt19937_64 rng(p.value(seed).toULongLong());
        std::uniform_real_distribution<double> uni(0, 1);

        TrainingData train{dataset.data.task, dataset.data.classNames, {}};
        QStringList poolFiles;
        std::vector<int> poolTruth;
        for (const auto& s : dataset.data.samples) {
            const bool isRare = rareClasses.contains(dataset.data.classNames[s.label]);
            if (uni(rng) < (isRare ? hideRareFraction : hideCommonFraction)) {
                poolFiles << s.path;
                poolTruth.push_back(s.label);
            } else {
                train.samples.push_back(s);
            }
        }
        std::printf("labelled_for_training: %zu\npool: %lld\n", train.samples.size(), qint64(poolFiles.size()));

        TrainingConfig config;
        if (p.isSet(epochs)) config.epochs = p.value(epochs).toInt();
        if (p.isSet(size)) config.imageSize = p.value(size).toInt();
        config.maxMinutes = p.value(maxMinutes).toDouble();
        config.seed = p.value(seed).toULongLong();
        std::printf("model: %s\nepochs: %d\nimage_size: %d\npatience: %d\nmax_minutes: %.1f\n", qPrintable(config.model),
                    config.epochs, config.imageSize, config.patience, config.maxMinutes);
        QTemporaryDir work;
        QElapsedTimer timer;
        timer.start();
        TrainingCallbacks cb;
        cb.onEpoch = [](const EpochProgress& e) {
            std::fprintf(stderr, "epoch %d/%d val macro-F1 %.3f (%.0f s)\n", e.epoch, e.epochs, e.valMacroF1, e.seconds);
        };
        TrainingJob job(train, config, work.path(), cb, TrainingJob::Resume::Never);
        const TrainingResult result = job.run();
        if (result.status != TrainingStatus::Finished) {
            std::fprintf(stderr, "bench_mining: training failed: %s\n", qPrintable(result.error));
            return 1;
        }
        std::printf("train_seconds: %.1f\nepochs_run: %d\nbest_epoch: %d\nstopped_early: %d\nval_macro_f1: %.3f\n",
                    timer.elapsed() / 1000.0, result.epochsRun, result.bestEpoch, int(result.stoppedEarly),
                    result.validation.macroF1);

        timer.restart();
        const ExportedModel model = ExportedModel::load(result.modelDir);
        const auto predictions = model.scoreFiles(poolFiles);
        const double scoreSeconds = timer.elapsed() / 1000.0;
        std::printf("score_images_per_second: %.0f\nembedding_dim: %zu\n", predictions.size() / std::max(1e-3, scoreSeconds),
                    predictions.empty() ? size_t(0) : predictions.front().embedding.size());
        QHash<QString, int> truthOf;
        for (int i = 0; i < poolFiles.size(); ++i) truthOf.insert(poolFiles[i], poolTruth[size_t(i)]);
        QVector<ImageScore> scores;
        QHash<qint64, int> truthById;
        for (size_t i = 0; i < predictions.size(); ++i) {
            const qint64 id = qint64(i) + 1;
            scores << ImageScore{id, QVector<float>(predictions[i].probabilities.begin(), predictions[i].probabilities.end()), {}};
            truthById.insert(id, truthOf.value(predictions[i].file));
        }
        const int pool = int(scores.size());
        double meanLift = 0;
        for (const QString& name : rareClasses) {
            const int k = int(dataset.data.classNames.indexOf(name));
            if (k < 0) continue;
            int hidden = 0;
            for (auto it = truthById.cbegin(); it != truthById.cend(); ++it) hidden += *it == k;
            const QVector<qint64> ranked = rankedIds(rankMostLikely(scores, k), 200);
            int hits50 = 0, hits200 = 0;
            for (int i = 0; i < ranked.size(); ++i) {
                const bool hit = truthById.value(ranked[i]) == k;
                hits200 += hit;
                if (i < 50) hits50 += hit;
            }
            const double base = double(hidden) / pool;
            const double p50 = hits50 / 50.0, r200 = hidden ? double(hits200) / hidden : 0;
            const double randomRecall = std::min(1.0, 200.0 / pool);
            std::printf("%s_hidden: %d\n%s_base_rate: %.3f\n%s_precision_at_50: %.3f\n%s_random_precision_at_50: %.3f\n"
                        "%s_recall_at_200: %.3f\n%s_random_recall_at_200: %.3f\n%s_lift_at_50: %.1f\n",
                        qPrintable(name), hidden, qPrintable(name), base, qPrintable(name), p50, qPrintable(name), base,
                        qPrintable(name), r200, qPrintable(name), randomRecall, qPrintable(name), base > 0 ? p50 / base : 0);
            meanLift += base > 0 ? p50 / base / rareClasses.size() : 0;
        }
        std::printf("mean_lift_at_50: %.1f\n", meanLift);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_mining: %s\n", e.what());
        return 1;
    }
    return 0;
}
