#include "core/learning/FaceImage.h"

#include "core/imaging/FaceAligner.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/util/Error.h"

#include <QFile>
#include <climits>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar::learning {

namespace {

cv::Mat converted(const cv::Mat& image, bool grayscale)
{
    cv::Mat out;
    if (grayscale) {
        if (image.channels() == 1) out = image;
        else if (image.channels() == 4) cv::cvtColor(image, out, cv::COLOR_BGRA2GRAY);
        else cv::cvtColor(image, out, cv::COLOR_BGR2GRAY);
    } else {
        if (image.channels() == 1) cv::cvtColor(image, out, cv::COLOR_GRAY2RGB);
        else if (image.channels() == 4) cv::cvtColor(image, out, cv::COLOR_BGRA2RGB);
        else cv::cvtColor(image, out, cv::COLOR_BGR2RGB);
    }
    if (out.depth() != CV_8U) out.convertTo(out, CV_8U);
    return out.isContinuous() ? out : out.clone();
}

QByteArray readFile(const QString& path)
{
    // Read the bytes through Qt so non-ASCII paths work everywhere, then decode from memory.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

// JPEG can decode at 1/4 or 1/2 scale for a fraction of the cost (DCT scaling); take the
// smallest scale whose shorter side is still >= minSide, so faces are never upscaled (INT_MAX: full size).
cv::Mat decodeAtLeast(const QByteArray& bytes, int minSide, bool grayscale)
{
    if (bytes.isEmpty()) return {};
    const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.constData()));
    static constexpr int kGrayModes[] = {cv::IMREAD_REDUCED_GRAYSCALE_4, cv::IMREAD_REDUCED_GRAYSCALE_2,
                                         cv::IMREAD_GRAYSCALE};
    static constexpr int kColorModes[] = {cv::IMREAD_REDUCED_COLOR_4, cv::IMREAD_REDUCED_COLOR_2,
                                          cv::IMREAD_COLOR};
    try {
        for (int i = minSide == INT_MAX ? 2 : 0; i < 3; ++i) {
            const cv::Mat decoded = cv::imdecode(buffer, grayscale ? kGrayModes[i] : kColorModes[i]);
            if (decoded.empty()) return {};
            if (i == 2 || std::min(decoded.cols, decoded.rows) >= minSide) return decoded;
        }
    } catch (const cv::Exception&) {
    }
    return {};
}

} // namespace

QString faceFramingName(FaceFraming framing)
{
    switch (framing) {
    case FaceFraming::Whole: return QStringLiteral("whole");
    case FaceFraming::Box: return QStringLiteral("box");
    case FaceFraming::Aligned: return QStringLiteral("aligned");
    }
    return QStringLiteral("whole");
}

FaceFraming faceFramingFromName(const QString& name)
{
    for (FaceFraming f : {FaceFraming::Whole, FaceFraming::Box, FaceFraming::Aligned})
        if (faceFramingName(f) == name) return f;
    throw Error(QStringLiteral("unknown face framing \"%1\" (whole, box or aligned)").arg(name));
}

FaceFraming faceFramingOfSidecar(const QJsonObject& sidecar)
{
    const QString name = sidecar.value(QStringLiteral("config")).toObject().value(QStringLiteral("face")).toString();
    return name.isEmpty() ? FaceFraming::Whole : faceFramingFromName(name);
}

QString faceSamplingName(FaceSampling sampling)
{
    return sampling == FaceSampling::Tfjs ? QStringLiteral("tfjs") : QStringLiteral("area");
}

FaceSampling faceSamplingFromName(const QString& name)
{
    for (FaceSampling s : {FaceSampling::Area, FaceSampling::Tfjs})
        if (faceSamplingName(s) == name) return s;
    throw Error(QStringLiteral("unknown face sampling \"%1\" (area or tfjs)").arg(name));
}

FaceSampling faceSamplingOfSidecar(const QJsonObject& sidecar)
{
    const QString name =
        sidecar.value(QStringLiteral("config")).toObject().value(QStringLiteral("face_sampling")).toString();
    return name.isEmpty() ? FaceSampling::Area : faceSamplingFromName(name);
}

cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale, FaceSampling sampling)
{
    if (decoded.empty()) return {};
    if (sampling == FaceSampling::Tfjs) {
        // Rounded to 8 bits like every stored face: at most 1/510 off the model's own input.
        cv::Mat pixels;
        faceModelImage(decoded, size, grayscale).convertTo(pixels, CV_8U, 255.0);
        return pixels;
    }
    const int side = std::min(decoded.cols, decoded.rows);
    const cv::Mat square = decoded(cv::Rect((decoded.cols - side) / 2, (decoded.rows - side) / 2, side, side));
    cv::Mat resized;
    cv::resize(converted(square, grayscale), resized, cv::Size(size, size), 0, 0,
               side > size ? cv::INTER_AREA : cv::INTER_LINEAR);
    return resized.isContinuous() ? resized : resized.clone();
}

cv::Mat cropDetectedFace(const cv::Mat& decoded, const DetectedFace& face, int size, FaceFraming framing,
                         FaceSampling sampling)
{
    if (decoded.empty()) return {};
    const int side = sampling == FaceSampling::Tfjs ? std::max(size, std::max(face.box.width, face.box.height)) : size;
    return cropFace(decoded, face.box, face.eyes, side, framing == FaceFraming::Aligned);
}

cv::Mat prepareDetectedFace(const cv::Mat& decoded, const DetectedFace& face, int size, bool grayscale,
                            FaceFraming framing, FaceSampling sampling)
{
    const cv::Mat crop = cropDetectedFace(decoded, face, size, framing, sampling);
    if (crop.empty()) return {};
    return sampling == FaceSampling::Tfjs ? prepareFaceImage(crop, size, grayscale, sampling) : converted(crop, grayscale);
}

cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale, FaceFraming framing,
                         const FaceDetectorPool* detectors, FaceSampling sampling)
{
    if (framing == FaceFraming::Whole || !detectors) return prepareFaceImage(decoded, size, grayscale, sampling);
    const FaceDetection detection = detectors->detect(decoded);
    if (detection.faces.empty()) return prepareFaceImage(decoded, size, grayscale, sampling);
    return prepareDetectedFace(decoded, detection.faces.front(), size, grayscale, framing, sampling);
}

namespace {

// tfjs sampling reads the full-size colour image, as the models' library does (its luma, not the
// JPEG's); area sampling lets the JPEG decoder shrink it to at least minSide first.
cv::Mat decodeFor(const QString& path, int minSide, bool grayscale, FaceSampling sampling)
{
    return sampling == FaceSampling::Tfjs ? decodeAtLeast(readFile(path), INT_MAX, false)
                                          : decodeAtLeast(readFile(path), minSide, grayscale);
}

} // namespace

cv::Mat loadFaceImage(const QString& path, int size, bool grayscale, FaceSampling sampling)
{
    return prepareFaceImage(decodeFor(path, size, grayscale, sampling), size, grayscale, sampling);
}

cv::Mat loadFaceImage(const QString& path, int size, bool grayscale, FaceFraming framing,
                      const FaceDetectorPool* detectors, FaceSampling sampling)
{
    if (framing == FaceFraming::Whole || !detectors) return loadFaceImage(path, size, grayscale, sampling);
    // The eye search needs the face at a few hundred pixels, more than the network input.
    const cv::Mat decoded = decodeFor(path, std::max(size, 320), grayscale, sampling);
    return prepareFaceImage(decoded, size, grayscale, framing, detectors, sampling);
}

} // namespace exemplar::learning
