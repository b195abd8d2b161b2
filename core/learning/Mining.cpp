#include "core/learning/Mining.h"

#include "core/util/Error.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <functional>
#include <cmath>

namespace exemplar::learning {

QString miningModeName(MiningMode mode)
{
    switch (mode) {
    case MiningMode::Likely: return QStringLiteral("likely");
    case MiningMode::Uncertain: return QStringLiteral("uncertain");
    case MiningMode::Different: return QStringLiteral("different");
    }
    return {};
}

std::optional<MiningMode> miningModeFromName(const QString& name)
{
    for (MiningMode m : {MiningMode::Likely, MiningMode::Uncertain, MiningMode::Different})
        if (miningModeName(m) == name) return m;
    return std::nullopt;
}

namespace {

bool isCandidate(const QSet<qint64>& candidates, qint64 id) { return candidates.isEmpty() || candidates.contains(id); }

RankedImage ranked(const ImageScore& s, double score)
{
    RankedImage r;
    r.imageId = s.imageId;
    r.score = score;
    const auto top = std::max_element(s.probabilities.cbegin(), s.probabilities.cend());
    if (top != s.probabilities.cend()) {
        r.predicted = int(top - s.probabilities.cbegin());
        r.confidence = *top;
    }
    return r;
}

void sortRanking(std::vector<RankedImage>& ranking, bool descending)
{
    std::sort(ranking.begin(), ranking.end(), [descending](const RankedImage& a, const RankedImage& b) {
        if (a.score != b.score) return descending ? a.score > b.score : a.score < b.score;
        return a.imageId < b.imageId;
    });
}

const QVector<float>& vectorOf(const ImageScore& s) { return s.embedding.isEmpty() ? s.probabilities : s.embedding; }

// Rows of L2-normalised vectors; all rows must have the same length (one scoring, one model).
cv::Mat normalisedRows(const std::vector<const ImageScore*>& items)
{
    if (items.empty()) return {};
    const int dim = int(vectorOf(*items.front()).size());
    cv::Mat m(int(items.size()), dim, CV_32F);
    for (int i = 0; i < m.rows; ++i) {
        const QVector<float>& v = vectorOf(*items[size_t(i)]);
        if (v.size() != dim)
            throw Error(QStringLiteral("image %1: its score has %2 values where the others have %3")
                            .arg(items[size_t(i)]->imageId).arg(v.size()).arg(dim));
        cv::Mat row = m.row(i);
        std::copy(v.cbegin(), v.cend(), row.ptr<float>());
        const double n = cv::norm(row);
        if (n > 0) row /= n;
    }
    return m;
}

} // namespace

std::vector<RankedImage> rankMostLikely(const QVector<ImageScore>& scores, int classIndex, const QSet<qint64>& candidates)
{
    std::vector<RankedImage> out;
    for (const ImageScore& s : scores) {
        if (!isCandidate(candidates, s.imageId)) continue;
        if (classIndex < 0 || classIndex >= s.probabilities.size())
            throw Error(QStringLiteral("image %1: no probability for class index %2").arg(s.imageId).arg(classIndex));
        out.push_back(ranked(s, s.probabilities[classIndex]));
    }
    sortRanking(out, true);
    return out;
}

std::vector<RankedImage> rankMostUncertain(const QVector<ImageScore>& scores, const QSet<qint64>& candidates)
{
    std::vector<RankedImage> out;
    for (const ImageScore& s : scores) {
        if (!isCandidate(candidates, s.imageId) || s.probabilities.size() < 2) continue;
        QVector<float> p = s.probabilities;
        std::partial_sort(p.begin(), p.begin() + 2, p.end(), std::greater<float>());
        out.push_back(ranked(s, double(p[0]) - double(p[1])));
    }
    sortRanking(out, false);
    return out;
}

std::vector<RankedImage> rankMostDifferent(const QVector<ImageScore>& scores, const QSet<qint64>& labelled,
                                           const QSet<qint64>& candidates, int k)
{
    std::vector<const ImageScore*> anchors, queries;
    for (const ImageScore& s : scores) {
        if (labelled.contains(s.imageId)) anchors.push_back(&s);
        if (isCandidate(candidates, s.imageId)) queries.push_back(&s);
    }
    if (anchors.empty()) throw Error(QStringLiteral("no labelled image is scored: nothing to compare with"));
    if (queries.empty()) return {};
    const cv::Mat a = normalisedRows(anchors), q = normalisedRows(queries);
    if (a.cols != q.cols) throw Error(QStringLiteral("labelled and candidate scores differ in length"));
    // One extra neighbour so that a labelled candidate can skip itself.
    const int want = std::min(std::max(1, k) + 1, a.rows);
    cv::Mat dist, nidx;
    cv::batchDistance(q, a, dist, CV_32F, nidx, cv::NORM_L2, want);
    std::vector<RankedImage> out;
    out.reserve(queries.size());
    for (int i = 0; i < q.rows; ++i) {
        double sum = 0;
        int used = 0;
        for (int j = 0; j < want && used < std::max(1, k); ++j) {
            const int n = nidx.at<int>(i, j);
            if (n < 0 || anchors[size_t(n)]->imageId == queries[size_t(i)]->imageId) continue;
            sum += dist.at<float>(i, j);
            ++used;
        }
        out.push_back(ranked(*queries[size_t(i)], used ? sum / used : 0.0));
    }
    sortRanking(out, true);
    return out;
}

std::vector<RankedImage> rankNearDuplicates(const QVector<ImageScore>& scores, qint64 imageId, int top)
{
    const ImageScore* self = nullptr;
    std::vector<const ImageScore*> others;
    for (const ImageScore& s : scores) {
        if (s.imageId == imageId) self = &s;
        else others.push_back(&s);
    }
    if (!self) throw Error(QStringLiteral("image %1 has no score: score the catalogue first").arg(imageId));
    if (others.empty()) return {};
    const cv::Mat q = normalisedRows({self}), a = normalisedRows(others);
    cv::Mat dist;
    cv::batchDistance(q, a, dist, CV_32F, cv::noArray(), cv::NORM_L2, 0);
    std::vector<RankedImage> out;
    out.reserve(others.size());
    for (int j = 0; j < a.rows; ++j) out.push_back(ranked(*others[size_t(j)], dist.at<float>(0, j)));
    sortRanking(out, false);
    if (top > 0 && int(out.size()) > top) out.resize(size_t(top));
    return out;
}

std::vector<DisputedLabel> rankDisputedLabels(const QVector<ImageScore>& scores, const QHash<qint64, int>& labelIndex)
{
    std::vector<DisputedLabel> out;
    for (const ImageScore& s : scores) {
        const auto it = labelIndex.constFind(s.imageId);
        if (it == labelIndex.cend() || *it < 0 || *it >= s.probabilities.size()) continue;
        const RankedImage r = ranked(s, 0);
        DisputedLabel d;
        d.imageId = s.imageId;
        d.labelIndex = *it;
        d.predicted = r.predicted;
        d.predictedProbability = r.confidence;
        d.labelProbability = s.probabilities[*it];
        d.score = 1.0 - double(d.labelProbability);
        out.push_back(d);
    }
    std::sort(out.begin(), out.end(), [](const DisputedLabel& a, const DisputedLabel& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.imageId < b.imageId;
    });
    return out;
}

Metrics crossValidatedMetrics(const std::vector<DisputedLabel>& labelled, const QStringList& classes,
                              const QHash<qint64, QString>& personOfImage)
{
    std::vector<int> truth, predicted;
    QStringList people;
    for (const DisputedLabel& d : labelled) {
        truth.push_back(d.labelIndex);
        predicted.push_back(d.predicted);
        people << personOfImage.value(d.imageId);
    }
    return computeMetrics(truth, predicted, classes, people);
}

QVector<qint64> rankedIds(const std::vector<RankedImage>& ranking, int top)
{
    QVector<qint64> ids;
    for (const auto& r : ranking) {
        if (top > 0 && ids.size() >= top) break;
        ids << r.imageId;
    }
    return ids;
}

} // namespace exemplar::learning
