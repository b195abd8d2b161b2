// FaceStore (face_checks / face_boxes) and the alignment geometry, on generated data only: these
// run everywhere, with or without cascades and faces-dev.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"
#include "core/catalogue/FaceStore.h"
#include "core/imaging/FaceAligner.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace exemplar;

namespace {

QVector<qint64> addImages(Catalogue& c, const QString& dir, int n)
{
    const qint64 root = c.ensureRoot(dir);
    std::vector<NewImage> images;
    for (int i = 0; i < n; ++i) {
        NewImage img;
        img.rootId = root;
        img.relativePath = QStringLiteral("img%1.jpg").arg(i);
        img.contentHash = QByteArray::number(i).rightJustified(64, '0');
        img.width = 800;
        img.height = 600;
        images.push_back(img);
    }
    QVector<qint64> ids;
    for (const auto& r : c.addImages(images)) ids.append(r.imageId);
    return ids;
}

FaceBox box(int x, int y, int w, int h, double confidence)
{
    FaceBox b;
    b.box = QRect(x, y, w, h);
    b.confidence = confidence;
    return b;
}

// Centroid of the pixels brighter than `threshold` in the given half (left/right) of a gray image.
cv::Point2d brightCentroid(const cv::Mat& gray, bool leftHalf, int threshold = 128)
{
    double sx = 0, sy = 0, n = 0;
    for (int y = 0; y < gray.rows; ++y)
        for (int x = leftHalf ? 0 : gray.cols / 2; x < (leftHalf ? gray.cols / 2 : gray.cols); ++x)
            if (gray.at<uchar>(y, x) > threshold) {
                sx += x;
                sy += y;
                ++n;
            }
    return n > 0 ? cv::Point2d(sx / n, sy / n) : cv::Point2d(-1, -1);
}

} // namespace

class TestFaceStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recordsStatusesBoxesAndCounts()
    {
        QTemporaryDir dir;
        auto c = Catalogue::open(dir.filePath("c.exemplar"));
        const auto ids = addImages(c, dir.path(), 4);
        FaceStore store(c);
        QCOMPARE(store.statusCounts().value(FaceStore::kUnchecked), 4);

        FaceDetectionRecord two{ids[0], "several", "test", {box(10, 10, 100, 120, 0.9), box(300, 50, 80, 90, 0.5)}};
        two.boxes[0].leftEye = QPointF(40, 50);
        two.boxes[0].rightEye = QPointF(80, 52);
        FaceDetectionRecord none{ids[1], "none", "test", {}};
        FaceDetectionRecord crop{ids[2], "tight_crop", "test", {box(0, 0, 800, 600, 0.7)}};
        store.recordDetections({two, none, crop});

        const auto counts = store.statusCounts();
        QCOMPARE(counts.value("several"), 1);
        QCOMPARE(counts.value("none"), 1);
        QCOMPARE(counts.value("tight_crop"), 1);
        QCOMPARE(counts.value(FaceStore::kUnchecked), 1);
        QCOMPARE(store.uncheckedImages(), QVector<qint64>{ids[3]});
        QCOMPARE(store.imagesWithStatus("none"), QVector<qint64>{ids[1]});
        ImageQuery noFaceOrUnchecked; // the gallery's face filter
        noFaceOrUnchecked.faceStatuses = {"none", "unchecked"};
        QCOMPARE(c.findImages(noFaceOrUnchecked), (QVector<qint64>{ids[1], ids[3]}));
        noFaceOrUnchecked.faceStatuses = {"several"};
        QCOMPARE(c.findImages(noFaceOrUnchecked), QVector<qint64>{ids[0]});
        QCOMPARE(store.check(ids[0])->status, QString("several"));
        QCOMPARE(store.check(ids[0])->detector, QString("test"));
        QVERIFY(!store.check(ids[3]));

        const auto boxes = store.boxes(ids[0]);
        QCOMPARE(boxes.size(), 2);
        QVERIFY(boxes[0].chosen); // the first (best) detector box is chosen
        QCOMPARE(boxes[0].box, QRect(10, 10, 100, 120));
        QCOMPARE(*boxes[0].leftEye, QPointF(40, 50));
        QCOMPARE(*boxes[0].rightEye, QPointF(80, 52));
        QVERIFY(!boxes[1].chosen && !boxes[1].leftEye);
        QVERIFY(!store.chosenBox(ids[1]));
        QCOMPARE(store.chosenBoxes().size(), 2);

        store.chooseBox(ids[0], boxes[1].id);
        QCOMPARE(store.chosenBox(ids[0])->box, QRect(300, 50, 80, 90));
        QVERIFY_THROWS_EXCEPTION(Error, store.chooseBox(ids[1], boxes[0].id)); // not that image's box
    }

    void curatorBoxSurvivesRedetectionAndFixesNoFace()
    {
        QTemporaryDir dir;
        auto c = Catalogue::open(dir.filePath("c.exemplar"));
        const auto ids = addImages(c, dir.path(), 2);
        FaceStore store(c);
        store.recordDetections({{ids[0], "none", "test", {}}, {ids[1], "found", "test", {box(5, 5, 50, 50, 0.4)}}});

        const qint64 drawn = store.setCuratorBox(ids[0], QRect(100, 100, 200, 220));
        QCOMPARE(store.chosenBox(ids[0])->id, drawn);
        QVERIFY(store.chosenBox(ids[0])->curator);
        QCOMPARE(store.check(ids[0])->status, QString("found")); // no longer flagged
        QCOMPARE(store.check(ids[0])->detector, QString("curator"));

        // A new detection replaces detector boxes only; the chosen curator box stays chosen.
        store.setCuratorBox(ids[1], QRect(1, 2, 30, 40));
        store.recordDetections({{ids[1], "found", "test2", {box(6, 6, 60, 60, 0.8)}}});
        auto boxes = store.boxes(ids[1]);
        QCOMPARE(boxes.size(), 2);
        QVERIFY(boxes[0].curator && boxes[0].chosen);
        QCOMPARE(boxes[1].box, QRect(6, 6, 60, 60));
        QVERIFY(!boxes[1].chosen);

        store.removeCuratorBox(ids[1]); // the detector's box takes over
        boxes = store.boxes(ids[1]);
        QCOMPARE(boxes.size(), 1);
        QVERIFY(boxes[0].chosen && !boxes[0].curator);

        QVERIFY_THROWS_EXCEPTION(Error, store.setCuratorBox(ids[1], QRect(0, 0, 0, 10)));
        QVERIFY_THROWS_EXCEPTION(Error, store.recordDetections({{ids[1], "maybe", "x", {}}}));
        QVERIFY_THROWS_EXCEPTION(Error, store.recordDetections({{999999, "none", "x", {}}}));
    }

    void deletingAnImageDeletesItsFaces()
    {
        QTemporaryDir dir;
        auto c = Catalogue::open(dir.filePath("c.exemplar"));
        const auto ids = addImages(c, dir.path(), 1);
        FaceStore store(c);
        store.recordDetections({{ids[0], "found", "test", {box(5, 5, 50, 50, 0.4)}}});
        c.database().exec("DELETE FROM images");
        QVERIFY(store.boxes(ids[0]).isEmpty());
        QVERIFY(!store.check(ids[0]));
    }

    void alignmentPutsEyesLevelAtTheirPlaces_data()
    {
        QTest::addColumn<double>("degrees");
        QTest::addColumn<double>("eyeDistance");
        QTest::newRow("level") << 0.0 << 120.0;
        QTest::newRow("tilted 20") << 20.0 << 90.0;
        QTest::newRow("tilted -35, small") << -35.0 << 40.0;
    }

    void alignmentPutsEyesLevelAtTheirPlaces()
    {
        QFETCH(double, degrees);
        QFETCH(double, eyeDistance);
        // Two bright discs ("eyes") on a dark photo, at a known tilt and distance.
        cv::Mat photo(900, 1200, CV_8UC1, cv::Scalar(30));
        const cv::Point2d mid(610, 420);
        const double a = degrees * CV_PI / 180;
        const cv::Point2d half(std::cos(a) * eyeDistance / 2, std::sin(a) * eyeDistance / 2);
        const cv::Point2d l = mid - half, r = mid + half;
        cv::circle(photo, cv::Point(int(std::lround(l.x)), int(std::lround(l.y))), int(eyeDistance / 10), cv::Scalar(255), -1);
        cv::circle(photo, cv::Point(int(std::lround(r.x)), int(std::lround(r.y))), int(eyeDistance / 10), cv::Scalar(255), -1);
        const EyeCentres eyes{cv::Point2f(float(l.x), float(l.y)), cv::Point2f(float(r.x), float(r.y))};

        const int side = 128;
        const AlignmentGeometry g;
        const cv::Mat aligned = cropFace(photo, cv::Rect(500, 300, 220, 260), eyes, side, true, g);
        QCOMPARE(aligned.size(), cv::Size(side, side));
        QCOMPARE(aligned.type(), photo.type());
        const cv::Point2d gotL = brightCentroid(aligned, true), gotR = brightCentroid(aligned, false);
        QVERIFY2(std::abs(gotL.x - g.leftEyeX * side) < 1.5 && std::abs(gotL.y - g.eyeY * side) < 1.5,
                 qPrintable(QString("left eye at %1,%2").arg(gotL.x).arg(gotL.y)));
        QVERIFY2(std::abs(gotR.x - g.rightEyeX * side) < 1.5 && std::abs(gotR.y - g.eyeY * side) < 1.5,
                 qPrintable(QString("right eye at %1,%2").arg(gotR.x).arg(gotR.y)));

        // Without alignment (or without eyes): the square around the box, eyes where the box had them.
        const cv::Rect faceBox(500, 300, 220, 260);
        const cv::Mat boxed = cropFace(photo, faceBox, std::nullopt, side, true, g);
        const cv::Rect2d sq = squareAround(faceBox);
        const cv::Point2d expectL((l.x - sq.x) * side / sq.width, (l.y - sq.y) * side / sq.height);
        const cv::Point2d boxL = brightCentroid(boxed, true);
        QVERIFY2(std::hypot(boxL.x - expectL.x, boxL.y - expectL.y) < 1.5,
                 qPrintable(QString("box crop: left eye at %1,%2, expected %3,%4").arg(boxL.x).arg(boxL.y).arg(expectL.x).arg(expectL.y)));
    }

    void cropNearTheBorderReplicatesInsteadOfBlack()
    {
        cv::Mat photo(200, 300, CV_8UC3, cv::Scalar(90, 120, 200));
        const cv::Mat crop = cropFace(photo, cv::Rect(250, 150, 100, 100), std::nullopt, 64, false);
        QCOMPARE(crop.size(), cv::Size(64, 64));
        const cv::Vec3b corner = crop.at<cv::Vec3b>(63, 63);
        QCOMPARE(int(corner[0]), 90);
        QCOMPARE(int(corner[2]), 200);
    }
};

QTEST_GUILESS_MAIN(TestFaceStore)
#include "test_face_store.moc"
