#pragma once
// Face detectors shared by the threads of a parallel pass (import, detect-faces): a
// cv::CascadeClassifier must not run on two threads at once, and loading one costs ~50 ms, so
// each thread borrows a loaded detector for one image and gives it back.
#include "core/imaging/FaceDetector.h"
#include "core/imaging/ImageProbe.h"

#include <QByteArrayView>
#include <memory>
#include <mutex>
#include <vector>

namespace exemplar {

class FaceDetectorPool {
public:
    // Loads one detector at once so that missing cascades are reported before any work starts
    // (throws exemplar::Error naming the folders searched).
    explicit FaceDetectorPool(const FaceDetectorOptions& options = {});
    FaceDetectorPool(const FaceDetectorPool&) = delete;
    FaceDetectorPool& operator=(const FaceDetectorPool&) = delete;

    // Thread-safe. Detection on the decoded image.
    FaceDetection detect(const cv::Mat& image) const;
    // Thread-safe. Decodes the file bytes (JPEG at a reduced scale that still covers the working
    // size: decoding is most of the cost) and detects; boxes come back in full-size pixels.
    FaceDetection detectEncoded(QByteArrayView fileBytes, const ImageHeader& header) const;

private:
    std::unique_ptr<FaceDetector> borrow() const;
    void giveBack(std::unique_ptr<FaceDetector> detector) const;

    FaceDetectorOptions options_;
    mutable std::mutex mutex_;
    mutable std::vector<std::unique_ptr<FaceDetector>> idle_;
};

// The detection with every box, eye and size multiplied by `factor` (from a reduced decode to the
// full-size image).
FaceDetection scaledDetection(FaceDetection detection, double factor, const cv::Size& fullSize);

} // namespace exemplar
