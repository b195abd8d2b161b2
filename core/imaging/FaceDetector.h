#pragma once
// Finds faces (and the eyes inside them) with OpenCV's cascades from Debian's opencv-data package.
// Cascades rather than cv::FaceDetectorYN because the latter needs an ONNX model that no Debian
// package ships. Faces are searched on a downscaled copy (speed); eyes on the face region at its
// own resolution (eyes are small in phone photos). A photo that is already a face crop (one face
// filling most of the frame, like faces-dev) keeps its whole frame as the box: the cascade's box is
// tighter than the crop the collection was made with, and re-cropping would throw away the framing
// the curator chose.
#include "core/util/Error.h"

#include <QString>
#include <QStringList>
#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>
#include <optional>
#include <vector>

namespace exemplar {

// Eye centres in image pixels; `left` is the one with the smaller x (the subject's right eye).
struct EyeCentres {
    cv::Point2f left;
    cv::Point2f right;
};

struct DetectedFace {
    // Image pixels. The crop region of the face, framed like a face-crop collection (the cascade's
    // own box, which runs from the eyebrows to the mouth, grown by FaceDetectorOptions::cropMargin);
    // for a tight crop the whole frame.
    cv::Rect box;
    std::optional<EyeCentres> eyes;
    double confidence = 0; // 0..1, from the cascade's neighbour count
};

enum class FaceStatus { TightCrop, Found, Several, None, Failed };
QString faceStatusName(FaceStatus status); // "tight_crop", "found", "several", "none", "failed"
std::optional<FaceStatus> faceStatusFromName(const QString& name);

struct FaceDetection {
    FaceStatus status = FaceStatus::None;
    std::vector<DetectedFace> faces; // largest first; TightCrop: one face, the whole frame
    QString problem;                 // Failed: why
};

struct FaceDetectorOptions {
    int workingSide = 480;           // longest side of the copy faces are searched on
    double minFaceFraction = 0.08;   // smallest face searched, as a fraction of the shorter side
    double tightCropFraction = 0.45; // one face at least this fraction of the width and of the height = a face crop
    bool findEyes = true;
    // Cascade box -> crop region, so that a face found in a photo gets the framing of a face crop
    // (which the tight-crop rule keeps whole). faces-dev crops are framed almost exactly like the
    // cascade's box (a crop pasted at 260 px came back as a 263 px box; bench_faces prints the
    // median as crops_median_frame_to_box), hence 1.
    double cropMargin = 1.0;
};

// The cascade box grown around its centre by `margin`, clipped to the image.
cv::Rect cropRegion(const cv::Rect& cascadeBox, double margin, const cv::Size& imageSize);

// Where the cascade files are looked for, in order: $EXEMPLAR_CASCADE_DIR, then the Debian and
// /usr/local OpenCV data folders.
QStringList cascadeSearchDirs();
// The full path of `fileName` in the first of cascadeSearchDirs() that has it; throws
// exemplar::Error listing every folder searched (and the package to install) when none has it.
QString findCascade(const QString& fileName);

// Not thread-safe (cv::CascadeClassifier keeps per-call state): one per thread, see FaceDetectorPool.
class FaceDetector {
public:
    explicit FaceDetector(const FaceDetectorOptions& options = {}); // throws exemplar::Error
    // `image`: BGR, BGRA or grayscale, any size. Never throws: a failure comes back as Failed.
    FaceDetection detect(const cv::Mat& image) const;
    // Eyes inside `box` of `image` (nullopt when the cascade does not find a plausible pair).
    std::optional<EyeCentres> findEyes(const cv::Mat& gray, const cv::Rect& box) const;
    const FaceDetectorOptions& options() const { return options_; }
    // Recorded with every detection (face_checks.detector) so that results of other detectors can
    // be told apart later.
    static QString name();

private:
    FaceDetectorOptions options_;
    mutable cv::CascadeClassifier faces_;
    mutable cv::CascadeClassifier eyes_;
};

} // namespace exemplar
