#pragma once
// INTERNAL (includes torch): decodes a list of image files once, in parallel, into one uint8
// tensor [N,C,S,S] kept in memory, so training epochs never decode again.
#include "core/learning/FaceImage.h"
#include "core/util/Cancellation.h"
#include "core/util/Error.h"

#include <QStringList>
#include <opencv2/core.hpp>
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace exemplar::learning {

struct DecodedImages {
    torch::Tensor pixels;     // uint8 [kept.size(), C, S, S]
    std::vector<int> kept;    // indices into the input list that decoded
    std::vector<Issue> issues; // the files that did not
};

// progress(done, total) is called from worker threads, at most every few dozen images.
// framing Box/Aligned detects the face of each image (FaceImage.h) with `detectors`, or with a pool
// of its own when null (loading cascades costs ~50 ms per thread: callers decoding batch after
// batch pass theirs); throws exemplar::Error when the cascades are missing.
DecodedImages decodeImages(const QStringList& paths, int size, bool grayscale,
                           const CancelFlag* cancel = nullptr,
                           const std::function<void(int, int)>& progress = {},
                           FaceFraming framing = FaceFraming::Whole,
                           const FaceDetectorPool* detectors = nullptr,
                           FaceSampling sampling = FaceSampling::Area);

// How many faces of `side` pixels to put through a network at once outside training: 128 at 64 px,
// as many pixels at larger sizes (at least 8). At 224 px, chunks of 128 faces (256 with their mirror
// images) ran faceres validation ~9x slower than chunks of 18 (bench_backbones, Nov 2026).
int64_t facesPerChunk(int64_t side);

// rows[begin, end) as an index tensor for index_select.
torch::Tensor rowsTensor(const std::vector<int>& rows, size_t begin, size_t end);

// One prepared image (from FaceImage) as a [C,S,S] uint8 tensor sharing nothing with the Mat.
torch::Tensor toTensor(const cv::Mat& prepared);

} // namespace exemplar::learning
