#pragma once
// INTERNAL: the training procedure behind TrainingJob (one call = one run or resumed run).
#include "core/learning/TrainingJob.h"

namespace exemplar::learning {

TrainingResult trainModel(const TrainingData& data, const TrainingConfig& config,
                          const QString& workDir, const TrainingCallbacks& callbacks,
                          TrainingJob::Resume resume, const CancelFlag& cancel, FoldCache* cache = nullptr);

// The configuration plus what identifies the data (classes, files, labels, identities), as
// stored in checkpoints: a checkpoint is only resumed for the same setup.
QJsonObject trainingSetup(const TrainingData& data, const TrainingConfig& config);

} // namespace exemplar::learning
