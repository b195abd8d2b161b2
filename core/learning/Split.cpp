#include "core/learning/Split.h"

#include "core/learning/Random.h"
#include "core/util/Error.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>

namespace exemplar::learning {

namespace {

struct Group {
    std::vector<int> members;
    std::vector<int> classCounts;
};

// The split of samples that all belong to the task's classes.
std::vector<SplitPart> splitTaskSamples(const std::vector<TrainingSample>& samples, int classCount,
                                        SplitFractions fractions, quint64 seed)
{
    // Group by identity; images without one are groups of their own.
    std::vector<Group> groups;
    QHash<QString, int> groupOfIdentity;
    for (int i = 0; i < int(samples.size()); ++i) {
        const auto& s = samples[i];
        int g;
        if (s.identity.isEmpty() || !groupOfIdentity.contains(s.identity)) {
            g = int(groups.size());
            groups.push_back({{}, std::vector<int>(classCount, 0)});
            if (!s.identity.isEmpty()) groupOfIdentity.insert(s.identity, g);
        } else {
            g = groupOfIdentity.value(s.identity);
        }
        groups[g].members.push_back(i);
        if (s.label >= 0 && s.label < classCount) ++groups[g].classCounts[s.label];
    }

    // Random order, then big groups first: the greedy placement below balances best when the
    // hard-to-place (large) groups go first and the many singletons fill the gaps.
    std::vector<int> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    SplitRng rng(seed);
    rng.shuffle(order);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return groups[a].members.size() > groups[b].members.size();
    });

    std::vector<int> totals(classCount, 0);
    for (const auto& s : samples)
        if (s.label >= 0 && s.label < classCount) ++totals[s.label];
    const double frac[3] = {1.0 - fractions.validation - fractions.test, fractions.validation,
                            fractions.test};
    std::vector<std::vector<double>> placed(3, std::vector<double>(classCount, 0));

    std::vector<SplitPart> result(samples.size(), SplitPart::Train);
    for (int g : order) {
        // Put the group where its classes are most under target, relative to each class's size,
        // so rare classes steer the choice as much as frequent ones.
        int best = 0;
        double bestScore = -1e300;
        for (int p = 0; p < 3; ++p) {
            if (frac[p] <= 0) continue;
            double score = 0;
            for (int c = 0; c < classCount; ++c) {
                const int n = groups[g].classCounts[c];
                if (n == 0 || totals[c] == 0) continue;
                const double deficit = frac[p] * totals[c] - placed[p][c];
                score += n * deficit / totals[c];
            }
            if (score > bestScore + 1e-12) {
                bestScore = score;
                best = p;
            }
        }
        for (int c = 0; c < classCount; ++c) placed[best][c] += groups[g].classCounts[c];
        for (int i : groups[g].members) result[i] = SplitPart(best);
    }
    return result;
}

} // namespace

std::vector<SplitPart> splitByIdentity(const std::vector<TrainingSample>& samples, int classCount,
                                       SplitFractions fractions, quint64 seed)
{
    // The task's samples alone decide the split, so the held-out faces are the same with or
    // without auxiliary samples. An auxiliary one goes where its person went (a person never
    // straddles the split), or to training when its person has no sample of the task's classes.
    std::vector<TrainingSample> task;
    std::vector<size_t> taskIndex;
    for (size_t i = 0; i < samples.size(); ++i) {
        if (samples[i].label >= classCount) continue;
        task.push_back(samples[i]);
        taskIndex.push_back(i);
    }
    if (task.size() == samples.size()) return splitTaskSamples(samples, classCount, fractions, seed);
    const std::vector<SplitPart> taskSplit = splitTaskSamples(task, classCount, fractions, seed);
    std::vector<SplitPart> result(samples.size(), SplitPart::Train);
    QHash<QString, SplitPart> partOfIdentity;
    for (size_t k = 0; k < task.size(); ++k) {
        result[taskIndex[k]] = taskSplit[k];
        if (!task[k].identity.isEmpty()) partOfIdentity.insert(task[k].identity, taskSplit[k]);
    }
    for (size_t i = 0; i < samples.size(); ++i)
        if (samples[i].label >= classCount)
            result[i] = partOfIdentity.value(samples[i].identity, SplitPart::Train);
    return result;
}

std::vector<int> indicesOf(const std::vector<SplitPart>& split, SplitPart part)
{
    std::vector<int> out;
    for (int i = 0; i < int(split.size()); ++i)
        if (split[i] == part) out.push_back(i);
    return out;
}

const char* partName(SplitPart part)
{
    switch (part) {
    case SplitPart::Train: return "train";
    case SplitPart::Validation: return "validation";
    case SplitPart::Test: return "test";
    }
    return "train";
}

std::vector<int> identityFolds(const std::vector<TrainingSample>& samples, int folds, quint64 seed)
{
    std::map<QString, std::vector<int>> groups; // ordered: the result must not depend on hash order
    for (size_t i = 0; i < samples.size(); ++i) groups[personOf(samples, i)].push_back(int(i));
    if (folds < 2 || int(groups.size()) < folds)
        throw Error(QStringLiteral("cross-validation needs at least %1 people for %1 folds; there are %2")
                        .arg(std::max(2, folds)).arg(groups.size()));
    std::vector<const std::vector<int>*> order;
    for (const auto& g : groups) order.push_back(&g.second);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    // Largest groups first into the currently smallest fold: folds end up nearly equal in size.
    std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
    std::vector<int> fold(samples.size(), 0), sizes(size_t(folds), 0);
    for (const auto* g : order) {
        const int f = int(std::min_element(sizes.begin(), sizes.end()) - sizes.begin());
        for (int i : *g) fold[size_t(i)] = f;
        sizes[size_t(f)] += int(g->size());
    }
    return fold;
}

QString personOf(const std::vector<TrainingSample>& samples, size_t index)
{
    return samples[index].identity.isEmpty() ? QStringLiteral("\x01#%1").arg(index) : samples[index].identity;
}

int countPeople(const std::vector<TrainingSample>& samples)
{
    std::set<QString> people;
    for (size_t i = 0; i < samples.size(); ++i) people.insert(personOf(samples, i));
    return int(people.size());
}

std::vector<SplitPart> splitWithTestOnly(const std::vector<TrainingSample>& usable, const std::vector<int>& kept,
                                         const std::vector<bool>& testOnly, int classCount, SplitFractions fractions,
                                         quint64 seed)
{
    if (testOnly.empty()) return splitByIdentity(usable, classCount, fractions, seed);
    std::vector<TrainingSample> rest;
    std::vector<size_t> restRows;
    QSet<QString> testPeople;
    for (size_t row = 0; row < usable.size(); ++row) {
        if (testOnly[size_t(kept[row])]) {
            if (!usable[row].identity.isEmpty()) testPeople.insert(usable[row].identity); // else a person of its own
        } else {
            rest.push_back(usable[row]);
            restRows.push_back(row);
        }
    }
    std::vector<SplitPart> split(usable.size(), SplitPart::Test);
    const std::vector<SplitPart> restSplit = splitByIdentity(rest, classCount, fractions, seed);
    for (size_t i = 0; i < rest.size(); ++i) {
        if (testPeople.contains(rest[i].identity))
            throw Error(QStringLiteral("%1: %2 is among the test-only faces and the others")
                            .arg(rest[i].path, rest[i].identity));
        split[restRows[i]] = restSplit[i];
    }
    return split;
}

} // namespace exemplar::learning
