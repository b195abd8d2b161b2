#pragma once
// INTERNAL (includes torch): random augmentation of a whole batch at once (one affine_grid +
// grid_sample for all images, elementwise ops for the rest), which is what makes it cheap
// compared with per-image transforms.
#include "core/learning/TrainingConfig.h"

#include <torch/torch.h>

namespace exemplar::learning {

// batch: float [B,C,H,W] in [0,1]; returns a new batch in [0,1].
torch::Tensor augmentBatch(const torch::Tensor& batch, const TrainingConfig& config,
                           at::Generator& generator);

} // namespace exemplar::learning
