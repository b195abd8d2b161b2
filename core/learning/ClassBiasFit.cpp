#include "core/learning/internal/ClassBiasFit.h"

#include "core/util/Error.h"

namespace exemplar::learning {

ClassBiasFit fitClassBiases(const torch::Tensor& logits, const std::vector<int>& labels)
{
    if (logits.dim() != 2 || logits.size(0) != int64_t(labels.size()))
        throw Error(QStringLiteral("class bias fit: %1 labels for logits of %2 rows")
                        .arg(labels.size()).arg(logits.dim() == 2 ? logits.size(0) : -1));
    const int64_t classes = logits.size(1);
    const auto y = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()), torch::kLong);
    const auto counts = torch::bincount(y, {}, classes).to(torch::kDouble);
    for (int64_t c = 0; c < classes; ++c)
        if (counts[c].item<double>() == 0)
            throw Error(QStringLiteral("class bias fit: class %1 has no training face").arg(c));
    const auto z = logits.detach().to(torch::kDouble);
    const auto weights = counts.sum() / (double(classes) * counts);
    namespace F = torch::nn::functional;
    const auto options = F::CrossEntropyFuncOptions().weight(weights);
    auto b = torch::zeros({classes}, torch::kDouble).requires_grad_(true);
    // Convex in K unknowns: L-BFGS with a line search converges in a few dozen evaluations, with
    // no learning rate or step count to tune (a hand-written Newton step would do as well).
    torch::optim::LBFGS optimiser({b}, torch::optim::LBFGSOptions(1.0)
                                           .max_iter(200)
                                           .tolerance_grad(1e-10)
                                           .tolerance_change(1e-12)
                                           .line_search_fn("strong_wolfe"));
    auto closure = [&] {
        optimiser.zero_grad();
        auto loss = F::cross_entropy(z + b, y, options);
        loss.backward();
        return loss;
    };
    optimiser.step(closure);
    torch::NoGradGuard noGrad;
    ClassBiasFit fit;
    fit.biases = b.detach().to(torch::kFloat);
    fit.loss = F::cross_entropy(z + b, y, options).item<double>();
    const auto predicted = (z + b).argmax(1);
    for (int64_t i = 0; i < predicted.size(0); ++i) fit.predicted.push_back(int(predicted[i].item<int64_t>()));
    return fit;
}

} // namespace exemplar::learning
