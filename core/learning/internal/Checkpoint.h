#pragma once
// INTERNAL (includes torch): the resume point of a run, rewritten after every epoch. Files are
// written beside the old ones and swapped in by rename, so a crash mid-write leaves the
// previous checkpoint usable.
#include "core/learning/TrainingJob.h"
#include "core/learning/internal/Network.h"
#include "core/learning/internal/WeightAverage.h"

#include <optional>
#include <torch/torch.h>

namespace exemplar::learning {

struct CheckpointState {
    QJsonObject config;
    int epochsDone = 0;
    double bestScore = -1; // the validation score config.selectOn names, of bestEpoch
    double bestValLoss = 1e300;
    int bestEpoch = 0;
    int staleEpochs = 0; // epochs since the best one
    double seconds = 0;  // training wall time so far
    std::vector<EpochProgress> history;
};

QString checkpointDir(const QString& workDir);
QString bestWeightsPath(const QString& workDir);

// `average` (optional) is saved and restored with the network.
void saveCheckpoint(const QString& workDir, const std::shared_ptr<ClassifierNet>& net, torch::optim::Optimizer& optimizer,
                    const WeightAverage* average, const CheckpointState& state);
std::optional<CheckpointState> readCheckpointState(const QString& workDir);
void loadCheckpoint(const QString& workDir, const std::shared_ptr<ClassifierNet>& net, torch::optim::Optimizer& optimizer,
                    WeightAverage* average);
void removeCheckpoint(const QString& workDir);

// Saves the model weights to `path` atomically (write then rename).
void saveWeights(const std::shared_ptr<ClassifierNet>& net, const QString& path);

// The configuration keys that must match for a checkpoint to be resumed (the epoch budget,
// patience, time limit and thread count may change between attempts).
bool sameTrainingSetup(const QJsonObject& a, const QJsonObject& b);

} // namespace exemplar::learning
