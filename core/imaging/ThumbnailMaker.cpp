#include "core/imaging/ThumbnailMaker.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace exemplar {

namespace {
constexpr int kJpegQuality = 85;

int readFlag(int factor, bool grayscale)
{
    switch (factor) {
    case 2: return grayscale ? cv::IMREAD_REDUCED_GRAYSCALE_2 : cv::IMREAD_REDUCED_COLOR_2;
    case 4: return grayscale ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_COLOR_4;
    case 8: return grayscale ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8;
    default: return grayscale ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
    }
}
} // namespace

int reducedDecodeFactor(int width, int height, int maxSide)
{
    int factor = 1;
    while (factor < 8 && std::min(width, height) / (factor * 2) >= maxSide) factor *= 2;
    return factor;
}

std::optional<Thumbnail> makeThumbnail(QByteArrayView fileBytes, const ImageHeader& header, int maxSide,
                                       QString* problem)
{
    auto fail = [&](const QString& why) -> std::optional<Thumbnail> {
        if (problem) *problem = why;
        return std::nullopt;
    };
    if (fileBytes.isEmpty() || maxSide <= 0) return fail(QStringLiteral("nothing to decode"));
    // Only libjpeg scales while decoding; for other formats OpenCV would decode in full and then
    // shrink with a cheaper filter, so we decode in full and shrink ourselves.
    const int factor = header.format == ImageFormat::Jpeg ? reducedDecodeFactor(header.width, header.height, maxSide) : 1;
    cv::Mat decoded;
    try {
        const cv::Mat encoded(1, int(fileBytes.size()), CV_8UC1, const_cast<char*>(fileBytes.data()));
        decoded = cv::imdecode(encoded, readFlag(factor, header.grayscale));
    } catch (const cv::Exception& e) {
        return fail(QStringLiteral("cannot decode %1 data: %2").arg(imageFormatName(header.format), QString::fromStdString(e.msg)));
    }
    if (decoded.empty())
        return fail(QStringLiteral("cannot decode %1 data (corrupt or truncated)").arg(imageFormatName(header.format)));

    cv::Mat small = decoded;
    const int longest = std::max(decoded.cols, decoded.rows);
    if (longest > maxSide) {
        const double scale = double(maxSide) / longest;
        const cv::Size size(std::max(1, int(std::lround(decoded.cols * scale))),
                            std::max(1, int(std::lround(decoded.rows * scale))));
        // INTER_AREA is needed against aliasing when shrinking by more than 2x, but OpenCV's
        // fractional-ratio INTER_AREA is ~10x slower than bilinear; after a reduced JPEG decode the
        // remaining ratio is above 1/2, where bilinear doesn't alias.
        cv::resize(decoded, small, size, 0, 0, scale < 0.5 ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    std::vector<uchar> jpeg;
    if (!cv::imencode(".jpg", small, jpeg, {cv::IMWRITE_JPEG_QUALITY, kJpegQuality}))
        return fail(QStringLiteral("cannot encode the thumbnail"));
    return Thumbnail{QByteArray(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size())), small.cols, small.rows};
}

} // namespace exemplar
