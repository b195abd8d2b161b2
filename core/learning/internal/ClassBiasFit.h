#pragma once
// INTERNAL (includes torch): calibrating a fixed classifier to new data by fitting one bias per
// class (TrainingConfig::backboneFit "class_biases").
#include <torch/torch.h>

#include <vector>

namespace exemplar::learning {

struct ClassBiasFit {
    torch::Tensor biases;       // [K], to add to the logits
    double loss = 0;            // class-weighted cross-entropy after the fit
    std::vector<int> predicted; // argmax of logits + biases, per row
};

// The biases b minimising the class-weighted cross-entropy of (logits + b) against labels, each
// class weighted by the inverse of its frequency among the rows (so the fit aims at balanced
// accuracy, not at the common classes). logits: [N, K] floats; labels: N values in [0, K).
// Throws exemplar::Error when a class has no row or the shapes disagree.
ClassBiasFit fitClassBiases(const torch::Tensor& logits, const std::vector<int>& labels);

} // namespace exemplar::learning
