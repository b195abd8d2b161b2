#pragma once
// INTERNAL (includes torch): the test-time views a calibrated pretrained model averages over.
// The off-the-shelf emotion model is sensitive to framing: on faces-dev single crops move its
// balanced accuracy by +-0.05 in either direction, and the average of its logits over nine crops
// and paddings of each face (each with its mirror image) beats every single one (4 classes, ten
// identity-disjoint splits, bench_frozen_heads: 0.759 -> 0.808 zero-shot). The views are cut from
// the model's input tensor, so the exported TorchScript model (which emits the same integer boxes)
// needs nothing but the face it already receives.
#include <torch/torch.h>

#include <vector>

namespace exemplar::learning {

struct TestTimeView {
    int64_t pad = 0;                 // > 0: the whole face, its border replicated this many pixels
    int64_t x = 0, y = 0, size = 0;  // otherwise: this square crop (size == side: the face itself)
};

// The nine views of a side x side input: the face, centre crops of 90% and 80%, four 90% crops
// shifted by 5% of the side, and the face padded by 5% and 10% on each side.
std::vector<TestTimeView> testTimeViews(int64_t side);

// One view of [B,C,side,side] images, resized back to side x side (bilinear, as
// torch.upsample_bilinear2d with align_corners false, which the export calls).
torch::Tensor viewOf(const torch::Tensor& x, const TestTimeView& view);

} // namespace exemplar::learning
