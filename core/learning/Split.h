#pragma once
// Train/validation/test split, stratified by class and disjoint by identity: all images of one
// person land in the same part (otherwise the test measures recognising people, not expressions).
// Deterministic for a given seed and sample order, on every platform.
#include "core/catalogue/Types.h"
#include "core/learning/TrainingData.h"

#include <vector>

namespace exemplar::learning {

struct SplitFractions {
    double validation = 0.15;
    double test = 0.15;
};

// One part per sample, same order as `samples`. Samples with label >= classCount (auxiliary
// classes, TrainingData::auxiliaryClassNames) do not steer it: each follows its person's part, or
// goes to training; the others are split exactly as without them.
std::vector<SplitPart> splitByIdentity(const std::vector<TrainingSample>& samples, int classCount,
                                       SplitFractions fractions, quint64 seed);

// The split of `usable` samples, by identity as above, except that the test-only ones
// (TrainingData::testOnly, indexed like the whole data; kept[row] maps a usable row to its index
// there) are the test part whatever it says. Throws naming the file when a person is among the
// test-only faces and the others.
std::vector<SplitPart> splitWithTestOnly(const std::vector<TrainingSample>& usable, const std::vector<int>& kept,
                                         const std::vector<bool>& testOnly, int classCount, SplitFractions fractions,
                                         quint64 seed);

// Fold (0..folds-1) per sample, disjoint by identity (an empty identity is its own person),
// balanced in size and deterministic for a seed. Throws when there are fewer identities than folds.
std::vector<int> identityFolds(const std::vector<TrainingSample>& samples, int folds, quint64 seed);

// Which person each sample is (its identity; an empty identity is a person of its own), and how
// many people there are.
QString personOf(const std::vector<TrainingSample>& samples, size_t index);
int countPeople(const std::vector<TrainingSample>& samples);

// Indices of the samples assigned to `part`.
std::vector<int> indicesOf(const std::vector<SplitPart>& split, SplitPart part);

// "train" / "validation" / "test" (kept here so the engine does not need the catalogue library).
const char* partName(SplitPart part);

} // namespace exemplar::learning
