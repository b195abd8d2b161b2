#pragma once
// How sure a balanced accuracy is. A test part of a few hundred faces can hold one or two faces of
// a rare class, and each of them then moves the figure by several points; faces of one person are
// not independent either. So the interval resamples people, not faces (a cluster bootstrap): draw
// as many people as were evaluated, with replacement, take all their faces, score; repeat.
#include "core/learning/Metrics.h"

#include <QStringList>
#include <optional>
#include <vector>

namespace exemplar::learning {

struct BootstrapOptions {
    int resamples = 2000;
    double level = 0.95;
    quint64 seed = 20261202; // fixed: the same faces and predictions always give the same interval
};

// Percentile interval of the balanced accuracy (mean recall over the classes present in each
// resample, as computeMetrics) over resampled people. people[i]: who face i is (an empty name is
// a person of their own; when every name is empty the interval says so: facesAsPeople). No
// interval (nullopt) for fewer than two people. Throws exemplar::Error
// when the vectors differ in length or a class index is outside [0, classCount).
std::optional<ScoreInterval> balancedAccuracyInterval(const std::vector<int>& truth, const std::vector<int>& predicted,
                                                      int classCount, const QStringList& people,
                                                      const BootstrapOptions& options = {});

// Interval of balanced accuracy(B) - balanced accuracy(A) when two models judged the same faces,
// each resample scoring both on the same people (a paired bootstrap): whether a change between two
// runs is more than the luck of which people were tested. Same errors as above.
std::optional<ScoreInterval> balancedAccuracyDifferenceInterval(const std::vector<int>& truth,
                                                                const std::vector<int>& predictedA,
                                                                const std::vector<int>& predictedB, int classCount,
                                                                const QStringList& people,
                                                                const BootstrapOptions& options = {});

} // namespace exemplar::learning
