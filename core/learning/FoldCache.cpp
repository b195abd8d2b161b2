#include "core/learning/internal/FoldCacheState.h"

#include "core/learning/internal/BackboneNet.h"

#include <QSet>

namespace exemplar::learning {

FoldCache::FoldCache() : d_(std::make_unique<State>()) {}
FoldCache::~FoldCache() = default;
int FoldCache::facesDecoded() const { return int(d_->pixels.size() + d_->unreadable.size()); }
int FoldCache::facesScored() const { return int(d_->scored.rows.size()); }
int FoldCache::facesTaught() const
{
    int n = 0;
    for (const auto& [model, memo] : d_->taught) n += int(memo.rows.size());
    return n;
}

namespace {

// The cache serves one setting for its lifetime (one cross-validation); mixing would hand one
// setting's results to another.
void requireSame(QString& recorded, const QString& now, const char* what)
{
    if (recorded.isEmpty()) recorded = now;
    else if (recorded != now)
        throw Error(QStringLiteral("internal error: a fold cache kept %1 %2 is asked for %3").arg(what, recorded, now));
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
                "decoded at");
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

std::vector<torch::Tensor> rowsOnce(FaceMemo* memo, const QString& setting, const std::vector<int>& rows,
                                    const std::function<QString(int)>& pathOfRow,
                                    const std::function<std::vector<torch::Tensor>(const std::vector<int>&)>& compute)
{
    if (!memo) return compute(rows);
    requireSame(memo->setting, setting, "for");
    std::vector<int> unseen;
    for (int row : rows)
        if (!memo->rows.contains(pathOfRow(row))) unseen.push_back(row);
    if (!unseen.empty()) {
        const std::vector<torch::Tensor> fresh = compute(unseen);
        for (size_t i = 0; i < unseen.size(); ++i) {
            std::vector<torch::Tensor> face;
            for (const auto& output : fresh) face.push_back(output[int64_t(i)].clone());
            memo->rows.insert(pathOfRow(unseen[i]), std::move(face));
        }
    }
    std::vector<std::vector<torch::Tensor>> outputs;
    for (int row : rows) {
        const std::vector<torch::Tensor>& face = memo->rows[pathOfRow(row)];
        outputs.resize(face.size());
        for (size_t k = 0; k < face.size(); ++k) outputs[k].push_back(face[k]);
    }
    std::vector<torch::Tensor> stacked;
    for (const auto& o : outputs) stacked.push_back(torch::stack(o));
    return stacked;
}

EvaluatedFaces evaluateOnce(FoldCache* cache, BackboneNetImpl& backbone, const QString& scorer,
                            const torch::Tensor& pixels, const std::vector<int>& rows,
                            const std::function<QString(int)>& pathOfRow)
{
    const auto out = rowsOnce(cache ? &cache->state().scored : nullptr, scorer, rows, pathOfRow,
                              [&](const std::vector<int>& which) {
                                  const std::vector<int64_t> index(which.begin(), which.end());
                                  const auto x = pixels.index_select(0, torch::tensor(index, torch::kLong))
                                                     .to(torch::kFloat)
                                                     .div_(255);
                                  const EvaluatedFaces faces = backbone.evaluated(x);
                                  return std::vector<torch::Tensor>{faces.features, faces.logits, faces.embedding};
                              });
    return {out[0], out[1], out[2]};
}

} // namespace exemplar::learning
