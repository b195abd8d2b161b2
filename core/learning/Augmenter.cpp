#include "core/learning/internal/Augmenter.h"

#include <cmath>

namespace exemplar::learning {

namespace {
// Uniform in [-1, 1), one value per image.
torch::Tensor symmetric(int64_t b, at::Generator& g) { return torch::rand({b}, g) * 2 - 1; }
} // namespace

torch::Tensor augmentBatch(const torch::Tensor& batch, const TrainingConfig& config,
                           at::Generator& g)
{
    namespace F = torch::nn::functional;
    torch::NoGradGuard noGrad;
    const int64_t b = batch.size(0), h = batch.size(2), w = batch.size(3);
    torch::Tensor x = batch;

    if (config.flip) {
        const auto flip = (torch::rand({b}, g) < 0.5).view({b, 1, 1, 1});
        x = torch::where(flip, x.flip({3}), x);
    }

    if (config.rotationDegrees > 0 || config.scale > 0 || config.shift > 0) {
        const auto angle = symmetric(b, g) * (config.rotationDegrees * M_PI / 180.0);
        const auto zoom = 1 + symmetric(b, g) * config.scale;
        // affine_grid works in [-1,1] coordinates: a shift of f image widths is 2f.
        const auto tx = symmetric(b, g) * (2 * config.shift);
        const auto ty = symmetric(b, g) * (2 * config.shift);
        // theta maps output to input coordinates, so zooming in by s samples a 1/s-sized area.
        const auto c = torch::cos(angle) / zoom, s = torch::sin(angle) / zoom;
        const auto theta = torch::stack({c, -s, tx, s, c, ty}, 1).view({b, 2, 3});
        const auto grid = F::affine_grid(theta, {b, batch.size(1), h, w}, false);
        x = F::grid_sample(x, grid,
                           F::GridSampleFuncOptions()
                               .mode(torch::kBilinear)
                               .padding_mode(torch::kBorder)
                               .align_corners(false));
    }

    if (config.brightness > 0 || config.contrast > 0) {
        const auto contrast = (1 + symmetric(b, g) * config.contrast).view({b, 1, 1, 1});
        const auto brightness = (symmetric(b, g) * config.brightness).view({b, 1, 1, 1});
        const auto mean = x.mean({1, 2, 3}, true);
        x = ((x - mean) * contrast + mean + brightness).clamp(0, 1);
    }

    if (config.erasing > 0) {
        // One rectangle per chosen image, 2-20% of the area, aspect 0.3-3.3, filled with noise.
        const auto apply = torch::rand({b}, g) < config.erasing;
        const auto area = 0.02 + torch::rand({b}, g) * 0.18;
        const auto logAspect = (torch::rand({b}, g) * 2 - 1) * std::log(3.3);
        const auto aspect = torch::exp(logAspect);
        const auto eh = (torch::sqrt(area * aspect) * h).clamp_max(h);
        const auto ew = (torch::sqrt(area / aspect) * w).clamp_max(w);
        const auto y0 = torch::rand({b}, g) * (h - eh);
        const auto x0 = torch::rand({b}, g) * (w - ew);
        const auto rows = torch::arange(h, torch::kFloat).view({1, h, 1});
        const auto cols = torch::arange(w, torch::kFloat).view({1, 1, w});
        const auto v = [&](const torch::Tensor& t) { return t.view({b, 1, 1}); };
        const auto mask = (rows >= v(y0)) & (rows < v(y0 + eh)) & (cols >= v(x0)) &
                          (cols < v(x0 + ew)) & apply.view({b, 1, 1});
        x = torch::where(mask.unsqueeze(1), torch::rand(x.sizes(), g), x);
    }
    return x.contiguous();
}

} // namespace exemplar::learning
