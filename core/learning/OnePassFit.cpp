#include "core/learning/internal/OnePassFit.h"

#include "core/learning/ClassBalance.h"
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

} // namespace

BackboneNetImpl& backboneOf(const std::shared_ptr<ClassifierNet>& net)
{
    auto* backbone = dynamic_cast<BackboneNetImpl*>(net.get());
    if (!backbone) throw Error(QStringLiteral("fitting a pretrained model's classifier needs a pretrained backbone"));
    return *backbone;
}

std::optional<FittedHead> fitBiasesToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                     size_t chunk, const std::vector<int>& trainRows,
                                                     const std::vector<int>& labelOfRow, const QStringList& classes,
                                                     quint64 seed, OnePassBudget& budget, const CancelFlag& cancel)
{
    const int classCount = int(classes.size());
    auto scored = scoreTrainingFaces(
        trainRows, labelOfRow, classCount, chunk, seed, budget, cancel, [&](const std::vector<int>& part) {
            // Log-probabilities differ from the logits by one constant per face, which no bias changes.
            return std::vector<torch::Tensor>{
                torch::log_softmax(backbone.logitsOfEvaluated(evaluated(part)).narrow(1, 0, classCount), 1)};
        });
    if (!scored) return std::nullopt;
    LinearFit fit = fitLinear(scored->outputs[0], scored->labels, torch::eye(classCount),
                              std::numeric_limits<double>::infinity());
    backbone.addClassBiases(fit.biases);
    return FittedHead{std::move(fit), std::move(scored->labels), scored->offered};
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
