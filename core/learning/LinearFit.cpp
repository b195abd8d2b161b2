#include "core/learning/internal/LinearFit.h"

#include "core/learning/Metrics.h"
#include "core/util/Error.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <optional>

namespace exemplar::learning {

LinearFit fitLinear(const torch::Tensor& x, const std::vector<int>& labels, const torch::Tensor& start, double penalty,
                    const std::vector<double>& rowWeights)
{
    if (!rowWeights.empty() && rowWeights.size() != labels.size())
        throw Error(QStringLiteral("linear fit: %1 row weights for %2 rows").arg(rowWeights.size()).arg(labels.size()));
    if (x.dim() != 2 || x.size(0) != int64_t(labels.size()) || start.dim() != 2 || start.size(1) != x.size(1))
        throw Error(QStringLiteral("linear fit: %1 labels and start weights of %2 columns for inputs of shape [%3]")
                        .arg(labels.size())
                        .arg(start.dim() == 2 ? start.size(1) : -1)
                        .arg(x.dim() == 2 ? QStringLiteral("%1, %2").arg(x.size(0)).arg(x.size(1)) : QStringLiteral("?")));
    if (penalty < 0) throw Error(QStringLiteral("linear fit: negative penalty %1").arg(penalty));
    const int64_t classes = start.size(0);
    const auto y = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()), torch::kLong);
    if (y.numel() && (y.min().item<int64_t>() < 0 || y.max().item<int64_t>() >= classes))
        throw Error(QStringLiteral("linear fit: a label outside 0..%1").arg(classes - 1));
    const auto rowWeight = rowWeights.empty() ? torch::ones({y.numel()}, torch::kDouble)
                                              : torch::tensor(rowWeights, torch::kDouble);
    const auto counts = torch::zeros({classes}, torch::kDouble).index_add_(0, y, rowWeight);
    for (int64_t c = 0; c < classes; ++c)
        if (counts[c].item<double>() <= 0)
            throw Error(QStringLiteral("linear fit: class %1 has no training face").arg(c));
    const auto z = x.detach().to(torch::kDouble);
    const auto w0 = start.detach().to(torch::kDouble);
    // Every class weighs the same in total; within it, each row as much as rowWeights says.
    const auto weight = rowWeight * (1.0 / counts).index_select(0, y);
    const auto normalised = weight / weight.sum();
    namespace F = torch::nn::functional;
    auto loss = [&](const torch::Tensor& logits) {
        return (F::cross_entropy(logits, y, F::CrossEntropyFuncOptions().reduction(torch::kNone)) * normalised).sum();
    };
    const bool biasesOnly = std::isinf(penalty);
    auto w = w0.clone().requires_grad_(!biasesOnly);
    auto b = torch::zeros({classes}, torch::kDouble).requires_grad_(true);
    // Convex: L-BFGS with a line search converges without a learning rate or step count to tune
    // (a plain solver beats pulling in a library for a K x D logistic regression).
    std::vector<torch::Tensor> unknowns{b};
    if (!biasesOnly) unknowns.push_back(w);
    torch::optim::LBFGS optimiser(unknowns, torch::optim::LBFGSOptions(1.0)
                                                .max_iter(biasesOnly ? 200 : 1000)
                                                .tolerance_grad(1e-9)
                                                .tolerance_change(1e-12)
                                                .line_search_fn("strong_wolfe"));
    auto objective = [&] {
        auto data = loss(z.matmul(w.t()) + b);
        return biasesOnly ? data : data + penalty * (w - w0).pow(2).sum();
    };
    optimiser.step([&] {
        optimiser.zero_grad();
        auto loss = objective();
        loss.backward();
        return loss;
    });
    torch::NoGradGuard noGrad;
    LinearFit fit;
    fit.weights = w.detach().to(torch::kFloat);
    fit.biases = b.detach().to(torch::kFloat);
    const auto logits = z.matmul(w.t()) + b;
    fit.loss = loss(logits).item<double>();
    const auto predicted = logits.argmax(1);
    fit.predicted.assign(predicted.data_ptr<int64_t>(), predicted.data_ptr<int64_t>() + predicted.numel());
    return fit;
}

PenaltyChoice choosePenaltyByGroupFolds(const torch::Tensor& x, const std::vector<int>& labels,
                                        const std::vector<int>& foldOfRow, const torch::Tensor& start,
                                        const std::vector<double>& candidates, const std::vector<double>& rowWeights,
                                        const std::function<bool()>& timeIsUp)
{
    if (candidates.empty()) throw Error(QStringLiteral("penalty choice: no candidate"));
    if (foldOfRow.size() != labels.size())
        throw Error(QStringLiteral("penalty choice: %1 folds for %2 rows").arg(foldOfRow.size()).arg(labels.size()));
    const int folds = foldOfRow.empty() ? 0 : *std::max_element(foldOfRow.begin(), foldOfRow.end()) + 1;
    const int classes = int(start.size(0));
    QStringList names;
    for (int c = 0; c < classes; ++c) names << QString::number(c);
    PenaltyChoice choice;
    double best = -1;
    for (double penalty : candidates) {
        if (!choice.balancedAccuracy.empty() && timeIsUp && timeIsUp()) break;
        std::vector<int> predicted(labels.size(), -1);
        for (int f = 0; f < folds; ++f) {
            std::vector<int64_t> train, held;
            std::vector<int> trainLabels;
            std::vector<double> trainWeights;
            for (size_t i = 0; i < labels.size(); ++i)
                if (foldOfRow[i] == f) {
                    held.push_back(int64_t(i));
                } else {
                    train.push_back(int64_t(i));
                    trainLabels.push_back(labels[i]);
                    if (!rowWeights.empty()) trainWeights.push_back(rowWeights[i]);
                }
            if (held.empty()) continue;
            // A fold whose training part lacks a class cannot be fitted; it is left out for every
            // candidate alike (whether it fits depends on the labels, not on the penalty).
            std::optional<LinearFit> fit;
            try {
                fit = fitLinear(x.index_select(0, torch::tensor(train)), trainLabels, start, penalty, trainWeights);
            } catch (const Error&) {
                continue;
            }
            torch::NoGradGuard noGrad;
            const auto heldX = x.index_select(0, torch::tensor(held)).to(torch::kFloat);
            const auto scores = (heldX.matmul(fit->weights.t()) + fit->biases).argmax(1);
            for (size_t j = 0; j < held.size(); ++j) predicted[size_t(held[j])] = int(scores[int64_t(j)].item<int64_t>());
        }
        std::vector<int> truth, guess;
        for (size_t i = 0; i < labels.size(); ++i)
            if (predicted[i] >= 0) {
                truth.push_back(labels[i]);
                guess.push_back(predicted[i]);
            }
        if (truth.empty()) throw Error(QStringLiteral("penalty choice: no fold could be fitted"));
        const double score = computeMetrics(truth, guess, names).balancedAccuracy;
        choice.balancedAccuracy.push_back(score);
        // A tie keeps the stronger penalty: the fit closer to where it starts.
        if (score > best || (score == best && penalty > choice.penalty)) {
            best = score;
            choice.penalty = penalty;
        }
    }
    return choice;
}

} // namespace exemplar::learning
