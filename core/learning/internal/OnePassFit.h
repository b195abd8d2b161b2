#pragma once
// INTERNAL (includes torch): the one-pass fits of a pretrained backbone (TrainingConfig::backboneFit
// class_biases and linear_head): the training faces scored once by the frozen model, then one
// convex solve, within the run's time limit.
#include "core/learning/TrainingData.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/LinearFit.h"
#include "core/util/Cancellation.h"

#include <QElapsedTimer>
#include <QStringList>
#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace exemplar::learning {

// The frozen pretrained model's evaluated outputs for some rows (BackboneNetImpl::evaluated, through
// the fold cache when there is one).
using EvaluatedRows = std::function<EvaluatedFaces(const std::vector<int>& rows)>;

struct FittedHead {
    LinearFit fit;
    std::vector<int> truth; // the label of each fitted face, in the order of fit.predicted
    size_t offered = 0;     // the task's training faces, fitted or left unscored by the time limit
    bool asIs = false;      // class biases left out: the pretrained classifier did better as it is
};

// The network as a pretrained backbone; throws when it is not one.
BackboneNetImpl& backboneOf(const std::shared_ptr<ClassifierNet>& net);

// How a one-pass fit keeps a time limit (TrainingConfig::maxMinutes), as gradient training keeps it
// by not starting an epoch it cannot finish. Scoring the training faces is most of the work (nine
// views each), so it stops when the faces still to score would not leave time to solve and then
// validate (validation faces cost what training faces did); the fit uses the faces scored, and
// cross-validation tries no further penalty once another one would overrun.
class OnePassBudget {
public:
    using Progress = std::function<void(size_t scored, size_t total, const OnePassBudget&)>;
    // seconds: what is left of the limit (0: no limit); solveShare: the part of it kept for solving;
    // progress: told after each chunk scored.
    OnePassBudget(double seconds, double solveShare, size_t validationFaces, Progress progress)
        : seconds_(seconds), solveShare_(solveShare), validationFaces_(validationFaces), progress_(std::move(progress))
    {
        timer_.start();
    }
    double elapsed() const { return double(timer_.elapsed()) / 1000.0; }
    void scored(size_t faces, size_t total)
    {
        scored_ = faces;
        scoringSeconds_ = elapsed();
        if (progress_) progress_(faces, total, *this);
    }
    // Seconds left to the end of the fit's pass: the faces still to score and the validation
    // faces at the rate measured so far, within the limit.
    double secondsToGo(size_t total) const
    {
        const double toGo = secondsPerFace() * double(total - std::min(total, scored_) + validationFaces_);
        return seconds_ > 0 ? std::clamp(seconds_ - elapsed(), 0.0, toGo) : toGo;
    }
    bool scoringMayGoOn() const
    {
        return seconds_ <= 0 || elapsed() + validationSeconds() < (1 - solveShare_) * seconds_;
    }
    // Does work expected to take this long still fit in the limit, validation after it included?
    bool roomFor(double seconds) const { return seconds_ <= 0 || elapsed() + seconds + validationSeconds() <= seconds_; }
    double scoringSeconds() const { return scoringSeconds_; }

private:
    double secondsPerFace() const { return scored_ ? scoringSeconds_ / double(scored_) : 0; }
    double validationSeconds() const { return secondsPerFace() * double(validationFaces_); }
    double seconds_, solveShare_;
    size_t validationFaces_;
    Progress progress_;
    size_t scored_ = 0;
    double scoringSeconds_ = 0;
    QElapsedTimer timer_;
};

// Scores the training faces of the task's classes with the network as it is (in evaluation: over
// its test-time views) and adds the fitted class biases to it, if cross-validation by identity on
// those faces says the biases do better than the model as it is (else FittedHead::asIs, the
// network untouched); nullopt when cancelled.
std::optional<FittedHead> fitBiasesToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                     size_t chunk, const std::vector<int>& trainRows,
                                                     const std::vector<int>& labelOfRow,
                                                     const std::vector<TrainingSample>& samples, const QStringList& classes,
                                                     quint64 seed, OnePassBudget& budget, const CancelFlag& cancel,
                                                     const std::function<void(const QString&)>& message);

// Fits a linear classifier on the pretrained model's pooled features and its logits, both averaged
// over the test-time views as evaluation averages them, in one convex solve; its L2 penalty chosen
// by cross-validation by identity over the training faces. nullopt when cancelled.
std::optional<FittedHead> fitLinearHeadToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                       size_t chunk, const std::vector<int>& trainRows,
                                                       const std::vector<int>& labelOfRow,
                                                       const std::vector<TrainingSample>& samples, const QStringList& classes,
                                                       quint64 seed, OnePassBudget& budget, const CancelFlag& cancel,
                                                       const std::function<void(const QString&)>& message);

} // namespace exemplar::learning
