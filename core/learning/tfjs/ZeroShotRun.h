#pragma once
// Records the off-the-shelf baseline (ZeroShot.h) in the catalogue's run history, so every
// trained model of a task is listed next to what the pretrained model scores without training.
#include "core/learning/CatalogueTraining.h"
#include "core/learning/tfjs/ZeroShot.h"

namespace exemplar::learning {

// Evaluates `options.model` on the split `config` defines and records a finished run named
// "<task> zero-shot <model> (N classes)" with its test metrics, split and predictions; the run's
// model path is the pretrained model.json. A failure is recorded as a failed run and rethrown.
// Returns the run id; `result`, when given, receives what was recorded.
qint64 recordZeroShotRun(Catalogue& catalogue, const CatalogueDataset& dataset, const TrainingConfig& config,
                         const ZeroShotOptions& options = {}, const CancelFlag* cancel = nullptr,
                         TrainingResult* result = nullptr);

} // namespace exemplar::learning
