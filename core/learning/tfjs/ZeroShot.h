#pragma once
// The off-the-shelf baseline (issue #8): a pretrained classifier (the "emotion" or "gender" TF.js
// model) evaluated as is, its classes mapped onto the task's by name, on exactly the validation
// and test images a training run with the same configuration (seed, fractions) holds out. The
// result is a TrainingResult, so RunRecorder records it as a run beside the trained ones.
#include "core/learning/TrainingConfig.h"
#include "core/learning/TrainingData.h"
#include "core/learning/TrainingJob.h"
#include "core/util/Cancellation.h"

#include <QStringList>
#include <functional>
#include <vector>

namespace exemplar::learning {

// Output classes of a known pretrained model, in output order.
QStringList pretrainedModelClasses(const QString& model);

// For each model class, the index of the task class it means (by name and common synonyms,
// case-insensitive: happy -> happiness, angry -> anger, ...), or -1.
std::vector<int> mapPretrainedClasses(const QString& model, const QStringList& taskClasses);
// The task classes some model class maps onto, in the model's class order. Zero-shot needs two.
QStringList mappedTaskClasses(const QString& model, const QStringList& taskClasses);
// The task classes no model class maps onto, in task order. A distillation teacher needs none.
QStringList unmappedTaskClasses(const QString& model, const QStringList& taskClasses);
// The installed pretrained models that know every task class, in knownPretrainedModels() order:
// the teachers distillation can use (and "auto" chooses among).
QStringList teachersFor(const QStringList& taskClasses);

struct ZeroShotOptions {
    QString model = QStringLiteral("emotion"); // a knownPretrainedModels() name
    QString modelJson;                          // empty: found by ModelLocator
    int batchSize = 64;
    std::function<void(const QString&)> onMessage;
};

// Decodes every sample (the usable ones define the split, as in training), splits by identity
// with config.seed / fractions, and classifies the validation and test images. Each prediction is
// the task class whose mapped model class scores highest; probabilities are the mapped model
// probabilities renormalised over the task's classes (classes the model lacks get 0).
// result.modelDir is the pretrained model.json. Throws exemplar::Error when the model is not
// installed or fewer than two task classes map onto it.
TrainingResult evaluateZeroShot(const TrainingData& data, const TrainingConfig& config,
                                const ZeroShotOptions& options = {}, const CancelFlag* cancel = nullptr);

} // namespace exemplar::learning
