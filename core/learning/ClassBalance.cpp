#include "core/learning/ClassBalance.h"

#include "core/learning/Random.h"

#include <algorithm>
#include <numeric>

namespace exemplar::learning {

std::vector<int> classCounts(const std::vector<int>& labels, int classCount)
{
    std::vector<int> counts(classCount, 0);
    for (int l : labels)
        if (l >= 0 && l < classCount) ++counts[l];
    return counts;
}

std::vector<double> inverseFrequencyWeights(const std::vector<int>& labels, int classCount)
{
    const auto counts = classCounts(labels, classCount);
    int present = 0;
    for (int c : counts) present += c > 0;
    std::vector<double> w(classCount, 0.0);
    if (labels.empty()) return w;
    // w_c = N / (K * n_c): each class contributes N/K weighted samples, the mean stays 1.
    for (int c = 0; c < classCount; ++c)
        if (counts[c] > 0) w[c] = double(labels.size()) / (double(present) * counts[c]);
    return w;
}

BalancedSampler::BalancedSampler(std::vector<int> labels, int classCount)
{
    std::vector<std::vector<int>> byClass(classCount);
    for (int i = 0; i < int(labels.size()); ++i)
        if (labels[i] >= 0 && labels[i] < classCount) byClass[labels[i]].push_back(i);
    for (auto& members : byClass)
        if (!members.empty()) byClass_.push_back(std::move(members));
}

std::vector<int> BalancedSampler::draw(int count, quint64 seed) const
{
    std::vector<int> out;
    if (byClass_.empty()) return out;
    SplitRng rng(seed);
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        const auto& members = byClass_[rng.below(byClass_.size())];
        out.push_back(members[rng.below(members.size())]);
    }
    return out;
}

std::vector<int> shuffledIndices(int n, quint64 seed)
{
    std::vector<int> v(n);
    std::iota(v.begin(), v.end(), 0);
    SplitRng rng(seed);
    rng.shuffle(v);
    return v;
}

std::vector<int> classesInTurn(const std::vector<int>& labels, int classCount, quint64 seed)
{
    std::vector<std::vector<int>> byClass(size_t(std::max(classCount, 0)) + 1); // the last: other labels
    for (int i = 0; i < int(labels.size()); ++i)
        byClass[labels[i] >= 0 && labels[i] < classCount ? size_t(labels[i]) : byClass.size() - 1].push_back(i);
    SplitRng rng(seed);
    for (size_t c = 0; c + 1 < byClass.size(); ++c) rng.shuffle(byClass[c]);
    std::vector<int> order;
    order.reserve(labels.size());
    for (size_t turn = 0; order.size() + byClass.back().size() < labels.size(); ++turn)
        for (size_t c = 0; c + 1 < byClass.size(); ++c)
            if (turn < byClass[c].size()) order.push_back(byClass[c][turn]);
    order.insert(order.end(), byClass.back().begin(), byClass.back().end());
    return order;
}

} // namespace exemplar::learning
