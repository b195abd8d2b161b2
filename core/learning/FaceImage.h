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
//
// Sampling (recorded in the sidecar's config as "face_sampling"), how the framed face is scaled to
// the network's size:
//   area - OpenCV's area average, after JPEG's own reduced-size decoding (fast; for networks
//          trained here from random weights)
//   tfjs - as the pretrained TF.js face models' own library prepares faces (tfjs/FaceModelInput.h:
//          full-size decoding, TF's legacy bilinear resize, the models' luma weights), for runs
//          built on those models: their features depend on it. The emotion model with class biases
//          on faces-dev's 6 classes: 0.545 mean test balanced accuracy with area, 0.610 with tfjs
//          (ten splits, bench_frozen_heads).
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

enum class FaceSampling { Area, Tfjs };
QString faceSamplingName(FaceSampling sampling); // "area", "tfjs"
// Throws exemplar::Error listing the valid names.
FaceSampling faceSamplingFromName(const QString& name);
// An exported model's sidecar config "face_sampling" (models from before it existed: area).
FaceSampling faceSamplingOfSidecar(const QJsonObject& sidecar);

// Returns an empty Mat when the file cannot be decoded. 8 bits, gray or RGB.
cv::Mat loadFaceImage(const QString& path, int size, bool grayscale, FaceSampling sampling = FaceSampling::Area);
// Same for an already decoded BGR or grayscale image (centre square).
cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale,
                         FaceSampling sampling = FaceSampling::Area);

// With a framing: Box/Aligned need `detectors` (thread-safe pool); Whole ignores it.
cv::Mat loadFaceImage(const QString& path, int size, bool grayscale, FaceFraming framing,
                      const FaceDetectorPool* detectors, FaceSampling sampling = FaceSampling::Area);
cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale, FaceFraming framing,
                         const FaceDetectorPool* detectors, FaceSampling sampling = FaceSampling::Area);
// One known face of a decoded image (predict on a photo with several faces, curator boxes).
// Whole framing is treated as Box here: a face was asked for.
cv::Mat prepareDetectedFace(const cv::Mat& decoded, const DetectedFace& face, int size, bool grayscale,
                            FaceFraming framing, FaceSampling sampling = FaceSampling::Area);
// The framed face of a decoded image before scaling, still BGR/gray as decoded: at `size` for area
// sampling, at the face's own resolution (at least `size`) for tfjs sampling, which then resizes
// it in prepareFaceImage. What predict crops per face, so it matches prepareDetectedFace.
cv::Mat cropDetectedFace(const cv::Mat& decoded, const DetectedFace& face, int size, FaceFraming framing,
                         FaceSampling sampling);

} // namespace exemplar::learning
