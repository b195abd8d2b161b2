#include "core/imaging/FaceRecords.h"

namespace exemplar {

FaceBox toFaceBox(const DetectedFace& face)
{
    FaceBox b;
    b.box = QRect(face.box.x, face.box.y, face.box.width, face.box.height);
    if (face.eyes) {
        b.leftEye = QPointF(face.eyes->left.x, face.eyes->left.y);
        b.rightEye = QPointF(face.eyes->right.x, face.eyes->right.y);
    }
    b.confidence = face.confidence;
    return b;
}

DetectedFace toDetectedFace(const FaceBox& box)
{
    DetectedFace f;
    f.box = cv::Rect(box.box.x(), box.box.y(), box.box.width(), box.box.height());
    if (box.leftEye && box.rightEye)
        f.eyes = EyeCentres{cv::Point2f(float(box.leftEye->x()), float(box.leftEye->y())),
                            cv::Point2f(float(box.rightEye->x()), float(box.rightEye->y()))};
    f.confidence = box.confidence;
    return f;
}

FaceDetectionRecord toRecord(qint64 imageId, const FaceDetection& detection)
{
    FaceDetectionRecord r;
    r.imageId = imageId;
    r.status = faceStatusName(detection.status);
    r.detector = FaceDetector::name();
    for (const DetectedFace& f : detection.faces) r.boxes.append(toFaceBox(f));
    return r;
}

} // namespace exemplar
