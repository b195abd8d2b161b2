#include "core/imaging/FaceDetector.h"

#include <QDir>
#include <QFileInfo>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace exemplar {

namespace {

constexpr const char* kFaceCascade = "haarcascade_frontalface_alt2.xml";
// The eyeglasses variant also finds bare eyes, and glasses are common in phone snapshots. (The plain
// haarcascade_eye is twice as fast and finds more pairs on faces-dev, but places the eyes of a
// tilted face badly: a 12 degree tilt came back as 4, which defeats alignment.)
constexpr const char* kEyeCascade = "haarcascade_eye_tree_eyeglasses.xml";
constexpr int kFaceNeighbours = 4;
constexpr int kEyeSearchWidth = 140; // face regions are resized to this width for the eye search
constexpr int kQuickSide = 192;      // the copy the "one big face" pass runs on

cv::Mat toGray(const cv::Mat& image)
{
    cv::Mat gray;
    if (image.channels() == 1) gray = image;
    else if (image.channels() == 4) cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
    else cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
    if (gray.depth() != CV_8U) gray.convertTo(gray, CV_8U);
    return gray;
}

cv::Rect scaled(const cv::Rect& r, double s, const cv::Size& bounds)
{
    const cv::Rect out(int(std::lround(r.x * s)), int(std::lround(r.y * s)), int(std::lround(r.width * s)),
                       int(std::lround(r.height * s)));
    return out & cv::Rect(0, 0, bounds.width, bounds.height);
}

cv::Point2f centre(const cv::Rect& r) { return {r.x + r.width / 2.0f, r.y + r.height / 2.0f}; }

} // namespace

cv::Rect cropRegion(const cv::Rect& box, double margin, const cv::Size& imageSize)
{
    const double w = box.width * margin, h = box.height * margin;
    const cv::Rect grown(int(std::lround(box.x + box.width / 2.0 - w / 2)), int(std::lround(box.y + box.height / 2.0 - h / 2)),
                         int(std::lround(w)), int(std::lround(h)));
    return grown & cv::Rect(0, 0, imageSize.width, imageSize.height);
}

QString faceStatusName(FaceStatus status)
{
    switch (status) {
    case FaceStatus::TightCrop: return QStringLiteral("tight_crop");
    case FaceStatus::Found: return QStringLiteral("found");
    case FaceStatus::Several: return QStringLiteral("several");
    case FaceStatus::None: return QStringLiteral("none");
    case FaceStatus::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

std::optional<FaceStatus> faceStatusFromName(const QString& name)
{
    for (FaceStatus s : {FaceStatus::TightCrop, FaceStatus::Found, FaceStatus::Several, FaceStatus::None, FaceStatus::Failed})
        if (faceStatusName(s) == name) return s;
    return std::nullopt;
}

QStringList cascadeSearchDirs()
{
    QStringList dirs;
    const QString env = qEnvironmentVariable("EXEMPLAR_CASCADE_DIR");
    if (!env.isEmpty()) dirs << env;
    dirs << QStringLiteral("/usr/share/opencv4/haarcascades") << QStringLiteral("/usr/share/opencv4/lbpcascades")
         << QStringLiteral("/usr/local/share/opencv4/haarcascades") << QStringLiteral("/usr/share/opencv/haarcascades");
    return dirs;
}

QString findCascade(const QString& fileName)
{
    const QStringList dirs = cascadeSearchDirs();
    for (const QString& dir : dirs) {
        const QFileInfo f(QDir(dir).filePath(fileName));
        if (f.isFile() && f.isReadable()) return f.absoluteFilePath();
    }
    throw Error(QStringLiteral("face detection: the OpenCV cascade %1 is in none of %2 (install the Debian package "
                               "opencv-data, or set EXEMPLAR_CASCADE_DIR to a folder that has it)")
                    .arg(fileName, dirs.join(QStringLiteral(", "))));
}

QString FaceDetector::name() { return QStringLiteral("opencv-haar:frontalface_alt2+eye_tree_eyeglasses"); }

FaceDetector::FaceDetector(const FaceDetectorOptions& options) : options_(options)
{
    const QString facePath = findCascade(QString::fromLatin1(kFaceCascade));
    if (!faces_.load(facePath.toStdString()))
        throw Error(QStringLiteral("face detection: cannot load the cascade %1 (damaged file?)").arg(facePath));
    if (options_.findEyes) {
        const QString eyePath = findCascade(QString::fromLatin1(kEyeCascade));
        if (!eyes_.load(eyePath.toStdString()))
            throw Error(QStringLiteral("face detection: cannot load the cascade %1 (damaged file?)").arg(eyePath));
    }
}

std::optional<EyeCentres> FaceDetector::findEyes(const cv::Mat& gray, const cv::Rect& faceBox) const
{
    if (eyes_.empty()) return std::nullopt;
    // Eyes sit in the upper part of a face box; searching only there halves the time and removes
    // nostrils and mouth corners, the cascade's usual false hits.
    const cv::Rect upper = cv::Rect(faceBox.x, faceBox.y + faceBox.height / 8, faceBox.width, faceBox.height * 9 / 20) &
                           cv::Rect(0, 0, gray.cols, gray.rows);
    if (upper.width < 12 || upper.height < 6) return std::nullopt;
    const double s = double(kEyeSearchWidth) / upper.width;
    cv::Mat region;
    cv::resize(gray(upper), region, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::equalizeHist(region, region);
    std::vector<cv::Rect> hits;
    std::vector<int> votes;
    const int minEye = kEyeSearchWidth / 10, maxEye = kEyeSearchWidth * 2 / 5;
    eyes_.detectMultiScale(region, hits, votes, 1.1, 2, 0, cv::Size(minEye, minEye), cv::Size(maxEye, maxEye));
    // Best-voted hit on each side of the face's vertical midline, then a plausibility check.
    const float mid = region.cols / 2.0f;
    int bestL = -1, bestR = -1;
    for (int i = 0; i < int(hits.size()); ++i) {
        const cv::Point2f c = centre(hits[i]);
        int& best = c.x < mid ? bestL : bestR;
        // Ties broken by position: the cascade's threads return hits in a varying order, and the
        // same image must always give the same eyes (training and predict frame alike).
        if (best < 0 || votes[i] > votes[best] ||
            (votes[i] == votes[best] && std::tie(hits[i].y, hits[i].x, hits[i].width) <
                                            std::tie(hits[best].y, hits[best].x, hits[best].width)))
            best = i;
    }
    if (bestL < 0 || bestR < 0) return std::nullopt;
    const cv::Point2f l = centre(hits[bestL]), r = centre(hits[bestR]);
    const float distance = r.x - l.x;
    if (distance < 0.25f * region.cols || distance > 0.7f * region.cols || std::abs(r.y - l.y) > 0.5f * distance)
        return std::nullopt;
    auto toImage = [&](cv::Point2f p) { return cv::Point2f(float(upper.x + p.x / s), float(upper.y + p.y / s)); };
    return EyeCentres{toImage(l), toImage(r)};
}

FaceDetection FaceDetector::detect(const cv::Mat& image) const
{
    FaceDetection out;
    try {
        if (image.empty()) {
            out.status = FaceStatus::Failed;
            out.problem = QStringLiteral("empty image");
            return out;
        }
        const cv::Mat gray = toGray(image);
        const int longest = std::max(gray.cols, gray.rows);
        const double down = longest > options_.workingSide ? double(options_.workingSide) / longest : 1.0;
        cv::Mat small;
        if (down < 1) cv::resize(gray, small, cv::Size(), down, down, cv::INTER_AREA);
        else small = gray.clone();
        cv::equalizeHist(small, small);
        std::vector<cv::Rect> hits;
        std::vector<int> votes;
        // Most collections are face crops: look for one big face on a small copy first (a few
        // scales of a ~200 px image, milliseconds), and only search every size when there is none.
        {
            const double quick = std::min(1.0, double(kQuickSide) / std::max(small.cols, small.rows));
            cv::Mat tiny;
            if (quick < 1) cv::resize(small, tiny, cv::Size(), quick, quick, cv::INTER_AREA);
            else tiny = small;
            const int bigFace = int(std::min(tiny.cols, tiny.rows) * options_.tightCropFraction);
            faces_.detectMultiScale(tiny, hits, votes, 1.1, kFaceNeighbours, 0, cv::Size(bigFace, bigFace));
            // Only a face that fills the frame both ways settles it: in a wide photo the big face
            // may have smaller neighbours that this pass does not look for.
            if (hits.size() == 1 && hits[0].width >= options_.tightCropFraction * tiny.cols &&
                hits[0].height >= options_.tightCropFraction * tiny.rows)
                hits[0] = cv::Rect(int(hits[0].x / quick), int(hits[0].y / quick), int(hits[0].width / quick),
                                   int(hits[0].height / quick));
            else hits.clear();
        }
        if (hits.empty()) {
            const int minSide = std::max(20, int(std::min(small.cols, small.rows) * options_.minFaceFraction));
            faces_.detectMultiScale(small, hits, votes, 1.1, kFaceNeighbours, 0, cv::Size(minSide, minSide));
        }
        for (size_t i = 0; i < hits.size(); ++i) {
            DetectedFace f;
            f.box = scaled(hits[i], 1.0 / down, gray.size());
            // Neighbour counts of real faces are mostly 10-40 with these settings; map them to 0..1
            // so that curator boxes (1.0) and detector boxes share one scale.
            f.confidence = std::min(1.0, votes[i] / 30.0);
            out.faces.push_back(f);
        }
        std::sort(out.faces.begin(), out.faces.end(), [](const DetectedFace& a, const DetectedFace& b) {
            if (a.box.area() != b.box.area()) return a.box.area() > b.box.area();
            return std::tie(a.box.y, a.box.x) < std::tie(b.box.y, b.box.x); // same order every time
        });
        if (options_.findEyes)
            for (DetectedFace& f : out.faces) f.eyes = findEyes(gray, f.box);

        if (out.faces.empty()) out.status = FaceStatus::None;
        else if (out.faces[0].box.width >= options_.tightCropFraction * gray.cols &&
                 out.faces[0].box.height >= options_.tightCropFraction * gray.rows &&
                 (out.faces.size() == 1 || out.faces[1].box.width < out.faces[0].box.width / 2)) {
            // Smaller hits inside a face crop are the cascade firing on parts of the same face.
            out.faces.resize(1);
            out.status = FaceStatus::TightCrop;
            out.faces[0].box = cv::Rect(0, 0, gray.cols, gray.rows);
        } else {
            out.status = out.faces.size() == 1 ? FaceStatus::Found : FaceStatus::Several;
            for (DetectedFace& f : out.faces) f.box = cropRegion(f.box, options_.cropMargin, gray.size());
        }
    } catch (const cv::Exception& e) {
        out = FaceDetection{};
        out.status = FaceStatus::Failed;
        out.problem = QStringLiteral("face detection failed: %1").arg(QString::fromStdString(e.msg));
    }
    return out;
}

} // namespace exemplar
