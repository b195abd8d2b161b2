#pragma once
// INTERNAL (includes torch): a fine-tuned BackboneNet as a self-contained TorchScript module, like
// toTorchScript(ConvNet&): the graph's steps are written out as TorchScript source (define()) over
// the trained tensors, so neither the pretrained files nor Exemplar's loader are needed to run it.
// forward(x) returns logits and embed(x) the pooled features the head classifies; x is
// [B,C,S,S] in [0,1].
#include "core/learning/internal/BackboneNet.h"

#include <torch/script.h>

namespace exemplar::learning {

torch::jit::Module toTorchScript(BackboneNetImpl& net);

// The graph alone up to `node`: forward(x) returns what graph.forwardTo(x, node) does, with the
// same NCHW input (used to check each op's export).
torch::jit::Module toTorchScript(TfjsGraphModuleImpl& graph, const QString& node);

} // namespace exemplar::learning
