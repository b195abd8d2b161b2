#include "core/learning/internal/OnePassFit.h"

#include "core/learning/ClassBalance.h"
#include "core/learning/Metrics.h"
#include "core/learning/Split.h"
#include "core/util/Error.h"

#include <limits>
#include <numeric>

namespace exemplar::learning {

namespace {

// The training rows of the task's classes (auxiliary images are never fitted) and their labels.
std::pair<std::vector<int>, std::vector<int>> taskRows(const std::vector<int>& trainRows, const std::vector<int>& labelOfRow,
                                                       int classCount)
{
    std::vector<int> rows, labels;
    for (int row : trainRows)
        if (labelOfRow[row] < classCount) {
            rows.push_back(row);
            labels.push_back(labelOfRow[row]);
        }
    return {rows, labels};
}

struct ScoredFaces {
    std::vector<int> rows, labels;      // the faces scored and their labels, in training order
    std::vector<torch::Tensor> outputs; // what `score` returned for them, face for face
    size_t offered = 0;                 // the task's training faces, scored or not
};

// Scores the task's training faces chunk by chunk (between chunks a cancel request is honoured),
// the classes taking turns (classesInTurn) so that when the budget stops the scoring early, the
// faces scored are balanced over the classes and hold the rare ones whole. The first chunk is
// always scored. nullopt when cancelled.
std::optional<ScoredFaces> scoreTrainingFaces(const std::vector<int>& trainRows, const std::vector<int>& labelOfRow,
                                              int classCount, size_t chunk, quint64 seed, OnePassBudget& budget,
                                              const CancelFlag& cancel,
                                              const std::function<std::vector<torch::Tensor>(const std::vector<int>&)>& score)
{
    const auto [rows, labels] = taskRows(trainRows, labelOfRow, classCount);
    const std::vector<int> order = classesInTurn(labels, classCount, seed);
    chunk = std::max(chunk, size_t(classCount)); // the first chunk holds every class
    std::vector<std::vector<torch::Tensor>> chunks;
    size_t done = 0;
    while (done < order.size() && (done == 0 || budget.scoringMayGoOn())) {
        if (cancel.isCancelled()) return std::nullopt;
        const size_t end = std::min(order.size(), done + chunk);
        std::vector<int> part;
        for (size_t i = done; i < end; ++i) part.push_back(rows[size_t(order[i])]);
        chunks.push_back(score(part));
        done = end;
        budget.scored(done, order.size());
    }
    // Back in training order, so that a fit that scored every face sees them as it would unlimited.
    std::vector<int64_t> byPosition(done);
    std::iota(byPosition.begin(), byPosition.end(), 0);
    std::sort(byPosition.begin(), byPosition.end(), [&](int64_t a, int64_t b) { return order[size_t(a)] < order[size_t(b)]; });
    ScoredFaces scored;
    scored.offered = rows.size();
    for (int64_t i : byPosition) {
        scored.rows.push_back(rows[size_t(order[size_t(i)])]);
        scored.labels.push_back(labels[size_t(order[size_t(i)])]);
    }
    const auto index = torch::tensor(byPosition, torch::kLong);
    for (size_t k = 0; !chunks.empty() && k < chunks.front().size(); ++k) {
        std::vector<torch::Tensor> parts;
        for (const auto& c : chunks) parts.push_back(c[k]);
        scored.outputs.push_back(torch::cat(parts).index_select(0, index));
    }
    return scored;
}

// Penalties tried for a linear head, strongest first (a time limit cuts the weakest): each pulls
// the weights towards the zero-shot mapping (on the pretrained logits) and zero (on the features).
// On faces-dev (bench_frozen_heads) the figures peak inside this range (0.1-1 depending on task and
// evaluation) and fall off at both ends, and the best one depends on the data, so each run chooses.
const std::vector<double> kLinearHeadPenalties{1.0, 0.3, 0.1, 0.03, 0.01};

// The cross-entropy of log-probabilities x as fitLinear weighs it: each class's faces weigh the same
// in total.
double classWeightedNll(const torch::Tensor& x, const std::vector<int>& labels, int classCount)
{
    std::vector<double> sum(size_t(classCount), 0.0);
    std::vector<int> count(size_t(classCount), 0);
    for (size_t i = 0; i < labels.size(); ++i) {
        sum[size_t(labels[i])] -= x[int64_t(i)][labels[i]].item<double>();
        ++count[size_t(labels[i])];
    }
    double total = 0;
    int present = 0;
    for (int c = 0; c < classCount; ++c)
        if (count[size_t(c)]) {
            total += sum[size_t(c)] / count[size_t(c)];
            ++present;
        }
    return present ? total / present : 0;
}

} // namespace

BackboneNetImpl& backboneOf(const std::shared_ptr<ClassifierNet>& net)
{
    auto* backbone = dynamic_cast<BackboneNetImpl*>(net.get());
    if (!backbone) throw Error(QStringLiteral("fitting a pretrained model's classifier needs a pretrained backbone"));
    return *backbone;
}

std::optional<FittedHead> fitBiasesToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                     size_t chunk, const std::vector<int>& trainRows,
                                                     const std::vector<int>& labelOfRow,
                                                     const std::vector<TrainingSample>& samples, const QStringList& classes,
                                                     quint64 seed, OnePassBudget& budget, const CancelFlag& cancel,
                                                     const std::function<void(const QString&)>& message)
{
    const int classCount = int(classes.size());
    auto scored = scoreTrainingFaces(
        trainRows, labelOfRow, classCount, chunk, seed, budget, cancel, [&](const std::vector<int>& part) {
            // Log-probabilities differ from the logits by one constant per face, which no bias changes.
            return std::vector<torch::Tensor>{
                torch::log_softmax(backbone.logitsOfEvaluated(evaluated(part)).narrow(1, 0, classCount), 1)};
        });
    if (!scored) return std::nullopt;
    const torch::Tensor& x = scored->outputs[0];
    const std::vector<int>& labels = scored->labels;
    const auto biasesFittedTo = [&](const std::vector<int64_t>& rows) {
        std::vector<int> part;
        for (int64_t i : rows) part.push_back(labels[size_t(i)]);
        return fitLinear(x.index_select(0, torch::tensor(rows, torch::kLong)), part, torch::eye(classCount),
                         std::numeric_limits<double>::infinity())
            .biases;
    };

    // Biases fitted to the training faces correct the model's class priors for the curator's data,
    // but they also learn the training faces' mix of people and sources: on faces-dev they lift
    // the emotion model on new people (test splits 0.808 -> 0.829) yet lower face-api's expression
    // model on every face (0.801 -> 0.783, bench_faceapi_expression). So they are kept only when
    // they do better on people their fit did not see.
    std::vector<TrainingSample> fitted;
    for (int row : scored->rows) fitted.push_back(samples[size_t(row)]);
    const int people = countPeople(fitted);
    const int folds = std::min(5, people);
    bool keep = true;
    if (folds >= 2) {
        const std::vector<int> foldOf = identityFolds(fitted, folds, seed);
        std::vector<int> truth, asIs, withBiases;
        for (int f = 0; f < folds; ++f) {
            if (cancel.isCancelled()) return std::nullopt;
            std::vector<int64_t> train, held;
            std::vector<bool> present(size_t(classCount), false);
            for (size_t i = 0; i < labels.size(); ++i) {
                (foldOf[i] == f ? held : train).push_back(int64_t(i));
                if (foldOf[i] != f) present[size_t(labels[i])] = true;
            }
            if (held.empty()) continue;
            const auto heldRows = torch::tensor(held, torch::kLong);
            const auto heldX = x.index_select(0, heldRows);
            // A class none of the other folds' people show cannot be fitted: those faces count as is.
            const bool fittable = std::all_of(present.begin(), present.end(), [](bool p) { return p; });
            const auto shifted = fittable ? heldX + biasesFittedTo(train) : heldX;
            const auto a = heldX.argmax(1), b = shifted.argmax(1);
            for (size_t k = 0; k < held.size(); ++k) {
                truth.push_back(labels[size_t(held[k])]);
                asIs.push_back(int(a[int64_t(k)].item<int64_t>()));
                withBiases.push_back(int(b[int64_t(k)].item<int64_t>()));
            }
        }
        const double asIsScore = computeMetrics(truth, asIs, classes).balancedAccuracy;
        const double biasedScore = computeMetrics(truth, withBiases, classes).balancedAccuracy;
        keep = biasedScore > asIsScore; // a tie keeps the model as it is: nothing fitted, nothing to overfit
        message(QStringLiteral("Class biases %1 by %2-fold cross-validation by identity on the training faces "
                               "(balanced accuracy on the people each fit did not see: with fitted biases %3, the "
                               "model as it is %4)")
                    .arg(keep ? QStringLiteral("kept") : QStringLiteral("left out"))
                    .arg(folds).arg(biasedScore, 0, 'f', 3).arg(asIsScore, 0, 'f', 3));
    } else {
        message(QStringLiteral("Only %1 person among the training faces: class biases fitted without cross-validation")
                    .arg(people));
    }
    if (!keep) {
        // The model as it is: its own predictions and class-weighted loss on the training faces.
        LinearFit asIs{torch::eye(classCount), torch::zeros({classCount}), classWeightedNll(x, labels, classCount), {}};
        const auto predicted = x.argmax(1);
        for (int64_t i = 0; i < predicted.size(0); ++i) asIs.predicted.push_back(int(predicted[i].item<int64_t>()));
        return FittedHead{std::move(asIs), std::move(scored->labels), scored->offered, true};
    }
    LinearFit fit = fitLinear(x, labels, torch::eye(classCount), std::numeric_limits<double>::infinity());
    backbone.addClassBiases(fit.biases);
    return FittedHead{std::move(fit), std::move(scored->labels), scored->offered, false};
}

std::optional<FittedHead> fitLinearHeadToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                       size_t chunk, const std::vector<int>& trainRows,
                                                       const std::vector<int>& labelOfRow,
                                                       const std::vector<TrainingSample>& samples, const QStringList& classes,
                                                       quint64 seed, OnePassBudget& budget, const CancelFlag& cancel,
                                                       const std::function<void(const QString&)>& message)
{
    const int64_t classCount = int64_t(classes.size()); // auxiliary outputs, if any, are never fitted
    auto scored = scoreTrainingFaces(
        trainRows, labelOfRow, int(classCount), chunk, seed, budget, cancel, [&](const std::vector<int>& part) {
            const EvaluatedFaces faces = evaluated(part);
            return std::vector<torch::Tensor>{faces.features, faces.logits};
        });
    if (!scored) return std::nullopt;
    const auto& f = scored->outputs[0];
    const auto& z = scored->outputs[1];
    const std::vector<int>& labels = scored->labels;
    backbone.setFeatureStatistics(f);
    const int64_t featureCount = f.size(1);
    const auto inputs = torch::cat({backbone.standardise(f), z}, 1);
    const auto start = torch::cat({torch::zeros({classCount, featureCount}),
                                   backbone.prior()->weight.detach().narrow(0, 0, classCount)}, 1);

    std::vector<TrainingSample> fitted;
    for (int row : scored->rows) fitted.push_back(samples[size_t(row)]);
    const int people = countPeople(fitted);
    const int folds = std::min(5, people);
    double penalty = 0.1; // too few people to cross-validate: the figure that did best on faces-dev
    if (folds >= 2) {
        if (cancel.isCancelled()) return std::nullopt;
        QElapsedTimer sinceLast;
        sinceLast.start();
        // Another penalty takes about as long as the last; the final fit, about one fold of it.
        const auto timeIsUp = [&] {
            const double last = double(sinceLast.restart()) / 1000.0;
            return !budget.roomFor(last * (1.0 + 1.0 / folds));
        };
        const PenaltyChoice choice = choosePenaltyByGroupFolds(inputs, labels, identityFolds(fitted, folds, seed), start,
                                                               kLinearHeadPenalties, {}, timeIsUp);
        penalty = choice.penalty;
        QStringList tried;
        for (size_t i = 0; i < choice.balancedAccuracy.size(); ++i)
            tried << QStringLiteral("%1: %2").arg(kLinearHeadPenalties[i]).arg(choice.balancedAccuracy[i], 0, 'f', 3);
        const size_t untried = kLinearHeadPenalties.size() - choice.balancedAccuracy.size();
        message(QStringLiteral("Penalty %1 chosen by %2-fold cross-validation by identity on the training faces "
                               "(balanced accuracy on the people each fit did not see: %3%4)")
                    .arg(penalty).arg(folds).arg(tried.join(", "))
                    .arg(untried ? QStringLiteral("; the time limit left no room for the %1 weakest").arg(untried)
                                 : QString()));
    } else {
        message(QStringLiteral("Only %1 person among the training faces: no cross-validation, penalty %2")
                    .arg(people).arg(penalty));
    }
    LinearFit fit = fitLinear(inputs, labels, start, penalty);
    backbone.setLinearLayers(fit.weights.narrow(1, 0, featureCount), fit.weights.narrow(1, featureCount, z.size(1)),
                             fit.biases);
    return FittedHead{std::move(fit), std::move(scored->labels), scored->offered};
}

} // namespace exemplar::learning
