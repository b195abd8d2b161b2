#include "core/learning/FaceImage.h"

#include "core/imaging/FaceAligner.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/util/Error.h"

#include <QFile>
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
// smallest scale whose shorter side is still >= minSide, so faces are never upscaled.
cv::Mat decodeAtLeast(const QByteArray& bytes, int minSide, bool grayscale)
{
    if (bytes.isEmpty()) return {};
    const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.constData()));
    static constexpr int kGrayModes[] = {cv::IMREAD_REDUCED_GRAYSCALE_4, cv::IMREAD_REDUCED_GRAYSCALE_2,
                                         cv::IMREAD_GRAYSCALE};
    static constexpr int kColorModes[] = {cv::IMREAD_REDUCED_COLOR_4, cv::IMREAD_REDUCED_COLOR_2,
                                          cv::IMREAD_COLOR};
    try {
        for (int i = 0; i < 3; ++i) {
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

cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale)
{
    if (decoded.empty()) return {};
    const int side = std::min(decoded.cols, decoded.rows);
    const cv::Mat square = decoded(cv::Rect((decoded.cols - side) / 2, (decoded.rows - side) / 2, side, side));
    cv::Mat resized;
    cv::resize(converted(square, grayscale), resized, cv::Size(size, size), 0, 0,
               side > size ? cv::INTER_AREA : cv::INTER_LINEAR);
    return resized.isContinuous() ? resized : resized.clone();
}

cv::Mat prepareDetectedFace(const cv::Mat& decoded, const DetectedFace& face, int size, bool grayscale,
                            FaceFraming framing)
{
    if (decoded.empty()) return {};
    return converted(cropFace(decoded, face.box, face.eyes, size, framing == FaceFraming::Aligned), grayscale);
}

cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale, FaceFraming framing,
                         const FaceDetectorPool* detectors)
{
    if (framing == FaceFraming::Whole || !detectors) return prepareFaceImage(decoded, size, grayscale);
    const FaceDetection detection = detectors->detect(decoded);
    if (detection.faces.empty()) return prepareFaceImage(decoded, size, grayscale);
    return prepareDetectedFace(decoded, detection.faces.front(), size, grayscale, framing);
}

cv::Mat loadFaceImage(const QString& path, int size, bool grayscale)
{
    return prepareFaceImage(decodeAtLeast(readFile(path), size, grayscale), size, grayscale);
}

cv::Mat loadFaceImage(const QString& path, int size, bool grayscale, FaceFraming framing,
                      const FaceDetectorPool* detectors)
{
    if (framing == FaceFraming::Whole || !detectors) return loadFaceImage(path, size, grayscale);
    // The eye search needs the face at a few hundred pixels, more than the network input.
    const cv::Mat decoded = decodeAtLeast(readFile(path), std::max(size, 320), grayscale);
    return prepareFaceImage(decoded, size, grayscale, framing, detectors);
}

} // namespace exemplar::learning
