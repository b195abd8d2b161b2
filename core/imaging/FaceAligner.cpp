#include "core/imaging/FaceAligner.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace exemplar {

cv::Mat eyeAlignmentTransform(const EyeCentres& eyes, int side, const AlignmentGeometry& geometry)
{
    const cv::Point2d l(eyes.left.x, eyes.left.y), r(eyes.right.x, eyes.right.y);
    const cv::Point2d targetL(geometry.leftEyeX * side, geometry.eyeY * side);
    const cv::Point2d targetR(geometry.rightEyeX * side, geometry.eyeY * side);
    const double eyeDistance = std::max(1e-6, std::hypot(r.x - l.x, r.y - l.y));
    const double scale = (targetR.x - targetL.x) / eyeDistance;
    const double angle = std::atan2(r.y - l.y, r.x - l.x); // rotating by -angle levels the eyes
    const double c = std::cos(-angle) * scale, s = std::sin(-angle) * scale;
    // [c -s; s c] * p + t maps the eye midpoint onto the target midpoint.
    const cv::Point2d mid = (l + r) * 0.5, targetMid = (targetL + targetR) * 0.5;
    cv::Mat m = (cv::Mat_<double>(2, 3) << c, -s, targetMid.x - (c * mid.x - s * mid.y), s, c,
                 targetMid.y - (s * mid.x + c * mid.y));
    return m;
}

cv::Rect2d squareAround(const cv::Rect& box)
{
    const double side = std::max(box.width, box.height);
    return {box.x + box.width / 2.0 - side / 2, box.y + box.height / 2.0 - side / 2, side, side};
}

cv::Mat cropFace(const cv::Mat& image, const cv::Rect& box, const std::optional<EyeCentres>& eyes, int side,
                 bool align, const AlignmentGeometry& geometry)
{
    if (image.empty() || side <= 0) return {};
    cv::Mat transform;
    double shrink = 1; // how much the crop shrinks the photo: decides the interpolation
    if (align && eyes) {
        transform = eyeAlignmentTransform(*eyes, side, geometry);
        shrink = 1 / std::hypot(transform.at<double>(0, 0), transform.at<double>(1, 0));
    } else {
        const cv::Rect2d sq = squareAround(box.area() > 0 ? box : cv::Rect(0, 0, image.cols, image.rows));
        const double s = side / sq.width;
        transform = (cv::Mat_<double>(2, 3) << s, 0, -sq.x * s, 0, s, -sq.y * s);
        shrink = 1 / s;
    }
    // warpAffine has no area filter: shrinking a large photo by more than 2x first halves it with
    // pyrDown so that the bilinear warp does not alias.
    cv::Mat source = image;
    while (shrink > 2.0 && std::min(source.cols, source.rows) > 2 * side) {
        cv::Mat half;
        cv::pyrDown(source, half);
        const double fx = double(source.cols) / half.cols, fy = double(source.rows) / half.rows;
        transform.col(0) *= fx;
        transform.col(1) *= fy;
        source = half;
        shrink /= 2;
    }
    cv::Mat out;
    cv::warpAffine(source, out, transform, cv::Size(side, side), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}

} // namespace exemplar
