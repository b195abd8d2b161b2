#pragma once
// How an image file becomes network input, shared by training and by exported models so both
// see exactly the same pixels: decode with OpenCV, centre-crop to a square, resize (INTER_AREA),
// grayscale or RGB, 8 bits per channel.
#include <QString>
#include <opencv2/core.hpp>

namespace exemplar::learning {

// Returns an empty Mat when the file cannot be decoded.
cv::Mat loadFaceImage(const QString& path, int size, bool grayscale);
// Same for an already decoded BGR or grayscale image.
cv::Mat prepareFaceImage(const cv::Mat& decoded, int size, bool grayscale);

} // namespace exemplar::learning
