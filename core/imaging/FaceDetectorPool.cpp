#include "core/imaging/FaceDetectorPool.h"

#include <opencv2/imgcodecs.hpp>

#include <cmath>

namespace exemplar {

FaceDetectorPool::FaceDetectorPool(const FaceDetectorOptions& options) : options_(options)
{
    idle_.push_back(std::make_unique<FaceDetector>(options_));
}

std::unique_ptr<FaceDetector> FaceDetectorPool::borrow() const
{
    {
        const std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto d = std::move(idle_.back());
            idle_.pop_back();
            return d;
        }
    }
    return std::make_unique<FaceDetector>(options_); // outside the lock: loading takes a while
}

void FaceDetectorPool::giveBack(std::unique_ptr<FaceDetector> detector) const
{
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(detector));
}

FaceDetection FaceDetectorPool::detect(const cv::Mat& image) const
{
    auto detector = borrow();
    FaceDetection result = detector->detect(image);
    giveBack(std::move(detector));
    return result;
}

FaceDetection FaceDetectorPool::detectEncoded(QByteArrayView fileBytes, const ImageHeader& header) const
{
    // The eye search works on the face region at its own resolution, so keep twice the working
    // size: small faces in big photos still have eyes of a few dozen pixels.
    const int wanted = 2 * options_.workingSide;
    int factor = 1;
    if (header.format == ImageFormat::Jpeg)
        while (factor < 8 && std::max(header.width, header.height) / (factor * 2) >= wanted) factor *= 2;
    static constexpr int kGray[] = {cv::IMREAD_GRAYSCALE, cv::IMREAD_REDUCED_GRAYSCALE_2, cv::IMREAD_REDUCED_GRAYSCALE_4,
                                    cv::IMREAD_REDUCED_GRAYSCALE_8};
    const int mode = kGray[factor == 1 ? 0 : factor == 2 ? 1 : factor == 4 ? 2 : 3];
    cv::Mat decoded;
    try {
        const cv::Mat encoded(1, int(fileBytes.size()), CV_8UC1, const_cast<char*>(fileBytes.data()));
        decoded = cv::imdecode(encoded, mode);
    } catch (const cv::Exception& e) {
        FaceDetection failed;
        failed.status = FaceStatus::Failed;
        failed.problem = QStringLiteral("cannot decode for face detection: %1").arg(QString::fromStdString(e.msg));
        return failed;
    }
    if (decoded.empty()) {
        FaceDetection failed;
        failed.status = FaceStatus::Failed;
        failed.problem = QStringLiteral("cannot decode for face detection");
        return failed;
    }
    // The decoder applies the EXIF orientation: the full size is the decoded one scaled back up.
    const double back = factor == 1 ? 1.0
                                    : double(std::max(header.width, header.height)) / std::max(decoded.cols, decoded.rows);
    const cv::Size full(int(std::lround(decoded.cols * back)), int(std::lround(decoded.rows * back)));
    return scaledDetection(detect(decoded), back, full);
}

FaceDetection scaledDetection(FaceDetection detection, double factor, const cv::Size& fullSize)
{
    if (factor == 1.0) return detection;
    const cv::Rect bounds(0, 0, fullSize.width, fullSize.height);
    for (DetectedFace& f : detection.faces) {
        if (detection.status == FaceStatus::TightCrop) f.box = bounds;
        else
            f.box = cv::Rect(int(std::lround(f.box.x * factor)), int(std::lround(f.box.y * factor)),
                             int(std::lround(f.box.width * factor)), int(std::lround(f.box.height * factor))) & bounds;
        if (f.eyes) {
            f.eyes->left *= float(factor);
            f.eyes->right *= float(factor);
        }
    }
    return detection;
}

} // namespace exemplar
