#include "core/learning/internal/TestTimeViews.h"

#include <algorithm>
#include <cmath>

namespace exemplar::learning {

std::vector<TestTimeView> testTimeViews(int64_t side)
{
    const auto px = [side](double fraction) { return int64_t(std::lround(double(side) * fraction)); };
    const auto crop = [&](double scale, double dx, double dy) {
        const int64_t size = px(scale);
        const double centred = double(side - size) / 2;
        const auto at = [&](double shift) {
            return std::clamp<int64_t>(std::lround(centred + shift * double(side)), 0, side - size);
        };
        return TestTimeView{0, at(dx), at(dy), size};
    };
    return {crop(1.0, 0, 0),         crop(0.9, 0, 0),         crop(0.8, 0, 0),
            crop(0.9, -0.05, -0.05), crop(0.9, 0.05, -0.05),  crop(0.9, -0.05, 0.05),
            crop(0.9, 0.05, 0.05),   TestTimeView{px(0.05)},  TestTimeView{px(0.10)}};
}

torch::Tensor viewOf(const torch::Tensor& x, const TestTimeView& view)
{
    namespace F = torch::nn::functional;
    const int64_t side = x.size(2);
    torch::Tensor cut;
    if (view.pad > 0)
        cut = F::pad(x, F::PadFuncOptions({view.pad, view.pad, view.pad, view.pad}).mode(torch::kReplicate));
    else if (view.size == side)
        return x;
    else
        cut = x.slice(2, view.y, view.y + view.size).slice(3, view.x, view.x + view.size);
    return F::interpolate(cut, F::InterpolateFuncOptions()
                                   .size(std::vector<int64_t>{side, side})
                                   .mode(torch::kBilinear)
                                   .align_corners(false));
}

} // namespace exemplar::learning
