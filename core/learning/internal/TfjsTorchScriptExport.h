#pragma once
// INTERNAL (includes torch): a fine-tuned BackboneNet as a self-contained TorchScript module, like
// toTorchScript(ConvNet&): the graph's steps are written out as TorchScript source (define()) over
// the trained tensors, so neither the pretrained files nor Exemplar's loader are needed to run it.
// forward(x) returns logits and embed(x) the pooled features the head classifies; x is
// [B,1,S,S] in [0,1].
#include "core/learning/internal/BackboneNet.h"

#include <torch/script.h>

namespace exemplar::learning {

torch::jit::Module toTorchScript(BackboneNetImpl& net);

} // namespace exemplar::learning
