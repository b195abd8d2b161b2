// Metrics against hand-computed examples.
#include "core/learning/Metrics.h"
#include "core/util/Error.h"

#include <QJsonArray>
#include <QTest>

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
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
