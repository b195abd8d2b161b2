// The identity-disjoint stratified split, the class-balanced sampler and loss weights.
#include "core/learning/ClassBalance.h"
#include "core/learning/Split.h"
#include "core/util/Error.h"

#include <QHash>
#include <QSet>
#include <QTest>
#include <algorithm>
#include <numeric>
#include <random>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

// 4 classes with faces-dev-like imbalance; identities with 1-30 images; some images anonymous.
std::vector<TrainingSample> imbalancedSamples(unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<TrainingSample> s;
    const int perClass[4] = {1200, 130, 110, 140};
    int person = 0;
    for (int c = 0; c < 4; ++c) {
        int left = perClass[c];
        while (left > 0) {
            const int n = std::min(left, 1 + int(rng() % (c == 0 ? 30 : 6)));
            const QString id = (rng() % 10 == 0) ? QString() : QStringLiteral("p%1").arg(person++);
            for (int k = 0; k < n; ++k)
                s.push_back({QStringLiteral("img%1.jpg").arg(s.size()), c, id, qint64(s.size())});
            left -= n;
        }
    }
    // An identity appearing with several classes (a person with many expressions).
    for (int c = 0; c < 4; ++c)
        for (int k = 0; k < 5; ++k) s.push_back({QStringLiteral("multi%1_%2.jpg").arg(c).arg(k), c, "multi", 0});
    return s;
}

} // namespace

class TestSplitAndBalance : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void identitiesNeverStraddleParts()
    {
        const auto samples = imbalancedSamples(7);
        const auto split = splitByIdentity(samples, 4, {0.15, 0.15}, 42);
        QCOMPARE(split.size(), samples.size());
        QHash<QString, SplitPart> partOf;
        for (size_t i = 0; i < samples.size(); ++i) {
            if (samples[i].identity.isEmpty()) continue;
            auto it = partOf.find(samples[i].identity);
            if (it == partOf.end()) partOf.insert(samples[i].identity, split[i]);
            else QVERIFY2(*it == split[i], qPrintable(samples[i].identity));
        }
    }

    // Cross-validation's folds: the held-out faces are the test part, the rest split by identity as
    // usual, here with no test fraction of their own as OutOfFold asks (`kept` skips a sample that
    // did not decode); a person on both sides is refused by name.
    void testOnlySamplesAreTheTestPart()
    {
        const auto samples = imbalancedSamples(5);
        std::vector<bool> testOnly(samples.size() + 1, false); // indexed like the data, one undecoded
        QSet<QString> heldOutPeople;
        for (size_t i = 0; i < samples.size(); ++i)
            if (samples[i].identity.endsWith('3')) {
                testOnly[i + 1] = true;
                heldOutPeople.insert(samples[i].identity);
            }
        QVERIFY(heldOutPeople.size() > 5);
        std::vector<int> kept(samples.size());
        std::iota(kept.begin(), kept.end(), 1);
        const auto split = splitWithTestOnly(samples, kept, testOnly, 4, {0.15, 0.0}, 42);
        int validation = 0, train = 0;
        for (size_t i = 0; i < samples.size(); ++i) {
            if (testOnly[i + 1]) QCOMPARE(split[i], SplitPart::Test);
            else QVERIFY2(split[i] != SplitPart::Test, qPrintable(samples[i].path)); // the rest: train or validation
            validation += split[i] == SplitPart::Validation;
            train += split[i] == SplitPart::Train;
        }
        QVERIFY(validation > 100 && train > 4 * validation);

        std::vector<bool> straddling = testOnly;
        const size_t other = size_t(std::find_if(samples.begin(), samples.end(), [](const TrainingSample& t) {
                                        return t.identity == QLatin1String("multi");
                                    }) - samples.begin());
        straddling[other + 1] = true; // one of "multi"'s twenty faces held out, the others not
        try {
            splitWithTestOnly(samples, kept, straddling, 4, {0.15, 0.0}, 42);
            QFAIL("a person among the test-only faces and the others was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("multi") && e.message().contains("test-only faces and the others"),
                     qPrintable(e.message()));
        }
    }

    void everyClassIsStratified()
    {
        const auto samples = imbalancedSamples(11);
        const auto split = splitByIdentity(samples, 4, {0.15, 0.15}, 3);
        int total[4] = {}, inPart[3][4] = {};
        for (size_t i = 0; i < samples.size(); ++i) {
            ++total[samples[i].label];
            ++inPart[int(split[i])][samples[i].label];
        }
        for (int c = 0; c < 4; ++c) {
            const double val = double(inPart[1][c]) / total[c], test = double(inPart[2][c]) / total[c];
            QVERIFY2(val > 0.10 && val < 0.20, qPrintable(QString("class %1 validation %2").arg(c).arg(val)));
            QVERIFY2(test > 0.10 && test < 0.20, qPrintable(QString("class %1 test %2").arg(c).arg(test)));
        }
    }

    void reproducibleFromSeedAndSeedMatters()
    {
        const auto samples = imbalancedSamples(5);
        const auto a = splitByIdentity(samples, 4, {0.2, 0.1}, 99);
        const auto b = splitByIdentity(samples, 4, {0.2, 0.1}, 99);
        const auto c = splitByIdentity(samples, 4, {0.2, 0.1}, 100);
        QVERIFY(a == b);
        QVERIFY(a != c);
    }

    void anonymousImagesAreTheirOwnIdentity()
    {
        std::vector<TrainingSample> s;
        for (int i = 0; i < 100; ++i) s.push_back({QString::number(i), i % 2, QString(), 0});
        const auto split = splitByIdentity(s, 2, {0.2, 0.2}, 1);
        QCOMPARE(int(indicesOf(split, SplitPart::Validation).size()), 20);
        QCOMPARE(int(indicesOf(split, SplitPart::Test).size()), 20);
        QCOMPARE(int(indicesOf(split, SplitPart::Train).size()), 60);
    }

    // Auxiliary samples (labels past the task's classes) join their person's part, or training,
    // and leave the task's split exactly as it was: runs with and without them hold out the same faces.
    void auxiliarySamplesFollowTheirPerson()
    {
        const auto task = imbalancedSamples(13);
        const auto plain = splitByIdentity(task, 4, {0.15, 0.15}, 8);
        std::vector<TrainingSample> mixed;
        std::vector<int> taskIndex; // position in `mixed` of task[i]
        std::mt19937 rng(4);
        for (size_t i = 0; i < task.size(); ++i) {
            if (rng() % 3 == 0) { // an auxiliary image of someone in the task, or of someone new
                const bool known = rng() % 2 == 0 && !task[i].identity.isEmpty();
                mixed.push_back({QStringLiteral("aux%1.jpg").arg(i), 4 + int(rng() % 2),
                                 known ? task[i].identity : QStringLiteral("aux-only%1").arg(i), 0});
            }
            taskIndex.push_back(int(mixed.size()));
            mixed.push_back(task[i]);
        }
        QVERIFY(mixed.size() > task.size() + 300);
        const auto split = splitByIdentity(mixed, 4, {0.15, 0.15}, 8);
        for (size_t i = 0; i < task.size(); ++i) QVERIFY(split[size_t(taskIndex[i])] == plain[i]);
        QHash<QString, SplitPart> partOf;
        for (size_t i = 0; i < task.size(); ++i)
            if (!task[i].identity.isEmpty()) partOf.insert(task[i].identity, plain[i]);
        int known = 0, heldOut = 0;
        for (size_t i = 0; i < mixed.size(); ++i) {
            if (mixed[i].label < 4) continue;
            if (partOf.contains(mixed[i].identity)) {
                ++known;
                heldOut += split[i] != SplitPart::Train ? 1 : 0;
                QVERIFY(split[i] == partOf.value(mixed[i].identity));
            } else {
                QVERIFY(split[i] == SplitPart::Train);
            }
        }
        QVERIFY(known > 50 && heldOut > 5); // both cases happened
    }

    void inverseFrequencyWeights()
    {
        const std::vector<int> labels{0, 0, 0, 0, 0, 0, 1, 1, 2, 2};
        const auto w = learning::inverseFrequencyWeights(labels, 4);
        // N/(K*n_c) with K = 3 present classes: 10/18, 10/6, 10/6; absent class 0.
        QVERIFY(qAbs(w[0] - 10.0 / 18) < 1e-12);
        QVERIFY(qAbs(w[1] - 10.0 / 6) < 1e-12);
        QCOMPARE(w[3], 0.0);
        double weighted = 0;
        for (int l : labels) weighted += w[l];
        QVERIFY(qAbs(weighted / labels.size() - 1.0) < 1e-12);
    }

    void balancedSamplerEqualisesClasses()
    {
        std::vector<int> labels(950, 0);
        labels.insert(labels.end(), 50, 1);
        const BalancedSampler sampler(labels, 3); // class 2 empty: never drawn
        const auto drawn = sampler.draw(20000, 5);
        QCOMPARE(int(drawn.size()), 20000);
        int perClass[3] = {};
        QSet<int> rareSeen;
        for (int i : drawn) {
            ++perClass[labels[i]];
            if (labels[i] == 1) rareSeen.insert(i);
        }
        QVERIFY(qAbs(perClass[1] / 20000.0 - 0.5) < 0.02);
        QCOMPARE(perClass[2], 0);
        QCOMPARE(rareSeen.size(), 50); // every rare image is used
        QVERIFY(sampler.draw(100, 5) == sampler.draw(100, 5));
        QVERIFY(sampler.draw(100, 5) != sampler.draw(100, 6));
    }

    void shuffledIndicesIsAPermutation()
    {
        auto v = shuffledIndices(500, 3);
        QVERIFY(v != shuffledIndices(500, 4));
        std::sort(v.begin(), v.end());
        for (int i = 0; i < 500; ++i) QCOMPARE(v[i], i);
    }

    // The order a time-limited one-pass fit scores faces in: every prefix as balanced over the
    // classes as the data allows, so the rare classes are whole early; foreign labels last.
    void classesInTurnKeepsEveryPrefixBalanced()
    {
        std::vector<int> labels;
        const int counts[3] = {300, 7, 40};
        for (int c = 0; c < 3; ++c) labels.insert(labels.end(), size_t(counts[c]), c);
        labels.insert(labels.end(), {5, -1, 3}); // outside 0..2
        std::mt19937 rng(11);
        std::shuffle(labels.begin(), labels.end(), rng);
        const std::vector<int> order = classesInTurn(labels, 3, 9);

        std::vector<int> sorted = order;
        std::sort(sorted.begin(), sorted.end());
        for (int i = 0; i < int(labels.size()); ++i) QCOMPARE(sorted[size_t(i)], i);
        std::vector<int> seen(3, 0);
        for (size_t n = 0; n < order.size(); ++n) {
            const int label = labels[size_t(order[n])];
            if (n >= 347) {
                QVERIFY2(label < 0 || label >= 3, qPrintable(QString::number(n)));
                continue;
            }
            QVERIFY(label >= 0 && label < 3);
            ++seen[size_t(label)];
            // In any prefix a class not yet whole is at most one face behind the class seen most.
            const int most = std::max({seen[0], seen[1], seen[2]});
            for (int c = 0; c < 3; ++c)
                QVERIFY2(seen[size_t(c)] == counts[c] || seen[size_t(c)] >= most - 1,
                         qPrintable(QStringLiteral("prefix %1: %2 %3 %4").arg(n + 1).arg(seen[0]).arg(seen[1]).arg(seen[2])));
        }
        // The rare class is whole after 3 x 7 faces, the middle one after 7 + 2 x 40.
        std::vector<int> firstFaces(3, 0);
        for (size_t n = 0; n < 21; ++n) ++firstFaces[size_t(labels[size_t(order[n])])];
        QCOMPARE(firstFaces, (std::vector<int>{7, 7, 7}));
        for (size_t n = 21; n < 87; ++n) ++firstFaces[size_t(labels[size_t(order[n])])];
        QCOMPARE(firstFaces, (std::vector<int>{40, 7, 40}));

        QVERIFY(classesInTurn(labels, 3, 9) == order);
        QVERIFY(classesInTurn(labels, 3, 10) != order); // the seed shuffles within each class
        QVERIFY(classesInTurn({}, 3, 1).empty());
    }
};

QTEST_GUILESS_MAIN(TestSplitAndBalance)
#include "test_split_and_balance.moc"
