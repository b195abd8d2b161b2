#pragma once
// INTERNAL (includes torch): an exponential moving average of a network's weights, the weights
// the trainer validates, keeps and exports. On a few thousand faces the live weights swing from
// epoch to epoch (validation accuracy 0.89 one epoch, 0.50 the next, as the decision boundary
// between classes moves), so early stopping picked a lucky epoch; the average is both steadier and
// usually better. Batch-norm statistics are averaged with the parameters.
#include <torch/torch.h>

#include <QString>

namespace exemplar::learning {

class WeightAverage {
public:
    // `horizonSteps`: how many optimiser steps the average spans (decay = 1 - 1/horizon).
    WeightAverage(torch::nn::Module& net, double horizonSteps);

    // After every optimiser step. Early on the decay is smaller (TF's ExponentialMovingAverage
    // num_updates rule), so the average does not remember the random initial weights.
    void update();

    // While the returned object lives the network holds the averaged weights; then its own again.
    class Swap {
    public:
        explicit Swap(WeightAverage& average);
        ~Swap();
        Swap(const Swap&) = delete;
        Swap& operator=(const Swap&) = delete;
    private:
        WeightAverage& average_;
        std::vector<torch::Tensor> live_;
    };
    [[nodiscard]] Swap swapIn() { return Swap(*this); }

    // Starts the average again from the network's current weights.
    void reset();

    // With the checkpoint, so a resumed run continues the same average. Throws exemplar::Error.
    void save(const QString& path) const;
    void load(const QString& path);

private:
    std::vector<torch::Tensor> targets_; // the network's floating-point parameters and buffers
    std::vector<torch::Tensor> average_;
    double decay_;
    int64_t updates_ = 0;
};

} // namespace exemplar::learning
