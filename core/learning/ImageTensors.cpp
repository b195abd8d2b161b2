#include "core/learning/internal/ImageTensors.h"

#include "core/imaging/FaceDetectorPool.h"
#include "core/learning/FaceImage.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <mutex>

namespace exemplar::learning {

torch::Tensor toTensor(const cv::Mat& prepared)
{
    const int c = prepared.channels();
    auto hwc = torch::from_blob(const_cast<uchar*>(prepared.data), {prepared.rows, prepared.cols, c},
                                torch::kUInt8);
    return hwc.permute({2, 0, 1}).contiguous();
}

DecodedImages decodeImages(const QStringList& paths, int size, bool grayscale,
                           const CancelFlag* cancel, const std::function<void(int, int)>& progress,
                           FaceFraming framing, const FaceDetectorPool* detectors, FaceSampling sampling)
{
    std::unique_ptr<FaceDetectorPool> ownDetectors;
    if (framing != FaceFraming::Whole && !detectors) {
        ownDetectors = std::make_unique<FaceDetectorPool>();
        detectors = ownDetectors.get();
    }
    const int n = int(paths.size());
    const int channels = grayscale ? 1 : 3;
    auto all = torch::empty({n, channels, size, size}, torch::kUInt8);
    std::vector<char> ok(n, 0);
    std::atomic<int> done{0};
    std::mutex progressMutex;
    at::parallel_for(0, n, 8, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            if (cancel && cancel->isCancelled()) return;
            const cv::Mat img = loadFaceImage(paths[int(i)], size, grayscale, framing, detectors, sampling);
            if (!img.empty()) {
                all[i].copy_(toTensor(img));
                ok[i] = 1;
            }
            const int d = ++done;
            if (progress && (d % 64 == 0 || d == n)) {
                std::lock_guard lock(progressMutex);
                progress(d, n);
            }
        }
    });
    DecodedImages out;
    for (int i = 0; i < n; ++i) {
        if (ok[i]) out.kept.push_back(i);
        else if (!(cancel && cancel->isCancelled()))
            out.issues.push_back({paths[i], QStringLiteral("cannot be read as an image")});
    }
    if (int(out.kept.size()) == n) {
        out.pixels = all;
    } else {
        auto idx = torch::tensor(std::vector<int64_t>(out.kept.begin(), out.kept.end()), torch::kLong);
        out.pixels = all.index_select(0, idx);
    }
    return out;
}

int64_t facesPerChunk(int64_t side)
{
    return std::clamp<int64_t>(128 * 64 * 64 / std::max<int64_t>(1, side * side), 8, 128);
}

torch::Tensor rowsTensor(const std::vector<int>& rows, size_t begin, size_t end)
{
    std::vector<int64_t> v(rows.begin() + begin, rows.begin() + end);
    return torch::tensor(v, torch::kLong);
}

} // namespace exemplar::learning
