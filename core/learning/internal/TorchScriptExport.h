#pragma once
// INTERNAL (includes torch): turns a trained ConvNet into a self-contained TorchScript module.
// C++ libtorch cannot script an nn::Module, so the module is rebuilt: the trained tensors are
// registered as parameters/buffers and forward() is defined from generated TorchScript source
// that applies the same aten ops in inference mode. torch::jit::load (C++ or Python) reloads it.
#include "core/learning/internal/Network.h"

#include <torch/script.h>

namespace exemplar::learning {

torch::jit::Module toTorchScript(ConvNet& net);

} // namespace exemplar::learning
