#pragma once
// INTERNAL (includes torch): a pretrained model as teacher (TrainingConfig::distillFrom): its
// judgement of the training faces, which the student learns besides the labels, and the automatic
// choice of a teacher.
#include "core/learning/TrainingConfig.h"

#include <QString>
#include <QStringList>
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace exemplar::learning {

class FoldCache;

// The teacher's probabilities over the task's classes for the given rows of the decoded images
// (other rows stay zero: the teacher only looks at the faces it is asked about), at temperature t:
// the pretrained model as the zero-shot baseline uses it (its classes mapped onto the task's).
// The images are those decoded for the student; they are converted to what the teacher reads
// (gray or colour, its input size), as the zero-shot baseline would frame them. With a fold cache
// each face's logits are computed once for all folds (pathOfRow names a row's file there).
// Throws when the model does not know every class.
torch::Tensor teacherProbabilities(const QString& model, const TrainingConfig& config, const QStringList& classes,
                                   const torch::Tensor& pixels, const std::vector<int>& rows, double t, FoldCache* cache,
                                   const std::function<QString(int)>& pathOfRow);

// distill_from "auto": of the installed pretrained models that know every task class, the one with
// the best balanced accuracy on the validation faces, if it is skilled enough; else "none".
// Says why in messages, so the run's log explains its teacher.
QString chooseTeacher(const TrainingConfig& config, const QStringList& classes, const torch::Tensor& pixels,
                      const std::vector<int>& valRows, const std::vector<int>& labelOfRow, FoldCache* cache,
                      const std::function<QString(int)>& pathOfRow, const std::function<void(const QString&)>& message);

} // namespace exemplar::learning
