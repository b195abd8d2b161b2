#pragma once
// INTERNAL (includes torch): fitting a linear classifier on fixed inputs in one convex solve, as
// the pretrained backbones' fast fits do (TrainingConfig::backboneFit "class_biases" and
// "linear_head"): class-weighted cross-entropy, so the fit aims at balanced accuracy rather than
// the common classes, with the weights pulled towards where they start.
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace exemplar::learning {

struct LinearFit {
    torch::Tensor weights;      // [K, D]
    torch::Tensor biases;       // [K]
    double loss = 0;            // class-weighted cross-entropy after the fit (without the penalty)
    std::vector<int> predicted; // argmax of x W^T + b, per row
};

// W and b minimising  CE_w(x W^T + b, labels) + penalty * |W - start|^2, the cross-entropy a
// weighted mean over the rows in which every class weighs the same in total, and each row within
// its class in proportion to rowWeights (empty: all alike). An infinite penalty keeps W = start and
// fits the biases alone (start = identity: one bias per class added to given logits). x: [N, D];
// start: [K, D]; labels: N values in [0, K). Throws exemplar::Error when a class has no row or the
// shapes disagree.
LinearFit fitLinear(const torch::Tensor& x, const std::vector<int>& labels, const torch::Tensor& start, double penalty,
                    const std::vector<double>& rowWeights = {});

struct PenaltyChoice {
    double penalty = 0;
    std::vector<double> balancedAccuracy; // pooled over the folds, per candidate
};

// The candidate penalty whose fits score the best balanced accuracy on the rows they did not see,
// pooled over a k-fold split by group (a person's rows all in one fold: the fit is judged on people
// it never saw, as the model will be). Ties go to the stronger penalty. foldOfRow: 0..k-1 per row.
// Candidates are tried in the order given; timeIsUp, when set, is asked before each one after the
// first, and true ends the choice among those tried (balancedAccuracy then holds fewer figures).
PenaltyChoice choosePenaltyByGroupFolds(const torch::Tensor& x, const std::vector<int>& labels,
                                        const std::vector<int>& foldOfRow, const torch::Tensor& start,
                                        const std::vector<double>& candidates,
                                        const std::vector<double>& rowWeights = {},
                                        const std::function<bool()>& timeIsUp = {});

} // namespace exemplar::learning
