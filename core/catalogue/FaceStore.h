#pragma once
// Face boxes kept in the catalogue (tables `face_checks` and `face_boxes`, schema v2): per image, the
// detector's verdict (tight_crop | found | several | none | failed) and its boxes, plus at most one
// box drawn by the curator. Exactly one box of an image may be `chosen`: the face that training and
// prediction use. A new detection never removes a curator box, and a chosen curator box stays chosen.
//
// Uses Catalogue::database(): same one-thread rule as the catalogue. OpenCV-free on purpose (the
// catalogue layer knows Qt types only); core/imaging/FaceDetector converts.
#include "core/catalogue/Catalogue.h"

#include <QDateTime>
#include <QHash>
#include <QPointF>
#include <QRect>
#include <QVector>
#include <optional>

namespace exemplar {

struct FaceBox {
    qint64 id = 0; // 0 until stored
    qint64 imageId = 0;
    QRect box; // image pixels, as displayed (after EXIF orientation)
    std::optional<QPointF> leftEye, rightEye; // eye centres; left = smaller x
    double confidence = 0;
    bool curator = false; // source: curator (drawn by hand) or detector
    bool chosen = false;
};

struct FaceCheck {
    qint64 imageId = 0;
    QString status;   // tight_crop | found | several | none | failed
    QString detector; // name of the detector (or "curator")
    QDateTime checkedAt;
};

// One image's detection, as recordDetections takes it.
struct FaceDetectionRecord {
    qint64 imageId = 0;
    QString status;
    QString detector;
    QVector<FaceBox> boxes; // best first: the first is chosen unless a curator box is
};

class FaceStore {
public:
    static constexpr const char* kUnchecked = "unchecked"; // statusCounts() key for images never checked

    explicit FaceStore(const Catalogue& catalogue);

    // ONE transaction for the whole batch. Per image: the status is replaced, the detector boxes are
    // replaced, curator boxes kept. Throws exemplar::Error for an unknown status or image.
    void recordDetections(const QVector<FaceDetectionRecord>& detections);

    // Replaces the image's curator box with `box` and chooses it; the image's status becomes
    // "found" (by "curator") when the detector had found nothing. Returns the box id.
    qint64 setCuratorBox(qint64 imageId, const QRect& box, std::optional<QPointF> leftEye = {},
                         std::optional<QPointF> rightEye = {});
    void removeCuratorBox(qint64 imageId); // the best detector box (if any) becomes chosen again
    // Makes `boxId` the image's only chosen box. Throws when the box is not one of the image's.
    void chooseBox(qint64 imageId, qint64 boxId);

    std::optional<FaceCheck> check(qint64 imageId) const;
    QVector<FaceBox> boxes(qint64 imageId) const; // chosen first, then curator, then by confidence
    std::optional<FaceBox> chosenBox(qint64 imageId) const;
    QHash<qint64, FaceBox> chosenBoxes() const; // every image that has one (training)
    QVector<qint64> imagesWithStatus(const QString& status) const; // import order
    QVector<qint64> uncheckedImages() const;                       // import order
    QHash<QString, int> statusCounts() const; // status -> images, plus kUnchecked

private:
    const Catalogue& catalogue_;
};

} // namespace exemplar
