#pragma once
// Preprocessing for the pretrained TF.js face models, as their own library (vladmandic/human)
// applies it, so Exemplar feeds them the same tensors TF.js would:
//   RGB / 255 -> tf.image.resizeBilinear(size, alignCorners=false) -> for gray models
//   gray = R*0.2989 + G*0.5870 + B*0.1140 -> (x - 0.5) * 2.
#include <QString>
#include <opencv2/core.hpp>

#include <vector>

namespace exemplar::learning {

// The luma weights of the gray face models' own preprocessing (R, G, B), not OpenCV's.
inline constexpr float kFaceModelLuma[3] = {0.2989f, 0.5870f, 0.1140f};

// TF's legacy bilinear resize (tf.image.resizeBilinear with alignCorners=false and no half-pixel
// centres): source = destination * in / out, the bottom/right neighbour clamped at the edge.
// `image`: CV_32FC1 or CV_32FC3. Returns a new Mat of the same type.
cv::Mat legacyResizeBilinear(const cv::Mat& image, int height, int width);

// A decoded 8-bit image (BGR, BGRA or gray, any size) as the model input: `size`x`size`, one
// channel (grayscale models) or RGB, in NHWC order, values in [-1, 1] for gray models, [0, 1]
// for RGB ones. Non-square images are centre-cropped to a square first.
std::vector<float> faceModelInput(const cv::Mat& decoded, int size, bool grayscale);

// The same pixels before the gray models' (x - 0.5) * 2: `size`x`size` floats in [0, 1], CV_32FC1
// (the models' luma) or CV_32FC3 (RGB).
cv::Mat faceModelImage(const cv::Mat& decoded, int size, bool grayscale);

// The decoded image as TF.js would receive it before resizing: centre-cropped square RGB floats
// in [0, 1] (CV_32FC3, R first). Used by the numeric check against TF.js.
cv::Mat faceModelRgb(const cv::Mat& decoded);

} // namespace exemplar::learning
