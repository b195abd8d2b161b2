#pragma once
// INTERNAL (includes torch): what a FoldCache keeps, and the two lookups the trainer makes.
#include "core/learning/FoldCache.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/ImageTensors.h"

#include <QHash>
#include <QString>

namespace exemplar::learning {

struct FoldCache::State {
    // What the cached results depend on besides the file; a second, different use is a bug.
    QString decodedWith, scoredWith;
    QHash<QString, torch::Tensor> pixels; // path -> [C,S,S] uint8
    QHash<QString, Issue> unreadable;
    QHash<QString, EvaluatedFaces> scored; // path -> that face's outputs ([F], [K], [F])
};

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
