#pragma once
// Turns a face (box, optional eye centres) of a photo into a square crop of fixed size. Aligned:
// a similarity transform (rotation + uniform scale + shift) puts the eyes level at fixed positions
// of the output, so every face the network sees has the same geometry. Without eyes, or when
// alignment is off: the box made square around its centre. Pixels outside the photo are filled by
// replicating the border (a black band would be a strong, meaningless feature).
#include "core/imaging/FaceDetector.h"

#include <opencv2/core.hpp>

namespace exemplar {

// Where the eyes land in an aligned crop, as fractions of its side. The defaults match where a
// frontal-face cascade box has the eyes, so aligned and box crops frame a face alike.
struct AlignmentGeometry {
    double leftEyeX = 0.3;
    double rightEyeX = 0.7;
    double eyeY = 0.38;
};

// The 2x3 transform from image pixels to output pixels that puts `eyes` at the geometry's positions
// in a side x side output.
cv::Mat eyeAlignmentTransform(const EyeCentres& eyes, int side, const AlignmentGeometry& geometry = {});

// The square region around `box` (side = the box's longer side, same centre), in image pixels.
cv::Rect2d squareAround(const cv::Rect& box);

// side x side crop of `image` (same channels and depth). align && eyes: eye-aligned; otherwise the
// square around `box`.
cv::Mat cropFace(const cv::Mat& image, const cv::Rect& box, const std::optional<EyeCentres>& eyes, int side,
                 bool align, const AlignmentGeometry& geometry = {});

} // namespace exemplar
