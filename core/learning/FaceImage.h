#pragma once
// How an image file becomes network input, shared by training and by exported models so both
// see exactly the same pixels: decode with OpenCV, frame the face, resize, grayscale or RGB,
// 8 bits per channel.
//
// Framing (TrainingConfig::face, recorded in the model sidecar's config):
//   whole   - centre square of the whole image (for collections of face crops; no detection)
//   box     - the detected face's crop region (core/imaging/FaceDetector: a tight crop keeps its
//             whole frame, a face in a photo gets the same framing), square around it
//   aligned - like box, but rotated and scaled so the eyes are level at fixed positions
//             (core/imaging/FaceAligner); falls back to box when the eyes are not found
// box/aligned on an image where no face is found fall back to whole, so no image is dropped.
#include "core/imaging/FaceDetector.h"

#include <QJsonObject>
#include <QString>
#include <opencv2/core.hpp>

namespace exemplar {
class FaceDetectorPool;
}

namespace exemplar::learning {

enum class FaceFraming { Whole, Box, Aligned };
QString faceFramingName(FaceFraming framing); // "whole", "box", "aligned"
// Throws exemplar::Error listing the valid names.
FaceFraming faceFramingFromName(const QString& name);
// The framing an exported model was trained with: its sidecar's config "face" (models from before
// face framing existed: whole).
FaceFraming faceFramingOfSidecar(const QJsonObject& sidecar);

// Returns an empty Mat when the file cannot be decoded.
cv::Mat loadFaceImage(const QString& path, int size, bool grayscale);
// Same for an already decoded BGR or grayscale image.
cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale);

// With a framing: Box/Aligned need `detectors` (thread-safe pool); Whole ignores it.
cv::Mat loadFaceImage(const QString& path, int size, bool grayscale, FaceFraming framing,
                      const FaceDetectorPool* detectors);
cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale, FaceFraming framing,
                         const FaceDetectorPool* detectors);
// One known face of a decoded image (predict on a photo with several faces, curator boxes).
// Whole framing is treated as Box here: a face was asked for.
cv::Mat prepareDetectedFace(const cv::Mat& decoded, const DetectedFace& face, int size, bool grayscale,
                            FaceFraming framing);

} // namespace exemplar::learning
