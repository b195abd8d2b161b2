#pragma once
// Counter-measures for imbalanced classes: loss weights and a class-balanced sampler.
#include <QtGlobal>
#include <vector>

namespace exemplar::learning {

std::vector<int> classCounts(const std::vector<int>& labels, int classCount);

// Inverse-frequency weights, scaled so that the weighted mean over the samples is 1 (the loss
// keeps its usual scale). Classes without samples get weight 0.
std::vector<double> inverseFrequencyWeights(const std::vector<int>& labels, int classCount);

// Draws epochs in which every class is equally likely: pick a class uniformly (among those with
// samples), then one of its samples uniformly. Rare images repeat, frequent ones are subsampled;
// augmentation makes the repeats differ.
class BalancedSampler {
public:
    BalancedSampler(std::vector<int> labels, int classCount);
    // `count` positions into `labels`, deterministic for (seed).
    std::vector<int> draw(int count, quint64 seed) const;

private:
    std::vector<std::vector<int>> byClass_; // non-empty classes only
};

// A plain shuffled permutation of 0..n-1, deterministic for (seed).
std::vector<int> shuffledIndices(int n, quint64 seed);

// Every position of `labels` once, the classes taking turns (each class's positions in a seeded
// shuffle; a class that runs out drops out of the turns), so that any prefix is as balanced over
// the classes as the data allows and holds all of a rare class early. Positions whose label is
// outside 0..classCount-1 come last. The order in which a time-limited one-pass fit scores faces.
std::vector<int> classesInTurn(const std::vector<int>& labels, int classCount, quint64 seed);

} // namespace exemplar::learning
