#pragma once
// INTERNAL (includes torch): what a FoldCache keeps, and the lookups the trainer makes.
#include "core/learning/FoldCache.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/ImageTensors.h"

#include <QHash>

#include <map>
#include <QString>

namespace exemplar::learning {

// Each face's rows of some outputs, for one setting (what they depend on besides the file).
struct FaceMemo {
    QString setting;
    QHash<QString, std::vector<torch::Tensor>> rows; // path -> one row of each output
};

struct FoldCache::State {
    QString decodedWith; // decoding settings: a second, different use is a bug
    QHash<QString, torch::Tensor> pixels; // path -> [C,S,S] uint8
    QHash<QString, Issue> unreadable;
    FaceMemo scored; // a frozen pretrained model's evaluated features, logits, embedding
    std::map<QString, FaceMemo> taught; // per teacher model (distillation): its logits
};

// compute(rows) gives outputs with one row per face; through `memo` (none: computed for all) only
// the faces it lacks are computed, keyed by `pathOfRow`.
std::vector<torch::Tensor> rowsOnce(FaceMemo* memo, const QString& setting, const std::vector<int>& rows,
                                    const std::function<QString(int)>& pathOfRow,
                                    const std::function<std::vector<torch::Tensor>(const std::vector<int>&)>& compute);

// decodeImages(...) through the cache: only paths it has not seen are decoded. Without a cache,
// decodeImages itself.
DecodedImages decodeImagesOnce(FoldCache* cache, const QStringList& paths, int size, bool grayscale,
                               const CancelFlag* cancel, FaceFraming framing, FaceSampling sampling);

// backbone.evaluated(...) of pixels[rows] through the cache, keyed by `pathOfRow`: only faces it has
// not seen are scored. `scorer` names the model and its views (what the outputs depend on).
EvaluatedFaces evaluateOnce(FoldCache* cache, BackboneNetImpl& backbone, const QString& scorer,
                            const torch::Tensor& pixels, const std::vector<int>& rows,
                            const std::function<QString(int)>& pathOfRow);

} // namespace exemplar::learning
