#include "core/learning/PeopleBootstrap.h"

#include "core/learning/Random.h"
#include "core/util/Error.h"

#include <QHash>
#include <algorithm>
#include <cmath>
#include <functional>

namespace exemplar::learning {

namespace {

// Hand-written: no Debian-packaged C++ library does a cluster bootstrap, and it is a few lines
// once each person is reduced to counts: per class, [faces, right by predictor 0, right by 1, ...].
std::optional<ScoreInterval> bootstrap(const std::vector<int>& truth, const std::vector<const std::vector<int>*>& predicted,
                                       int classCount, const QStringList& people, const BootstrapOptions& options,
                                       const std::function<double(const std::vector<double>&)>& statistic)
{
    for (const auto* p : predicted)
        if (p->size() != truth.size())
            throw Error(QStringLiteral("metrics interval: %1 true labels but %2 predictions").arg(truth.size()).arg(p->size()));
    if (truth.size() != size_t(people.size()))
        throw Error(QStringLiteral("metrics interval: %1 true labels but %2 people").arg(truth.size()).arg(people.size()));
    const size_t stride = 1 + predicted.size();
    QHash<QString, int> personIndex;
    std::vector<std::vector<int>> counts;
    for (size_t i = 0; i < truth.size(); ++i) {
        const int t = truth[i];
        bool inRange = t >= 0 && t < classCount;
        for (const auto* pr : predicted) inRange = inRange && (*pr)[i] >= 0 && (*pr)[i] < classCount;
        if (!inRange)
            throw Error(QStringLiteral("metrics interval: face %1 has a class index outside the %2 classes")
                            .arg(i)
                            .arg(classCount));
        int p = int(counts.size());
        if (!people[int(i)].isEmpty()) { // an empty name is a person of their own
            const auto it = personIndex.constFind(people[int(i)]);
            if (it != personIndex.constEnd()) p = it.value();
            else personIndex.insert(people[int(i)], p);
        }
        if (p == int(counts.size())) counts.emplace_back(size_t(classCount) * stride, 0);
        auto* c = counts[size_t(p)].data() + size_t(t) * stride;
        ++c[0];
        for (size_t k = 0; k < predicted.size(); ++k) c[1 + k] += (*predicted[k])[i] == t;
    }
    const int n = int(counts.size());
    if (n < 2 || options.resamples < 1) return std::nullopt;

    SplitRng rng(options.seed);
    std::vector<double> values;
    values.reserve(size_t(options.resamples));
    std::vector<int> sum(size_t(classCount) * stride);
    std::vector<double> scores(predicted.size());
    for (int r = 0; r < options.resamples; ++r) {
        std::fill(sum.begin(), sum.end(), 0);
        for (int k = 0; k < n; ++k) {
            const auto& person = counts[size_t(rng.below(quint64(n)))];
            for (size_t j = 0; j < sum.size(); ++j) sum[j] += person[j];
        }
        // Balanced accuracy as computeMetrics: mean recall over the classes present.
        std::fill(scores.begin(), scores.end(), 0.0);
        int present = 0;
        for (int c = 0; c < classCount; ++c) {
            const int* s = sum.data() + size_t(c) * stride;
            if (s[0] == 0) continue;
            ++present;
            for (size_t k = 0; k < predicted.size(); ++k) scores[k] += double(s[1 + k]) / s[0];
        }
        for (double& s : scores) s = present ? s / present : 0.0;
        values.push_back(statistic(scores));
    }
    std::sort(values.begin(), values.end());
    const auto quantile = [&](double q) {
        return values[size_t(std::lround(std::clamp(q, 0.0, 1.0) * double(values.size() - 1)))];
    };
    const double tail = (1.0 - options.level) / 2;
    return ScoreInterval{quantile(tail), quantile(1.0 - tail), options.level, n, options.resamples, personIndex.isEmpty()};
}

} // namespace

std::optional<ScoreInterval> balancedAccuracyInterval(const std::vector<int>& truth, const std::vector<int>& predicted,
                                                      int classCount, const QStringList& people,
                                                      const BootstrapOptions& options)
{
    return bootstrap(truth, {&predicted}, classCount, people, options, [](const std::vector<double>& s) { return s[0]; });
}

std::optional<ScoreInterval> balancedAccuracyDifferenceInterval(const std::vector<int>& truth,
                                                                const std::vector<int>& predictedA,
                                                                const std::vector<int>& predictedB, int classCount,
                                                                const QStringList& people,
                                                                const BootstrapOptions& options)
{
    return bootstrap(truth, {&predictedA, &predictedB}, classCount, people, options,
                     [](const std::vector<double>& s) { return s[1] - s[0]; });
}

} // namespace exemplar::learning
