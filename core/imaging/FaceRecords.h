#pragma once
// Between the detector's OpenCV types and the catalogue's Qt types (FaceStore stays OpenCV-free).
#include "core/catalogue/FaceStore.h"
#include "core/imaging/FaceDetector.h"

namespace exemplar {

FaceDetectionRecord toRecord(qint64 imageId, const FaceDetection& detection);
FaceBox toFaceBox(const DetectedFace& face);
DetectedFace toDetectedFace(const FaceBox& box);

} // namespace exemplar
