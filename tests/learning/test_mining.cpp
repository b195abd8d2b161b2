// Exemplar mining and label review: rankings on hand-made scores, the score store, the embed()
// export, and end to end on generated faces with hidden and flipped labels.
#include "SyntheticCatalogue.h"
#include "core/catalogue/ScoreStore.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/Mining.h"
#include "core/learning/OutOfFold.h"
#include "core/learning/Scoring.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <opencv2/imgcodecs.hpp>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

ImageScore score(qint64 id, QVector<float> p, QVector<float> e = {})
{
    return ImageScore{id, std::move(p), std::move(e)};
}

qint64 addImageFile(Catalogue& c, const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    NewImage n;
    n.rootId = c.ensureRoot(QFileInfo(path).absolutePath());
    n.relativePath = QFileInfo(path).fileName();
    n.contentHash = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
    n.width = n.height = 72;
    return c.addImages({n}).front().imageId;
}

double precisionAt(const QVector<qint64>& ranked, const QSet<qint64>& relevant, int n)
{
    int hits = 0;
    for (int i = 0; i < std::min<int>(n, ranked.size()); ++i) hits += relevant.contains(ranked[i]);
    return double(hits) / n;
}

} // namespace

class TestMining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void rankingsOnHandMadeScores()
    {
        const QVector<ImageScore> s = {
            score(1, {0.9f, 0.1f, 0.0f}, {1, 0}),     score(2, {0.2f, 0.7f, 0.1f}, {0, 1}),
            score(3, {0.4f, 0.35f, 0.25f}, {0.7f, 0.7f}), score(4, {0.05f, 0.05f, 0.9f}, {-1, 0}),
            score(5, {0.5f, 0.5f, 0.0f}, {2, 0.1f}),  // same direction as 1, nearly
        };
        // Most likely class 1: by p(class 1).
        QCOMPARE(rankedIds(rankMostLikely(s, 1)), (QVector<qint64>{2, 5, 3, 1, 4}));
        QCOMPARE(rankedIds(rankMostLikely(s, 0, {3, 4, 5})), (QVector<qint64>{5, 3, 4}));
        const auto likely = rankMostLikely(s, 2);
        QCOMPARE(likely.front().imageId, qint64(4));
        QCOMPARE(likely.front().predicted, 2);
        QCOMPARE(likely.front().confidence, 0.9f);
        QVERIFY_THROWS_EXCEPTION(Error, rankMostLikely(s, 3));
        // Most uncertain: margins 0.8, 0.5, 0.05, 0.85, 0.0.
        QCOMPARE(rankedIds(rankMostUncertain(s)), (QVector<qint64>{5, 3, 2, 1, 4}));
        QCOMPARE(rankMostUncertain(s).front().score, 0.0);
        // Most different from labelled {1, 2} (unit directions (1,0) and (0,1)), k = 1: 4 points the
        // opposite way of 1; 3 is halfway between; 5 is almost 1.
        const auto different = rankMostDifferent(s, {1, 2}, {3, 4, 5}, 1);
        QCOMPARE(rankedIds(different), (QVector<qint64>{4, 3, 5}));
        QVERIFY(qAbs(different[0].score - std::sqrt(2.0)) < 1e-5); // (-1,0) to (0,1)
        // A labelled image is not its own nearest neighbour.
        const auto withLabelled = rankMostDifferent(s, {1, 2}, {1}, 1);
        QVERIFY(qAbs(withLabelled[0].score - std::sqrt(2.0)) < 1e-5);
        QVERIFY_THROWS_EXCEPTION(Error, rankMostDifferent(s, {99}, {}, 1));
        // Near-duplicates of 1: 5, then 3, then 2, then 4.
        QCOMPARE(rankedIds(rankNearDuplicates(s, 1, 3)), (QVector<qint64>{5, 3, 2}));
        QVERIFY_THROWS_EXCEPTION(Error, rankNearDuplicates(s, 42));
        // Without embeddings the probabilities stand in.
        const QVector<ImageScore> noEmbedding = {score(1, {1, 0}), score(2, {0.9f, 0.1f}), score(3, {0, 1})};
        QCOMPARE(rankedIds(rankNearDuplicates(noEmbedding, 1)), (QVector<qint64>{2, 3}));
        // Disputed labels: 1 - p(label).
        const auto disputed = rankDisputedLabels(s, {{1, 0}, {2, 0}, {4, 2}, {3, 7}});
        QCOMPARE(int(disputed.size()), 3); // class index 7 does not exist: left out
        QCOMPARE(disputed[0].imageId, qint64(2));
        QCOMPARE(disputed[0].predicted, 1);
        QCOMPARE(disputed[0].labelProbability, 0.2f);
        QVERIFY(qAbs(disputed[0].score - 0.8) < 1e-6);
        QCOMPARE(disputed[1].imageId, qint64(1)); // ties with image 4 (both 1 - 0.9): lower id first
        QCOMPARE(disputed[2].imageId, qint64(4));
        QVERIFY(miningModeFromName("uncertain") == MiningMode::Uncertain);
        QVERIFY(!miningModeFromName("best"));
    }

    void scoreStoreRoundTrip()
    {
        const QVector<float> values = {0.25f, -1.5f, 3.0e-8f, 1e9f};
        QCOMPARE(unpackFloats(packFloats(values)), values);
        QCOMPARE(packFloats({1.0f}), QByteArray::fromHex("0000803f")); // little-endian float32

        Catalogue c = Catalogue::open(tmp_.filePath("store.exemplar"));
        const qint64 a = addImageFile(c, [&] {
            test::writeSyntheticImage(tmp_.filePath("store/a.png"), 20, 20, 1);
            return tmp_.filePath("store/a.png");
        }());
        const TaskInfo task = c.ensureTask("mouth", {"smile", "frown"});
        ScoreStore store(c);
        Scoring sc;
        sc.taskId = task.id;
        sc.classes = {"smile", "frown"};
        sc.modelPath = "/models/x";
        sc.info = QJsonObject{{"embeddings", true}};
        const qint64 first = store.addScoring(sc, {score(a, {0.3f, 0.7f}, {1, 2, 3})});
        sc.kind = ScoreStore::kOutOfFoldKind;
        const qint64 oof = store.addScoring(sc, {score(a, {0.6f, 0.4f})});
        QCOMPARE(store.latest(task.id, ScoreStore::kModelKind)->id, first);
        QCOMPARE(store.latest(task.id, ScoreStore::kOutOfFoldKind)->id, oof);
        QCOMPARE(store.scorings(task.id).size(), 2);
        const auto loaded = store.scoring(first);
        QCOMPARE(loaded->classes, sc.classes);
        QCOMPARE(loaded->modelPath, QStringLiteral("/models/x"));
        QVERIFY(loaded->info["embeddings"].toBool());
        QVERIFY(loaded->createdAt.isValid());
        const auto scores = store.scores(first);
        QCOMPARE(scores.size(), 1);
        QCOMPARE(scores[0].probabilities, (QVector<float>{0.3f, 0.7f}));
        QCOMPARE(scores[0].embedding, (QVector<float>{1, 2, 3}));
        QVERIFY(store.scores(oof)[0].embedding.isEmpty());
        sc.kind = "guess";
        QVERIFY_THROWS_EXCEPTION(Error, store.addScoring(sc, {}));
        QCOMPARE(store.scorings(task.id).size(), 2);
        store.deleteScoring(first);
        QCOMPARE(store.scoreCount(first), 0);
        QVERIFY(!store.scoring(first));
    }

    // Most frown labels and a quarter of the smiles are hidden; a model trained on the rest must
    // put the hidden smiles (24% of the pool) first when asked for "most likely smile".
    void suggestionsFindTheHiddenClass()
    {
        const QString catalogPath = tmp_.filePath("mine.exemplar");
        auto set = test::makeSyntheticCatalogue(catalogPath, tmp_.filePath("mine"), 300, 5, 8, 4);
        const auto training = test::trainRecorded(catalogPath, tmp_.filePath("mine-run"), test::quickSyntheticConfig());
        QVERIFY2(training.status == TrainingStatus::Finished, qPrintable(training.error));

        Catalogue c = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
        // Three pictures that are no face at all, and a re-encoded near-copy of a face.
        QSet<qint64> noise;
        for (int i = 0; i < 3; ++i) {
            const QString path = tmp_.filePath(QStringLiteral("odd/noise%1.png").arg(i));
            test::writeSyntheticImage(path, 72, 72, 100 + i);
            noise << addImageFile(c, path);
        }
        cv::Mat original = cv::imread(set.faces.samples[10].path.toStdString(), cv::IMREAD_GRAYSCALE);
        cv::Mat copy = original + 4;
        cv::imwrite(tmp_.filePath("odd/copy.png").toStdString(), copy);
        const qint64 copyId = addImageFile(c, tmp_.filePath("odd/copy.png"));

        // The model of the latest finished run is the default.
        int lastDone = 0, lastTotal = 0;
        const ScoringOutcome outcome = scoreCatalogue(c, {"mouth", {}, false, 32, 0}, nullptr,
                                                      [&](int d, int t) { lastDone = d; lastTotal = t; });
        QVERIFY(!outcome.cancelled);
        QCOMPARE(outcome.scored, 304);
        QCOMPARE(lastDone, lastTotal);
        QVERIFY(outcome.embeddings);
        QCOMPARE(QFileInfo(outcome.modelDir).canonicalFilePath(), QFileInfo(training.modelDir).canonicalFilePath());
        QVERIFY(outcome.runId.has_value());
        ScoreStore store(c);
        const auto scores = store.scores(outcome.scoringId);
        QCOMPARE(scores.size(), 304);
        QVERIFY(scores[0].embedding.size() > 2); // penultimate features, not probabilities
        QCOMPARE(store.scoring(outcome.scoringId)->classes, (QStringList{"smile", "frown"}));

        QSet<qint64> pool = set.hidden, hiddenSmiles;
        for (int i = 0; i < set.ids.size(); ++i)
            if (set.hidden.contains(set.ids[i]) && set.faces.samples[size_t(i)].label == 0) hiddenSmiles << set.ids[i];
        const double baseRate = double(hiddenSmiles.size()) / pool.size();
        const QVector<qint64> likely = rankedIds(rankMostLikely(scores, 0, pool));
        QCOMPARE(likely.size(), pool.size());
        const double p10 = precisionAt(likely, hiddenSmiles, 10);
        const double pAtCount = precisionAt(likely, hiddenSmiles, hiddenSmiles.size());
        qInfo("hidden smiles: %lld of %lld (base rate %.2f); precision@10 %.2f, precision@%lld %.2f",
              qint64(hiddenSmiles.size()), qint64(pool.size()), baseRate, p10, qint64(hiddenSmiles.size()), pAtCount);
        // Measured 0.80 and 0.68 against a base rate of 0.26 (seed 17, 12 epochs, 30 labelled frowns).
        QVERIFY(baseRate < 0.35);
        QVERIFY2(p10 >= 0.7, qPrintable(QString::number(p10)));
        QVERIFY2(pAtCount >= 2 * baseRate, qPrintable(QString::number(pAtCount)));

        // "Different from what is labelled": the non-faces come first.
        QSet<qint64> labelled;
        for (qint64 id : set.ids)
            if (!set.hidden.contains(id)) labelled << id;
        QSet<qint64> candidates = pool + noise;
        candidates << copyId;
        const QVector<qint64> different = rankedIds(rankMostDifferent(scores, labelled, candidates), 5);
        int noiseOnTop = 0;
        for (qint64 id : different) noiseOnTop += noise.contains(id);
        QVERIFY2(noiseOnTop >= 2, qPrintable(QString::number(noiseOnTop)));

        // The near-copy's nearest neighbour is its original.
        const QVector<qint64> near = rankedIds(rankNearDuplicates(scores, copyId, 3));
        QVERIFY2(near.contains(set.ids[10]), "the original is not among the 3 nearest faces of its copy");

        // Uncertain: the least certain images have a smaller margin than the average.
        const auto uncertain = rankMostUncertain(scores, pool);
        QVERIFY(uncertain.front().score <= uncertain.back().score);

        // Cancelled before the first batch: nothing stored.
        CancelFlag cancel;
        cancel.cancel();
        const int before = store.scorings(set.task.id).size();
        QVERIFY(scoreCatalogue(c, {"mouth", {}, false, 32, 0}, &cancel).cancelled);
        QCOMPARE(store.scorings(set.task.id).size(), before);
        QVERIFY_THROWS_EXCEPTION(Error, scoreCatalogue(c, {"age", {}, false, 32, 0}));
    }

    void embedMatchesForward()
    {
        const QString catalogPath = tmp_.filePath("embed.exemplar");
        test::makeSyntheticCatalogue(catalogPath, tmp_.filePath("embed"), 90, 9, 0, 0);
        auto config = test::quickSyntheticConfig(2);
        config.model = "vgg"; // also the hidden layer
        const auto training = test::trainRecorded(catalogPath, tmp_.filePath("embed-run"), config);
        QVERIFY2(training.status == TrainingStatus::Finished, qPrintable(training.error));
        const ExportedModel model = ExportedModel::load(training.modelDir);
        QVERIFY(model.hasEmbedding());
        const QStringList files = {tmp_.filePath("embed/face_0000.png"), tmp_.filePath("embed/face_0001.png")};
        const auto plain = model.predictFiles(files);
        const auto scored = model.scoreFiles(files);
        QCOMPARE(scored.size(), plain.size());
        for (size_t i = 0; i < plain.size(); ++i) {
            QVERIFY(plain[i].embedding.empty());
            QVERIFY(!scored[i].embedding.empty());
            for (size_t k = 0; k < plain[i].probabilities.size(); ++k)
                QVERIFY(qAbs(plain[i].probabilities[k] - scored[i].probabilities[k]) < 1e-5);
        }
    }

    void identityFoldsKeepPeopleTogether()
    {
        std::vector<TrainingSample> samples;
        for (int i = 0; i < 40; ++i) samples.push_back({QString::number(i), i % 2, QStringLiteral("p%1").arg(i / 4), i});
        samples.push_back({"solo", 0, {}, 99});
        const auto folds = identityFolds(samples, 3, 1);
        QHash<QString, int> foldOf;
        std::vector<int> sizes(3, 0);
        for (size_t i = 0; i + 1 < samples.size(); ++i) {
            QVERIFY(folds[i] >= 0 && folds[i] < 3);
            if (foldOf.contains(samples[i].identity)) QCOMPARE(foldOf[samples[i].identity], folds[i]);
            foldOf[samples[i].identity] = folds[i];
            ++sizes[size_t(folds[i])];
        }
        ++sizes[size_t(folds.back())];
        QVERIFY(*std::max_element(sizes.begin(), sizes.end()) - *std::min_element(sizes.begin(), sizes.end()) <= 4);
        QCOMPARE(identityFolds(samples, 3, 1), folds); // reproducible
        QVERIFY_THROWS_EXCEPTION(Error, identityFolds(std::vector<TrainingSample>(samples.begin(), samples.begin() + 8), 3, 1));
    }

    // Eight labels are deliberately wrong; the out-of-fold review lists most of them first.
    void outOfFoldReviewFlagsFlippedLabels()
    {
        const QString catalogPath = tmp_.filePath("review.exemplar");
        const auto set = test::makeSyntheticCatalogue(catalogPath, tmp_.filePath("review"), 240, 21, 0, 0, 8);
        QCOMPARE(set.flipped.size(), 8);
        Catalogue c = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
        OutOfFoldRequest request;
        request.selection = {"mouth", {}, false};
        request.folds = 3;
        request.config = test::quickSyntheticConfig(25); // 10 epochs: fold models too weak (2 of 8 flips found)
        int lastFold = 0;
        double lastFraction = 0;
        const auto outcome = runOutOfFold(c, request, nullptr, [&](const OutOfFoldProgress& p) {
            QVERIFY(p.fraction >= lastFraction - 1e-9);
            lastFraction = p.fraction;
            lastFold = p.fold;
        });
        QVERIFY(!outcome.cancelled);
        QCOMPARE(outcome.scored, 240);
        QCOMPARE(lastFold, 3);
        QCOMPARE(lastFraction, 1.0);
        ScoreStore store(c);
        const auto scoring = store.latest(set.task.id, ScoreStore::kOutOfFoldKind);
        QVERIFY(scoring && scoring->id == outcome.scoringId);
        QCOMPARE(scoring->info["folds"].toInt(), 3);

        const auto labels = c.labelsOfTask(set.task.id);
        QHash<qint64, int> labelIndex;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            labelIndex.insert(it.key(), scoring->classes.indexOf(set.task.classById(*it->classId)->name));
        const auto disputed = rankDisputedLabels(store.scores(outcome.scoringId), labelIndex);
        int found = 0;
        for (int i = 0; i < 16; ++i) found += set.flipped.contains(disputed[size_t(i)].imageId);
        qInfo("flipped labels in the 16 most disputed: %d of 8", found);
        QVERIFY2(found >= 6, qPrintable(QString::number(found)));
        for (int i = 0; i < 16; ++i)
            if (set.flipped.contains(disputed[size_t(i)].imageId))
                QVERIFY(disputed[size_t(i)].predicted != disputed[size_t(i)].labelIndex);

        CancelFlag cancel;
        cancel.cancel();
        QVERIFY(runOutOfFold(c, request, &cancel).cancelled);
        QCOMPARE(store.scorings(set.task.id).size(), 1);
    }

    // With some classes chosen, the task's other classes teach the fold models as they teach a
    // training run (auxiliary classes), and are never scored: the models do not predict them.
    void outOfFoldLearnsFromTheOtherClassesWithoutScoringThem()
    {
        const QString catalogPath = tmp_.filePath("review-auxiliary.exemplar");
        const auto set = test::makeSyntheticCatalogue(catalogPath, tmp_.filePath("review-auxiliary"), 180, 23, 0, 0);
        Catalogue c = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
        const qint64 other = c.addClass(set.task.id, QStringLiteral("other"));
        QSet<qint64> others;
        for (int i = 0; i < set.ids.size() && others.size() < 30; ++i)
            if (set.faces.samples[size_t(i)].label == 0) others << set.ids[i];
        test::labelAs(c, set.task.id, other, QVector<qint64>(others.begin(), others.end()), "a third class");
        OutOfFoldRequest request;
        request.selection = {"mouth", {"smile", "frown"}, false};
        request.folds = 3;
        request.config = test::quickSyntheticConfig(3);
        QVERIFY(request.config.usesAuxiliaryClasses()); // the default
        const auto outcome = runOutOfFold(c, request);
        QCOMPARE(outcome.scored, 150);
        ScoreStore store(c);
        const auto scoring = store.latest(set.task.id, ScoreStore::kOutOfFoldKind);
        QCOMPARE(scoring->classes, QStringList({"smile", "frown"}));
        QCOMPARE(scoring->info["auxiliary_classes"].toArray(), QJsonArray({"other"}));
        QCOMPARE(scoring->info["labelled_images"].toInt(), 150);
        for (const auto& s : store.scores(scoring->id)) QVERIFY(!others.contains(s.imageId));

        request.config.auxiliaryClasses = false;
        QCOMPARE(runOutOfFold(c, request).scored, 150);
        QVERIFY(store.latest(set.task.id, ScoreStore::kOutOfFoldKind)->info["auxiliary_classes"].toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMining)
#include "test_mining.moc"
