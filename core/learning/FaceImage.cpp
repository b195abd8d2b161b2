#include "core/learning/FaceImage.h"

#include <QFile>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar::learning {

cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale)
{
    if (decoded.empty()) return {};
    const int side = std::min(decoded.cols, decoded.rows);
    cv::Mat square = decoded(cv::Rect((decoded.cols - side) / 2, (decoded.rows - side) / 2, side, side));
    cv::Mat converted;
    if (grayscale) {
        if (square.channels() == 1) converted = square;
        else if (square.channels() == 4) cv::cvtColor(square, converted, cv::COLOR_BGRA2GRAY);
        else cv::cvtColor(square, converted, cv::COLOR_BGR2GRAY);
    } else {
        if (square.channels() == 1) cv::cvtColor(square, converted, cv::COLOR_GRAY2RGB);
        else if (square.channels() == 4) cv::cvtColor(square, converted, cv::COLOR_BGRA2RGB);
        else cv::cvtColor(square, converted, cv::COLOR_BGR2RGB);
    }
    cv::Mat resized;
    cv::resize(converted, resized, cv::Size(size, size), 0, 0,
               side > size ? cv::INTER_AREA : cv::INTER_LINEAR);
    if (resized.depth() != CV_8U) resized.convertTo(resized, CV_8U);
    return resized.isContinuous() ? resized : resized.clone();
}

cv::Mat loadFaceImage(const QString& path, int size, bool grayscale)
{
    // Read the bytes through Qt so non-ASCII paths work everywhere, then decode from memory.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty()) return {};
    const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.constData()));
    // JPEG can decode at 1/4 or 1/2 scale for a fraction of the cost (DCT scaling); take the
    // smallest scale that still covers the target size, so faces are never upscaled.
    static constexpr int kGrayModes[] = {cv::IMREAD_REDUCED_GRAYSCALE_4, cv::IMREAD_REDUCED_GRAYSCALE_2,
                                         cv::IMREAD_GRAYSCALE};
    static constexpr int kColorModes[] = {cv::IMREAD_REDUCED_COLOR_4, cv::IMREAD_REDUCED_COLOR_2,
                                          cv::IMREAD_COLOR};
    try {
        for (int i = 0; i < 3; ++i) {
            const cv::Mat decoded = cv::imdecode(buffer, grayscale ? kGrayModes[i] : kColorModes[i]);
            if (decoded.empty()) return {};
            if (i == 2 || std::min(decoded.cols, decoded.rows) >= size)
                return prepareFaceImage(decoded, size, grayscale);
        }
    } catch (const cv::Exception&) {
    }
    return {};
}

} // namespace exemplar::learning
