// Metrics against hand-computed examples; the people-resampling intervals against exact
// distributions and cases whose answer is known.
#include "core/learning/Metrics.h"
#include "core/learning/PeopleBootstrap.h"
#include "core/util/Error.h"

#include <QJsonArray>
#include <QTest>

#include <climits>
#include <cmath>
#include <map>

using namespace exemplar::learning;

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handComputedThreeClasses()
    {
        // truth:     a a a a b b c c c c
        // predicted: a a a b b a c c a b
        const std::vector<int> truth{0, 0, 0, 0, 1, 1, 2, 2, 2, 2};
        const std::vector<int> pred{0, 0, 0, 1, 1, 0, 2, 2, 0, 1};
        const Metrics m = computeMetrics(truth, pred, {"a", "b", "c"});
        QCOMPARE(m.count, 10);
        QCOMPARE(m.accuracy, 0.6);
        // recalls: a 3/4, b 1/2, c 2/4 -> balanced 0.5833
        QVERIFY(qAbs(m.balancedAccuracy - (0.75 + 0.5 + 0.5) / 3) < 1e-12);
        // precisions: a 3/5, b 1/3, c 2/2
        QVERIFY(qAbs(m.perClass[0].precision - 0.6) < 1e-12);
        QVERIFY(qAbs(m.perClass[1].precision - 1.0 / 3) < 1e-12);
        QCOMPARE(m.perClass[2].precision, 1.0);
        const double f1a = 2 * 0.6 * 0.75 / 1.35, f1b = 2 * (1.0 / 3) * 0.5 / (1.0 / 3 + 0.5),
                     f1c = 2 * 1.0 * 0.5 / 1.5;
        QVERIFY(qAbs(m.perClass[0].f1 - f1a) < 1e-12);
        QVERIFY(qAbs(m.perClass[1].f1 - f1b) < 1e-12);
        QVERIFY(qAbs(m.macroF1 - (f1a + f1b + f1c) / 3) < 1e-12);
        QCOMPARE(m.perClass[0].support, 4);
        QCOMPARE(m.perClass[1].support, 2);
        const std::vector<std::vector<int>> expected{{3, 1, 0}, {1, 1, 0}, {1, 1, 2}};
        QVERIFY(m.confusion == expected);
        const auto norm = m.confusionRowNormalised();
        QCOMPARE(norm[2][2], 0.5);
        QCOMPARE(norm[0][1], 0.25);
    }

    void alwaysMajorityLooksGoodOnlyInAccuracy()
    {
        std::vector<int> truth(90, 0), pred(100, 0);
        truth.insert(truth.end(), 10, 1);
        const Metrics m = computeMetrics(truth, pred, {"happy", "sad"});
        QCOMPARE(m.accuracy, 0.9);
        QCOMPARE(m.balancedAccuracy, 0.5);
        QCOMPARE(m.perClass[1].recall, 0.0);
        QCOMPARE(m.perClass[1].precision, 0.0);
        QVERIFY(qAbs(m.macroF1 - (2 * 0.9 / 1.9) / 2) < 1e-12);
    }

    void classesAbsentFromTruthAndPredictionsAreNotAveraged()
    {
        const Metrics m = computeMetrics({0, 1, 1}, {0, 1, 0}, {"a", "b", "unused"});
        // a: p 1/2 r 1 f1 2/3; b: p 1 r 1/2 f1 2/3; "unused" neither seen nor predicted.
        QVERIFY(qAbs(m.macroF1 - 2.0 / 3) < 1e-12);
        QCOMPARE(m.balancedAccuracy, 0.75);
        QCOMPARE(m.perClass[2].support, 0);
    }

    void jsonRoundTripAndKeys()
    {
        const Metrics m = computeMetrics({0, 1, 1, 0}, {0, 1, 0, 0}, {"x", "y"});
        const QJsonObject j = m.toJson();
        for (const char* key : {"accuracy", "balanced_accuracy", "macro_f1", "per_class", "confusion"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["confusion"].toObject()["labels"].toArray().size(), 2);
        QCOMPARE(j["per_class"].toObject()["y"].toObject()["support"].toInt(), 2);
        const Metrics back = Metrics::fromJson(j);
        QCOMPARE(back.accuracy, m.accuracy);
        QVERIFY(back.confusion == m.confusion);
        QCOMPARE(back.perClass[1].recall, 0.5);
    }

    void rejectsMismatchedInput()
    {
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, computeMetrics({0, 1}, {0}, {"a", "b"}));
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, computeMetrics({0, 2}, {0, 1}, {"a", "b"}));
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, computeMetrics({0, 1}, {0, 1}, {"a", "b"}, {"p"}));
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, balancedAccuracyInterval({0, 1}, {0, 3}, 2, {"p", "q"}));
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, balancedAccuracyDifferenceInterval({0, 1}, {0, 1}, {0}, 2, {"p", "q"}));
    }

    // Five people, so the bootstrap's distribution can be enumerated: 5^5 equally likely draws.
    // The interval's ends must be values of that distribution with (up to the resampling's own
    // noise) 2.5% of it beyond each end, and no more.
    void intervalMatchesTheExactBootstrapDistribution()
    {
        struct Person { const char* name; int aFaces, aRight, bFaces, bRight; };
        const Person persons[5] = {{"ann", 2, 2, 1, 0}, {"bob", 1, 0, 2, 2}, {"cy", 1, 0, 1, 1},
                                   {"dee", 3, 2, 1, 1}, {"eve", 1, 1, 2, 0}};
        std::vector<int> truth, pred;
        QStringList people;
        for (const Person& p : persons)
            for (int c = 0; c < 2; ++c)
                for (int f = 0; f < (c ? p.bFaces : p.aFaces); ++f) {
                    truth.push_back(c);
                    pred.push_back(f < (c ? p.bRight : p.aRight) ? c : 1 - c);
                    people << p.name;
                }
        std::map<long long, int> exact; // balanced accuracy x 1e9 -> draws
        for (int draw = 0; draw < 3125; ++draw) {
            int aFaces = 0, aRight = 0, bFaces = 0, bRight = 0;
            for (int k = 0, rest = draw; k < 5; ++k, rest /= 5) {
                const Person& p = persons[rest % 5];
                aFaces += p.aFaces, aRight += p.aRight, bFaces += p.bFaces, bRight += p.bRight;
            }
            // Every person has both classes, so both are present in every draw.
            ++exact[std::llround(1e9 * (double(aRight) / aFaces + double(bRight) / bFaces) / 2)];
        }
        const auto interval = balancedAccuracyInterval(truth, pred, 2, people, {20000, 0.95, 7});
        QVERIFY(interval);
        QCOMPARE(interval->people, 5);
        QCOMPARE(interval->resamples, 20000);
        const auto mass = [&](long long from, long long to) { // of the values in [from, to]
            int n = 0;
            for (const auto& [value, draws] : exact) n += value >= from && value <= to ? draws : 0;
            return n / 3125.0;
        };
        const long long low = std::llround(1e9 * interval->low), high = std::llround(1e9 * interval->high);
        QVERIFY2(exact.count(low) && exact.count(high), qPrintable(QStringLiteral("%1 %2").arg(low).arg(high)));
        const double noise = 0.004; // ~3.5 standard errors of a 2.5% quantile from 20000 resamples
        QVERIFY(mass(LLONG_MIN, low - 1) <= 0.025 + noise);
        QVERIFY(mass(LLONG_MIN, low) >= 0.025 - noise);
        QVERIFY(mass(high + 1, LLONG_MAX) <= 0.025 + noise);
        QVERIFY(mass(high, LLONG_MAX) >= 0.025 - noise);
        QVERIFY(low < high); // a distribution of many values: a real interval, not a point
        // The same faces always give the same interval.
        const auto again = balancedAccuracyInterval(truth, pred, 2, people, {20000, 0.95, 7});
        QCOMPARE(again->low, interval->low);
        QCOMPARE(again->high, interval->high);
    }

    // One face of a rare class, wrong, among people who are otherwise all right: a resample either
    // holds that person (balanced accuracy 0.8 with five classes) or not (1.0: four classes, all
    // right), the latter about (1 - 1/n)^n ~ 37% of the time. So the interval is exactly [0.8, 1].
    void oneFaceOfARareClassSpansTheInterval()
    {
        std::vector<int> truth, pred;
        QStringList people;
        for (int person = 0; person < 60; ++person)
            for (int c = 0; c < 4; ++c) {
                truth.push_back(c);
                pred.push_back(c);
                people << QStringLiteral("p%1").arg(person);
            }
        truth.push_back(4);
        pred.push_back(0);
        people << QStringLiteral("rare");
        const Metrics m = computeMetrics(truth, pred, {"a", "b", "c", "d", "rare"}, people);
        QCOMPARE(m.balancedAccuracy, 0.8);
        QVERIFY(m.balancedAccuracyInterval);
        QCOMPARE(m.balancedAccuracyInterval->low, 0.8);
        QCOMPARE(m.balancedAccuracyInterval->high, 1.0);
        QCOMPARE(m.balancedAccuracyInterval->people, 61);
        QCOMPARE(thinClassesText(m), QStringLiteral("few faces, their recall says little: rare 1"));
        QCOMPARE(thinClassesText(computeMetrics({0, 1}, {0, 1}, {"a", "b"}), 1), QString()); // none below 1 face
        QCOMPARE(intervalText(*m.balancedAccuracyInterval), QStringLiteral("95% interval 0.800-1.000 over 61 people"));
    }

    // A model that guesses: its interval reaches down to one over the classes, so the run says it
    // is not above chance; a model that is right on most people clears it, and says nothing.
    void chanceIsNamedWhenTheIntervalReachesIt()
    {
        std::vector<int> truth, guess, good;
        QStringList people;
        for (int person = 0; person < 40; ++person)
            for (int c = 0; c < 4; ++c) {
                truth.push_back(c);
                guess.push_back((c + person) % 4 == 0 ? c : (c + 1) % 4); // right on about a quarter
                good.push_back(person % 10 == 0 ? (c + 1) % 4 : c);
                people << QStringLiteral("p%1").arg(person);
            }
        const QStringList names{"a", "b", "c", "d"};
        const Metrics guessing = computeMetrics(truth, guess, names, people);
        QCOMPARE(guessing.chanceLevel(), 0.25);
        QVERIFY(!guessing.aboveChance());
        QVERIFY2(chanceText(guessing).startsWith(QStringLiteral("not above chance: the 95% interval ")), qPrintable(chanceText(guessing)));
        QVERIFY(chanceText(guessing).endsWith(QStringLiteral("includes 0.250 (1 of 4 classes)")));

        const Metrics skilled = computeMetrics(truth, good, names, people);
        QVERIFY(skilled.aboveChance());
        QCOMPARE(chanceText(skilled), QString());

        // Without people, the figure itself is compared; classes absent from the truth do not count.
        const Metrics noPeople = computeMetrics({0, 0, 1, 1}, {1, 0, 0, 1}, {"a", "b", "c"});
        QCOMPARE(noPeople.chanceLevel(), 0.5);
        QCOMPARE(chanceText(noPeople), QStringLiteral("not above chance: 0.500 is not above 0.500 (1 of 2 classes)"));
        QCOMPARE(chanceText(Metrics{}), QString());
    }

    // Faces of one person are not independent: the same faces split among two people give a far
    // wider interval than the same faces as 40 people.
    void peopleNotFacesAreResampled()
    {
        std::vector<int> truth, pred;
        QStringList two, forty;
        for (int i = 0; i < 40; ++i) {
            truth.push_back(i % 2);
            pred.push_back(i < 20 ? i % 2 : 1 - i % 2); // the first 20 faces right, the rest wrong
            two << (i < 20 ? QStringLiteral("right") : QStringLiteral("wrong"));
            forty << QString(); // an empty name: a person of their own
        }
        const auto clustered = balancedAccuracyInterval(truth, pred, 2, two);
        const auto independent = balancedAccuracyInterval(truth, pred, 2, forty);
        QVERIFY(clustered && independent);
        QCOMPARE(clustered->people, 2);
        QCOMPARE(independent->people, 40);
        QCOMPARE(clustered->low, 0.0);
        QCOMPARE(clustered->high, 1.0);
        QVERIFY(independent->low > 0.25 && independent->high < 0.75);
        QVERIFY(!balancedAccuracyInterval({0, 1}, {0, 1}, 2, {"one", "one"})); // one person: no interval
    }

    // The paired change: zero when nothing changed; clear of zero when the second model gets one
    // more face right for every person; straddling zero when it trades faces back and forth.
    void pairedChangeSeesWhatIsMoreThanLuck()
    {
        std::vector<int> truth, a, better, traded;
        QStringList people;
        for (int person = 0; person < 30; ++person)
            for (int k = 0; k < 4; ++k) {
                const int t = k % 2;
                truth.push_back(t);
                people << QStringLiteral("p%1").arg(person);
                a.push_back(k < 2 ? t : 1 - t);                         // half right
                better.push_back(k < 3 ? t : 1 - t);                    // one more right
                traded.push_back(person % 2 ? (k < 3 ? t : 1 - t) : (k < 1 ? t : 1 - t));
            }
        const auto same = balancedAccuracyDifferenceInterval(truth, a, a, 2, people);
        QVERIFY(same);
        QCOMPARE(same->low, 0.0);
        QCOMPARE(same->high, 0.0);
        const auto gain = balancedAccuracyDifferenceInterval(truth, a, better, 2, people);
        QVERIFY(gain->low > 0);
        QVERIFY(std::abs(gain->low - 0.25) < 1e-12 && std::abs(gain->high - 0.25) < 1e-12); // the same gain for all
        const auto mixed = balancedAccuracyDifferenceInterval(truth, a, traded, 2, people);
        QVERIFY(mixed->low < 0 && mixed->high > 0);
    }

    void intervalRoundTripsThroughJson()
    {
        const Metrics m = computeMetrics({0, 1, 1, 0}, {0, 1, 0, 0}, {"x", "y"}, {"p", "q", "q", "r"});
        QVERIFY(m.balancedAccuracyInterval);
        const QJsonObject j = m.toJson();
        QVERIFY(j.contains("balanced_accuracy_interval"));
        const Metrics back = Metrics::fromJson(j);
        QVERIFY(back.balancedAccuracyInterval);
        QCOMPARE(back.balancedAccuracyInterval->low, m.balancedAccuracyInterval->low);
        QCOMPARE(back.balancedAccuracyInterval->high, m.balancedAccuracyInterval->high);
        QCOMPARE(back.balancedAccuracyInterval->people, 3);
        QVERIFY(!back.balancedAccuracyInterval->facesAsPeople);
        QVERIFY(!j["balanced_accuracy_interval"].toObject().contains("people_unknown"));
        QVERIFY(intervalText(*m.balancedAccuracyInterval).endsWith(" over 3 people"));
        // Runs recorded before intervals were kept read back without one.
        QVERIFY(!Metrics::fromJson(computeMetrics({0, 1}, {0, 1}, {"x", "y"}).toJson()).balancedAccuracyInterval);
    }

    void intervalWithoutIdentitiesSaysFacesStoodForPeople()
    {
        // No names at all: each face is resampled alone, and the interval must not claim people.
        const Metrics m = computeMetrics({0, 1, 1, 0, 1}, {0, 1, 0, 0, 1}, {"x", "y"}, {"", "", "", "", ""});
        QVERIFY(m.balancedAccuracyInterval);
        QVERIFY(m.balancedAccuracyInterval->facesAsPeople);
        QCOMPARE(m.balancedAccuracyInterval->people, 5);
        QVERIFY2(intervalText(*m.balancedAccuracyInterval).endsWith(" over 5 faces, people unknown (each face counted alone)"),
                 qPrintable(intervalText(*m.balancedAccuracyInterval)));
        const QJsonObject j = m.toJson();
        QVERIFY(j["balanced_accuracy_interval"].toObject()["people_unknown"].toBool());
        QVERIFY(Metrics::fromJson(j).balancedAccuracyInterval->facesAsPeople);
        // One named person among unnamed faces: people are known (the unnamed are people of their own).
        const Metrics some = computeMetrics({0, 1, 1, 0, 1}, {0, 1, 0, 0, 1}, {"x", "y"}, {"ann", "ann", "", "", ""});
        QVERIFY(!some.balancedAccuracyInterval->facesAsPeople);
        QCOMPARE(some.balancedAccuracyInterval->people, 4);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
