// The one-pass fits of a pretrained model's classifier (internal/LinearFit.h), on generated data:
// - biases only (infinite penalty) leave the weights exactly where they start and undo a class prior;
// - the penalty pulls the weights towards their start: strong, they stay near it; weak, the fit
//   follows the data;
// - the penalty chosen by cross-validation by group is weak when the start is useless and the
//   data informative, strong when the start is right and the extra inputs are noise;
// - bad shapes, labels and classes without rows are refused with a message.
#include "core/learning/internal/LinearFit.h"
#include "core/util/Error.h"

#include <QTest>

#include <limits>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

const double kInfinity = std::numeric_limits<double>::infinity();

struct Problem {
    torch::Tensor x;
    std::vector<int> labels, groups; // groups: 4 rows per person, folds of 5 by person
};

// Two classes; column 0 carries the class (+-1 plus noise), the others are noise.
Problem makeProblem(int rows, int columns, double signal, uint64_t seed)
{
    torch::manual_seed(seed);
    Problem p;
    p.x = torch::randn({rows, columns});
    for (int i = 0; i < rows; ++i) {
        const int label = (i / 4) % 2; // a person's rows share a label
        p.labels.push_back(label);
        p.groups.push_back((i / 4) % 5);
        p.x[i][0] += label ? signal : -signal;
    }
    return p;
}

double accuracy(const LinearFit& fit, const std::vector<int>& labels)
{
    int right = 0;
    for (size_t i = 0; i < labels.size(); ++i) right += fit.predicted[i] == labels[i];
    return double(right) / double(labels.size());
}

} // namespace

class TestLinearFit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void biasesOnlyKeepTheWeightsAndUndoAPrior()
    {
        // Logits that favour class 0 by 3 whatever the face: the biases must take that back.
        Problem p = makeProblem(400, 2, 1.5, 1);
        const auto logits = torch::stack({-p.x.select(1, 0) + 3, p.x.select(1, 0)}, 1);
        const auto start = torch::eye(2);
        const LinearFit fit = fitLinear(logits, p.labels, start, kInfinity);
        QVERIFY(torch::equal(fit.weights, start));
        QVERIFY2((fit.biases[0] - fit.biases[1]).item<double>() < -2.5, "the prior towards class 0 is undone");
        QVERIFY(accuracy(fit, p.labels) > 0.85);
    }

    void thePenaltyPullsTowardsTheStart()
    {
        Problem p = makeProblem(400, 3, 1.5, 2);
        // Start: reads column 1 (noise) the wrong way round.
        const auto start = torch::tensor({0.f, 1.f, 0.f, 0.f, -1.f, 0.f}).reshape({2, 3});
        const LinearFit strong = fitLinear(p.x, p.labels, start, 100);
        const LinearFit weak = fitLinear(p.x, p.labels, start, 1e-4);
        const double strongMove = (strong.weights - start).norm().item<double>();
        const double weakMove = (weak.weights - start).norm().item<double>();
        qInfo("distance from the start: penalty 100 %.4f, 1e-4 %.4f; accuracy %.3f / %.3f", strongMove, weakMove,
              accuracy(strong, p.labels), accuracy(weak, p.labels));
        QVERIFY(strongMove < 0.05);
        QVERIFY(weakMove > 1);
        QVERIFY(accuracy(weak, p.labels) > 0.85);
        QVERIFY(accuracy(strong, p.labels) < accuracy(weak, p.labels));
        // The fit aims at balanced accuracy: with class 1 nine times rarer, it is still found.
        std::vector<int64_t> keep;
        for (size_t i = 0; i < p.labels.size(); ++i)
            if (p.labels[i] == 0 || i % 36 < 4) keep.push_back(int64_t(i));
        std::vector<int> rare;
        for (int64_t i : keep) rare.push_back(p.labels[size_t(i)]);
        const LinearFit imbalanced = fitLinear(p.x.index_select(0, torch::tensor(keep)), rare, start, 1e-4);
        int foundRare = 0, rareCount = 0;
        for (size_t i = 0; i < rare.size(); ++i)
            if (rare[i] == 1) ++rareCount, foundRare += imbalanced.predicted[i] == 1;
        qInfo("rare class recall %d/%d", foundRare, rareCount);
        QVERIFY(foundRare >= rareCount * 3 / 4);
    }

    void crossValidationChoosesThePenalty()
    {
        const std::vector<double> candidates{10, 1, 0.1, 0.01, 0.001};
        // A start that reads noise (column 1), informative data: a weak penalty. (A start at zero
        // would not do: a strong penalty shrinks the weights but not their direction.)
        Problem informative = makeProblem(300, 4, 1.5, 3);
        auto useless = torch::zeros({2, 4});
        useless[0][1] = 1;
        useless[1][1] = -1;
        const PenaltyChoice weak = choosePenaltyByGroupFolds(informative.x, informative.labels, informative.groups,
                                                             useless, candidates);
        QCOMPARE(weak.balancedAccuracy.size(), candidates.size());
        qInfo("useless start: penalty %g (scores %.3f .. %.3f)", weak.penalty, weak.balancedAccuracy.front(),
              weak.balancedAccuracy.back());
        QVERIFY(weak.penalty <= 0.1);
        QVERIFY(weak.balancedAccuracy.back() > 0.85);
        // Right start, and 200 noise columns a weak fit would overfit on 15 people: a strong penalty.
        Problem noisy = makeProblem(60, 201, 1.0, 4);
        auto right = torch::zeros({2, 201});
        right[0][0] = -1;
        right[1][0] = 1;
        const PenaltyChoice strong = choosePenaltyByGroupFolds(noisy.x, noisy.labels, noisy.groups, right, candidates);
        qInfo("right start: penalty %g (scores %.3f %.3f %.3f %.3f %.3f)", strong.penalty, strong.balancedAccuracy[0],
              strong.balancedAccuracy[1], strong.balancedAccuracy[2], strong.balancedAccuracy[3],
              strong.balancedAccuracy[4]);
        QVERIFY(strong.penalty >= 1);
        QVERIFY(strong.balancedAccuracy.front() > strong.balancedAccuracy.back());

        // A time limit ends the choice among the candidates tried, each tried whole: asked before
        // every candidate after the first, here saying stop at the third.
        int asked = 0;
        const PenaltyChoice cut = choosePenaltyByGroupFolds(informative.x, informative.labels, informative.groups, useless,
                                                            candidates, {}, [&] { return ++asked == 2; });
        QCOMPARE(asked, 2);
        QCOMPARE(cut.balancedAccuracy.size(), size_t(2));
        QCOMPARE(cut.balancedAccuracy[0], weak.balancedAccuracy[0]);
        QCOMPARE(cut.balancedAccuracy[1], weak.balancedAccuracy[1]);
        QCOMPARE(cut.penalty, weak.balancedAccuracy[1] > weak.balancedAccuracy[0] ? candidates[1] : candidates[0]);
        asked = 0;
        const PenaltyChoice first = choosePenaltyByGroupFolds(informative.x, informative.labels, informative.groups,
                                                              useless, candidates, {}, [&] { return ++asked > 0; });
        QCOMPARE(first.balancedAccuracy.size(), size_t(1)); // the first candidate is always tried
        QCOMPARE(first.penalty, candidates[0]);
    }

    void badInputIsRefused()
    {
        Problem p = makeProblem(40, 3, 1, 5);
        const auto start = torch::zeros({2, 3});
        auto refuses = [](const std::function<void()>& f, const QString& needle) {
            try {
                f();
            } catch (const Error& e) {
                QVERIFY2(e.message().contains(needle), qPrintable(e.message()));
                return;
            }
            QFAIL(qPrintable("not refused: " + needle));
        };
        refuses([&] { fitLinear(p.x, std::vector<int>(39, 0), start, 1); }, "39 labels");
        refuses([&] { fitLinear(p.x, p.labels, torch::zeros({2, 4}), 1); }, "4 columns");
        std::vector<int> outside = p.labels;
        outside[0] = 2;
        refuses([&] { fitLinear(p.x, outside, start, 1); }, "outside 0..1");
        refuses([&] { fitLinear(p.x, std::vector<int>(40, 0), start, 1); }, "class 1 has no training face");
        refuses([&] { fitLinear(p.x, p.labels, start, -1); }, "negative penalty");
        refuses([&] { choosePenaltyByGroupFolds(p.x, p.labels, std::vector<int>(3, 0), start, {1}); }, "3 folds");
    }
};

QTEST_GUILESS_MAIN(TestLinearFit)
#include "test_linear_fit.moc"
