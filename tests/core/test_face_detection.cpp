// FaceDetector, import with detection and the detect-faces pass. Real cascades do not fire on
// drawn cartoons, so the tests that need a face paste faces-dev crops at known places on larger
// generated canvases (and skip with a message without faces-dev); the no-face, missing-cascade and
// "no image lost" tests run on generated data everywhere.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/FaceStore.h"
#include "core/imaging/FaceAligner.h"
#include "core/imaging/FaceDetectionPass.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/import/Importers.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

using namespace exemplar;

namespace {

// Faces-dev crops on which the detector finds the face and both eyes (checked once, so that the
// tests below measure placement, not the cascade's recall).
QStringList reliableFaces(const QString& facesDev, int wanted)
{
    const FaceDetector detector;
    QStringList out;
    const QDir images(facesDev + "/images");
    for (const QString& f : images.entryList({"*.jpg"}, QDir::Files, QDir::Name)) {
        const cv::Mat img = cv::imread(images.filePath(f).toStdString(), cv::IMREAD_COLOR);
        const FaceDetection d = detector.detect(img);
        if (d.status == FaceStatus::TightCrop && d.faces[0].eyes) out << images.filePath(f);
        if (out.size() == wanted) break;
    }
    return out;
}

cv::Mat noiseCanvas(int w, int h, int seed)
{
    cv::Mat canvas(h, w, CV_8UC3);
    cv::RNG rng{uint64_t(seed)};
    rng.fill(canvas, cv::RNG::UNIFORM, cv::Scalar::all(40), cv::Scalar::all(210));
    cv::GaussianBlur(canvas, canvas, cv::Size(0, 0), 8);
    return canvas;
}

double iou(const cv::Rect& a, const cv::Rect& b)
{
    const double inter = (a & b).area();
    return inter / (a.area() + b.area() - inter);
}

// The crop region the detector should report for a face crop pasted as `at`: the whole pasted
// square (a face crop's framing is what the crop region imitates).
bool boxMatches(const cv::Rect& found, const cv::Rect& at) { return iou(found, at) > 0.45; }

} // namespace

class TestFaceDetection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void missingCascadeNamesTheFoldersSearched()
    {
        qputenv("EXEMPLAR_CASCADE_DIR", "/nowhere/cascades");
        try {
            findCascade("no_such_cascade.xml");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("/nowhere/cascades") && e.message().contains("/usr/share/opencv4/haarcascades") &&
                         e.message().contains("opencv-data") && e.message().contains("no_such_cascade.xml"),
                     qPrintable(e.message()));
        }
        qunsetenv("EXEMPLAR_CASCADE_DIR");
    }

    void noFaceInNoiseAndShapes()
    {
        const FaceDetector detector;
        for (int seed = 1; seed <= 5; ++seed) {
            cv::Mat img = noiseCanvas(640, 480, seed);
            cv::rectangle(img, cv::Rect(100, 100, 200, 150), cv::Scalar(20, 200, 20), -1);
            const FaceDetection d = detector.detect(img);
            QCOMPARE(faceStatusName(d.status), QString("none"));
            QVERIFY(d.faces.empty());
        }
        QCOMPARE(faceStatusName(detector.detect(cv::Mat()).status), QString("failed"));
    }

    void tightCropKeepsItsWholeFrame()
    {
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        const QStringList faces = reliableFaces(facesDev, 3);
        QVERIFY2(faces.size() == 3, "fewer than 3 faces-dev crops with a face and eyes found");
        const FaceDetector detector;
        for (const QString& f : faces) {
            const cv::Mat img = cv::imread(f.toStdString(), cv::IMREAD_GRAYSCALE);
            const FaceDetection d = detector.detect(img);
            QCOMPARE(faceStatusName(d.status), QString("tight_crop"));
            QCOMPARE(d.faces.size(), size_t(1));
            QCOMPARE(d.faces[0].box, cv::Rect(0, 0, img.cols, img.rows));
            QVERIFY(d.faces[0].eyes);
            const EyeCentres e = *d.faces[0].eyes;
            QVERIFY(e.left.x < e.right.x);
            QVERIFY(e.left.y > 0.2 * img.rows && e.left.y < 0.65 * img.rows); // eyes in the upper middle
        }
    }

    void facesPastedOnAPhotoAreFoundWhereTheyAre()
    {
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        const QStringList faces = reliableFaces(facesDev, 4);
        QVERIFY(faces.size() == 4);
        const FaceDetectorPool pool;
        // One face, at several places and sizes, decoded from JPEG bytes like an import does.
        const QVector<cv::Rect> places = {{100, 80, 360, 360}, {1100, 500, 420, 420}, {600, 300, 260, 260}};
        for (int i = 0; i < places.size(); ++i) {
            cv::Mat canvas = noiseCanvas(1600, 1200, i + 10);
            const cv::Mat face = cv::imread(faces[i].toStdString(), cv::IMREAD_COLOR);
            cv::resize(face, canvas(places[i]), places[i].size());
            std::vector<uchar> jpeg;
            cv::imencode(".jpg", canvas, jpeg);
            const QByteArray bytes(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size()));
            const FaceDetection d = pool.detectEncoded(bytes, *probeImage(bytes));
            QCOMPARE(faceStatusName(d.status), QString("found"));
            QVERIFY2(boxMatches(d.faces[0].box, places[i]),
                     qPrintable(QString("placed at %1,%2 %3x%4, found %5,%6 %7x%8 (IoU %9)")
                                    .arg(places[i].x).arg(places[i].y).arg(places[i].width).arg(places[i].height)
                                    .arg(d.faces[0].box.x).arg(d.faces[0].box.y).arg(d.faces[0].box.width)
                                    .arg(d.faces[0].box.height).arg(iou(d.faces[0].box, places[i]))));
            QVERIFY(d.faces[0].eyes);
            QVERIFY(places[i].contains(cv::Point(d.faces[0].eyes->left)) && places[i].contains(cv::Point(d.faces[0].eyes->right)));
        }

        // Two faces on one photo: both found, status "several".
        cv::Mat canvas = noiseCanvas(1600, 900, 3);
        const cv::Rect a(150, 200, 400, 400), b(950, 250, 340, 340);
        cv::resize(cv::imread(faces[0].toStdString(), cv::IMREAD_COLOR), canvas(a), a.size());
        cv::resize(cv::imread(faces[3].toStdString(), cv::IMREAD_COLOR), canvas(b), b.size());
        const FaceDetection two = pool.detect(canvas);
        QCOMPARE(faceStatusName(two.status), QString("several"));
        QCOMPARE(two.faces.size(), size_t(2));
        QVERIFY(boxMatches(two.faces[0].box, a)); // largest first
        QVERIFY(boxMatches(two.faces[1].box, b));
    }

    void rotatedFaceIsAlignedLevel()
    {
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        const QStringList faces = reliableFaces(facesDev, 6);
        const FaceDetector detector;
        int tested = 0;
        for (const QString& f : faces) {
            // A face crop rotated by 12 degrees about its centre, on a larger canvas.
            const cv::Mat face = cv::imread(f.toStdString(), cv::IMREAD_GRAYSCALE);
            cv::Mat canvas(900, 900, CV_8UC1, cv::Scalar(128));
            face.copyTo(canvas(cv::Rect(275, 275, face.cols, face.rows)));
            const cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(450, 450), 12, 1.0);
            cv::Mat rotated;
            cv::warpAffine(canvas, rotated, rot, canvas.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
            const FaceDetection d = detector.detect(rotated);
            if (d.faces.empty() || !d.faces[0].eyes) continue; // the frontal cascade may miss a tilted face
            const EyeCentres e = *d.faces[0].eyes;
            const double tilt = std::atan2(e.right.y - e.left.y, e.right.x - e.left.x) * 180 / CV_PI;
            // getRotationMatrix2D's positive angle turns the picture counter-clockwise: the right eye
            // goes up, which is a negative tilt in image coordinates.
            QVERIFY2(tilt < -5 && tilt > -20, qPrintable(QString("%1: eye tilt %2").arg(f).arg(tilt)));
            // After alignment the eyes are level: detecting them again on the aligned crop gives
            // a tilt near 0 (they are bigger there, so use a detector without the downscale).
            const cv::Mat aligned = cropFace(rotated, d.faces[0].box, d.faces[0].eyes, 256, true);
            const auto again = detector.findEyes(aligned, cv::Rect(0, 0, aligned.cols, aligned.rows));
            if (!again) continue;
            const double after = std::atan2(again->right.y - again->left.y, again->right.x - again->left.x) * 180 / CV_PI;
            QVERIFY2(std::abs(after) < 5, qPrintable(QString("%1: tilt %2 after alignment").arg(f).arg(after)));
            ++tested;
        }
        QVERIFY2(tested >= 2, "the eyes of fewer than 2 rotated faces were found");
    }

    void importFlagsImagesWithoutFacesAndLosesNone()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        QDir().mkpath(images);
        for (int i = 0; i < 4; ++i) test::writeSyntheticImage(images + QString("/noface%1.jpg").arg(i), 400, 300, i + 1);
        int withFaces = 0;
        const QString facesDev = test::facesDevDir();
        if (!facesDev.isEmpty()) {
            for (const QString& f : reliableFaces(facesDev, 2)) {
                QFile::copy(f, images + "/crop" + QString::number(withFaces) + ".jpg");
                cv::Mat canvas = noiseCanvas(1280, 960, withFaces + 40);
                cv::resize(cv::imread(f.toStdString()), canvas(cv::Rect(500, 300, 320, 320)), cv::Size(320, 320));
                cv::imwrite((images + "/photo" + QString::number(withFaces) + ".jpg").toStdString(), canvas);
                ++withFaces;
            }
        }
        auto c = Catalogue::open(dir.filePath("c.exemplar"));
        const ImportReport report = importFolder(c, images);
        QCOMPARE(report.added, 4 + 2 * withFaces);
        QCOMPARE(report.facesNone, 4);
        QCOMPARE(report.facesTightCrop, withFaces);
        QCOMPARE(report.facesFound, withFaces);
        FaceStore store(c);
        const auto counts = store.statusCounts();
        QCOMPARE(counts.value("none"), 4);
        QCOMPARE(counts.value(FaceStore::kUnchecked), 0);
        for (const ImageRecord& r : c.allImages()) {
            const auto chosen = store.chosenBox(r.id);
            if (r.fileName().startsWith("noface")) QVERIFY(!chosen);
            else if (r.fileName().startsWith("crop")) QCOMPARE(chosen->box, QRect(0, 0, r.width, r.height));
            else QVERIFY(boxMatches(cv::Rect(chosen->box.x(), chosen->box.y(), chosen->box.width(), chosen->box.height()),
                                    cv::Rect(500, 300, 320, 320)));
        }
        QVERIFY(report.toJson().contains("\"faces\""));
        if (withFaces == 0) QSKIP("faces-dev absent: only the no-face part of this test ran");
    }

    void detectFacesPassChecksWhatImportSkippedAndRedoKeepsCuratorBoxes()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        QDir().mkpath(images);
        for (int i = 0; i < 3; ++i) test::writeSyntheticImage(images + QString("/n%1.png").arg(i), 300, 200, i + 7);
        auto c = Catalogue::open(dir.filePath("c.exemplar"));
        FolderImportOptions off;
        off.detectFaces = false;
        QCOMPARE(importFolder(c, images, off).added, 3);
        FaceStore store(c);
        QCOMPARE(store.statusCounts().value(FaceStore::kUnchecked), 3);

        auto report = detectCatalogueFaces(c);
        QCOMPARE(report.checked, 3);
        QCOMPARE(report.statuses.value("none"), 3);
        QCOMPARE(store.statusCounts().value(FaceStore::kUnchecked), 0);
        QCOMPARE(detectCatalogueFaces(c).checked, 0); // nothing left to check

        const qint64 first = c.allImages().first().id;
        store.setCuratorBox(first, QRect(10, 10, 50, 60));
        QFile::remove(images + "/n2.png"); // a file gone since the import: flagged failed, kept
        report = detectCatalogueFaces(c, FaceDetectionPassOptions{true});
        QCOMPARE(report.checked, 3);
        QCOMPARE(report.statuses.value("failed"), 1);
        QCOMPARE(report.issues.size(), 1);
        QCOMPARE(c.allImages().size(), 3);
        QVERIFY(store.chosenBox(first)->curator);
        QCOMPARE(store.check(first)->status, QString("found")); // the curator's box is not overruled
    }
};

QTEST_GUILESS_MAIN(TestFaceDetection)
#include "test_face_detection.moc"
