#include "core/learning/internal/FoldCacheState.h"

#include "core/learning/internal/BackboneNet.h"

#include <QSet>

namespace exemplar::learning {

FoldCache::FoldCache() : d_(std::make_unique<State>()) {}
FoldCache::~FoldCache() = default;
int FoldCache::facesDecoded() const { return int(d_->pixels.size() + d_->unreadable.size()); }
int FoldCache::facesScored() const { return int(d_->scored.size()); }

namespace {

// The cache serves one setting for its lifetime (one cross-validation); mixing would hand one
// setting's results to another.
void requireSame(QString& recorded, const QString& now, const char* what)
{
    if (recorded.isEmpty()) recorded = now;
    else if (recorded != now)
        throw Error(QStringLiteral("internal error: a fold cache %1 %2 is asked for %3").arg(what, recorded, now));
}

} // namespace

DecodedImages decodeImagesOnce(FoldCache* cache, const QStringList& paths, int size, bool grayscale,
                               const CancelFlag* cancel, FaceFraming framing, FaceSampling sampling)
{
    if (!cache) return decodeImages(paths, size, grayscale, cancel, {}, framing, nullptr, sampling);
    FoldCache::State& s = cache->state();
    requireSame(s.decodedWith,
                QStringLiteral("%1 px %2 framing %3 sampling %4")
                    .arg(size).arg(grayscale ? "grey" : "colour").arg(int(framing)).arg(int(sampling)),
                "decoding");
    QStringList unseen;
    QSet<QString> listed;
    for (const QString& p : paths)
        if (!s.pixels.contains(p) && !s.unreadable.contains(p) && !listed.contains(p)) {
            unseen << p;
            listed.insert(p);
        }
    if (!unseen.isEmpty()) {
        DecodedImages fresh = decodeImages(unseen, size, grayscale, cancel, {}, framing, nullptr, sampling);
        if (cancel && cancel->isCancelled()) return {};
        for (size_t i = 0; i < fresh.kept.size(); ++i)
            s.pixels.insert(unseen[fresh.kept[i]], fresh.pixels[int64_t(i)].clone());
        for (const Issue& issue : fresh.issues) s.unreadable.insert(issue.file, issue);
    }
    DecodedImages out;
    std::vector<torch::Tensor> rows;
    for (int i = 0; i < int(paths.size()); ++i) {
        if (const auto it = s.pixels.constFind(paths[i]); it != s.pixels.cend()) {
            out.kept.push_back(i);
            rows.push_back(*it);
        } else {
            out.issues.push_back(s.unreadable.value(paths[i]));
        }
    }
    out.pixels = rows.empty() ? torch::empty({0, grayscale ? 1 : 3, size, size}, torch::kUInt8) : torch::stack(rows);
    return out;
}

EvaluatedFaces evaluateOnce(FoldCache* cache, BackboneNetImpl& backbone, const QString& scorer,
                            const torch::Tensor& pixels, const std::vector<int>& rows,
                            const std::function<QString(int)>& pathOfRow)
{
    auto evaluate = [&](const std::vector<int64_t>& which) {
        const auto x = pixels.index_select(0, torch::tensor(which, torch::kLong)).to(torch::kFloat).div_(255);
        return backbone.evaluated(x);
    };
    if (!cache) return evaluate(std::vector<int64_t>(rows.begin(), rows.end()));
    FoldCache::State& s = cache->state();
    requireSame(s.scoredWith, scorer, "scoring with");
    std::vector<int64_t> unseen;
    for (int row : rows)
        if (!s.scored.contains(pathOfRow(row))) unseen.push_back(row);
    if (!unseen.empty()) {
        const EvaluatedFaces fresh = evaluate(unseen);
        for (size_t i = 0; i < unseen.size(); ++i) {
            const auto k = int64_t(i);
            s.scored.insert(pathOfRow(int(unseen[i])),
                            {fresh.features[k].clone(), fresh.logits[k].clone(), fresh.embedding[k].clone()});
        }
    }
    std::vector<torch::Tensor> f, z, e;
    for (int row : rows) {
        const EvaluatedFaces& face = s.scored[pathOfRow(row)];
        f.push_back(face.features);
        z.push_back(face.logits);
        e.push_back(face.embedding);
    }
    return {torch::stack(f), torch::stack(z), torch::stack(e)};
}

} // namespace exemplar::learning
