#include "core/learning/tfjs/FaceModelInput.h"

#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace exemplar::learning {

cv::Mat legacyResizeBilinear(const cv::Mat& image, int height, int width)
{
    // Hand-written: OpenCV's INTER_LINEAR samples at half-pixel centres and cv::remap quantises
    // coordinates to 1/32 pixel; both move the models' outputs far beyond the 1e-4 tolerance.
    if (image.depth() != CV_32F || image.empty())
        throw Error(QStringLiteral("legacyResizeBilinear expects a non-empty float image"));
    const int channels = image.channels();
    const int inH = image.rows, inW = image.cols;
    cv::Mat out(height, width, image.type());
    // TF.js's CPU kernel works in float64 (JavaScript numbers) and stores float32; so do we.
    const double scaleY = double(inH) / double(height);
    const double scaleX = double(inW) / double(width);
    std::vector<int> x0(static_cast<size_t>(width)), x1(static_cast<size_t>(width));
    std::vector<double> fx(static_cast<size_t>(width));
    for (int x = 0; x < width; ++x) {
        const double src = double(x) * scaleX;
        x0[size_t(x)] = std::min(int(std::floor(src)), inW - 1);
        x1[size_t(x)] = std::min(int(std::ceil(src)), inW - 1);
        fx[size_t(x)] = src - std::floor(src);
    }
    for (int y = 0; y < height; ++y) {
        const double src = double(y) * scaleY;
        const int y0 = std::min(int(std::floor(src)), inH - 1);
        const int y1 = std::min(int(std::ceil(src)), inH - 1);
        const double fy = src - std::floor(src);
        const float* top = image.ptr<float>(y0);
        const float* bottom = image.ptr<float>(y1);
        float* dst = out.ptr<float>(y);
        for (int x = 0; x < width; ++x) {
            const int l = x0[size_t(x)] * channels, r = x1[size_t(x)] * channels;
            for (int c = 0; c < channels; ++c) {
                // Same association as TF.js: interpolate along rows, then between them.
                const double t = top[l + c] + (double(top[r + c]) - top[l + c]) * fx[size_t(x)];
                const double b = bottom[l + c] + (double(bottom[r + c]) - bottom[l + c]) * fx[size_t(x)];
                dst[x * channels + c] = float(t + (b - t) * fy);
            }
        }
    }
    return out;
}

cv::Mat faceModelRgb(const cv::Mat& decoded)
{
    if (decoded.empty() || decoded.depth() != CV_8U)
        throw Error(QStringLiteral("faceModelRgb expects a decoded 8-bit image"));
    const int side = std::min(decoded.rows, decoded.cols);
    const cv::Mat square = decoded(cv::Rect((decoded.cols - side) / 2, (decoded.rows - side) / 2, side, side));
    cv::Mat rgb;
    switch (decoded.channels()) {
    case 1: cv::cvtColor(square, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(square, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(square, rgb, cv::COLOR_BGRA2RGB); break;
    default: throw Error(QStringLiteral("faceModelRgb: unsupported channel count %1").arg(decoded.channels()));
    }
    cv::Mat floats;
    rgb.convertTo(floats, CV_32FC3, 1.0 / 255.0);
    return floats;
}

cv::Mat faceModelImage(const cv::Mat& decoded, int size, bool grayscale)
{
    const cv::Mat resized = legacyResizeBilinear(faceModelRgb(decoded), size, size);
    if (!grayscale) return resized;
    cv::Mat gray(size, size, CV_32FC1);
    for (int y = 0; y < size; ++y) {
        const float* row = resized.ptr<float>(y);
        float* out = gray.ptr<float>(y);
        // In this order and in float, as TF.js sums them (cv::transform would not be bit-exact).
        for (int x = 0; x < size; ++x)
            out[x] = row[3 * x] * kFaceModelLuma[0] + row[3 * x + 1] * kFaceModelLuma[1] +
                     row[3 * x + 2] * kFaceModelLuma[2];
    }
    return gray;
}

std::vector<float> faceModelInput(const cv::Mat& decoded, int size, bool grayscale)
{
    const cv::Mat image = faceModelImage(decoded, size, grayscale);
    std::vector<float> out;
    out.reserve(image.total() * size_t(image.channels()));
    for (int y = 0; y < size; ++y) {
        const float* row = image.ptr<float>(y);
        for (int x = 0; x < size * image.channels(); ++x)
            out.push_back(grayscale ? (row[x] - 0.5f) * 2.0f : row[x]);
    }
    return out;
}

} // namespace exemplar::learning
