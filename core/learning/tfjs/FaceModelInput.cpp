#include "core/learning/tfjs/FaceModelInput.h"

#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace exemplar::learning {

namespace {

// Where TF's legacy bilinear sampling reads along one axis: for each output index, the two
// source indices (the second clamped at the edge) and the weight of the second.
struct LegacyTaps {
    std::vector<int> first, second;
    std::vector<double> weight;
};

LegacyTaps legacyTaps(int in, int out)
{
    LegacyTaps taps;
    // TF.js's CPU kernel works in float64 (JavaScript numbers) and stores float32; so do we.
    const double scale = double(in) / double(out);
    for (int i = 0; i < out; ++i) {
        const double src = double(i) * scale;
        taps.first.push_back(std::min(int(std::floor(src)), in - 1));
        taps.second.push_back(std::min(int(std::ceil(src)), in - 1));
        taps.weight.push_back(src - std::floor(src));
    }
    return taps;
}

cv::Mat interpolate(const cv::Mat& image, const LegacyTaps& rows, const LegacyTaps& cols)
{
    const int channels = image.channels();
    const int height = int(rows.first.size()), width = int(cols.first.size());
    cv::Mat out(height, width, image.type());
    for (int y = 0; y < height; ++y) {
        const float* top = image.ptr<float>(rows.first[size_t(y)]);
        const float* bottom = image.ptr<float>(rows.second[size_t(y)]);
        const double fy = rows.weight[size_t(y)];
        float* dst = out.ptr<float>(y);
        for (int x = 0; x < width; ++x) {
            const int l = cols.first[size_t(x)] * channels, r = cols.second[size_t(x)] * channels;
            const double fx = cols.weight[size_t(x)];
            for (int c = 0; c < channels; ++c) {
                // Same association as TF.js: interpolate along rows, then between them.
                const double t = top[l + c] + (double(top[r + c]) - top[l + c]) * fx;
                const double b = bottom[l + c] + (double(bottom[r + c]) - bottom[l + c]) * fx;
                dst[x * channels + c] = float(t + (b - t) * fy);
            }
        }
    }
    return out;
}

cv::Mat centreSquare(const cv::Mat& decoded)
{
    if (decoded.empty() || decoded.depth() != CV_8U)
        throw Error(QStringLiteral("the face models' preprocessing expects a decoded 8-bit image"));
    const int side = std::min(decoded.rows, decoded.cols);
    return decoded(cv::Rect((decoded.cols - side) / 2, (decoded.rows - side) / 2, side, side));
}

cv::Mat rgbFloats(const cv::Mat& bgr)
{
    cv::Mat rgb;
    switch (bgr.channels()) {
    case 1: cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(bgr, rgb, cv::COLOR_BGRA2RGB); break;
    default: throw Error(QStringLiteral("the face models' preprocessing: unsupported channel count %1").arg(bgr.channels()));
    }
    cv::Mat floats;
    rgb.convertTo(floats, CV_32FC3, 1.0 / 255.0);
    return floats;
}

// The distinct source indices of `taps`, in order, and the taps renumbered into that list.
std::vector<int> compact(LegacyTaps& taps)
{
    std::vector<int> used = taps.first;
    used.insert(used.end(), taps.second.begin(), taps.second.end());
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    for (auto* list : {&taps.first, &taps.second})
        for (int& i : *list) i = int(std::lower_bound(used.begin(), used.end(), i) - used.begin());
    return used;
}

} // namespace

cv::Mat legacyResizeBilinear(const cv::Mat& image, int height, int width)
{
    // Hand-written: OpenCV's INTER_LINEAR samples at half-pixel centres and cv::remap quantises
    // coordinates to 1/32 pixel; both move the models' outputs far beyond the 1e-4 tolerance.
    if (image.depth() != CV_32F || image.empty())
        throw Error(QStringLiteral("legacyResizeBilinear expects a non-empty float image"));
    return interpolate(image, legacyTaps(image.rows, height), legacyTaps(image.cols, width));
}

cv::Mat faceModelRgb(const cv::Mat& decoded)
{
    return rgbFloats(centreSquare(decoded));
}

cv::Mat faceModelImage(const cv::Mat& decoded, int size, bool grayscale)
{
    // Only the rows and columns the sampling reads (at most two per output pixel) become floats:
    // the same numbers as legacyResizeBilinear(faceModelRgb(decoded)), without the ~1 GB of floats
    // a 9,000-pixel photo would take whole.
    const cv::Mat square = centreSquare(decoded);
    LegacyTaps rows = legacyTaps(square.rows, size), cols = legacyTaps(square.cols, size);
    const std::vector<int> usedRows = compact(rows), usedCols = compact(cols);
    cv::Mat gathered(int(usedRows.size()), int(usedCols.size()), square.type());
    const size_t pixelBytes = square.elemSize();
    for (size_t r = 0; r < usedRows.size(); ++r) {
        const uchar* from = square.ptr<uchar>(usedRows[r]);
        uchar* to = gathered.ptr<uchar>(int(r));
        for (size_t c = 0; c < usedCols.size(); ++c)
            std::memcpy(to + c * pixelBytes, from + size_t(usedCols[c]) * pixelBytes, pixelBytes);
    }
    const cv::Mat resized = interpolate(rgbFloats(gathered), rows, cols);
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
