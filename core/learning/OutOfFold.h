#pragma once
// Label review by k-fold cross-validation: the labelled images of a task are split into k folds by
// identity (all images of one person in the same fold, so no model ever scores a person it trained
// on), a model is trained on k-1 folds and scores the held-out one. The out-of-fold probabilities
// are stored as a scoring of kind "out_of_fold"; rankDisputedLabels (Mining.h) then lists the
// labels the models disagree with most. Torch-free header.
//
// Threading: runs on the calling thread and uses the Catalogue there (a GUI opens its own in a
// worker). Nothing is stored when cancelled.
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/Split.h"
#include "core/learning/TrainingConfig.h"
#include "core/learning/TrainingData.h"
#include "core/util/Cancellation.h"

#include <functional>
#include <vector>

namespace exemplar::learning {

struct OutOfFoldRequest {
    DatasetSelection selection; // task and classes (empty: every class with images)
    int folds = 5;
    TrainingConfig config;      // per fold; testFraction is forced to 0 (the held-out fold is the test)
    QString workDir;            // fold models go to workDir/fold-N; empty: a temporary folder
};

struct OutOfFoldProgress {
    int fold = 0; // 1-based
    int folds = 0;
    QString phase; // "training", "scoring"
    double fraction = 0; // of the whole review, 0..1
    double imagesPerSecond = 0; // the fold's training throughput (0 outside training)
};

struct OutOfFoldOutcome {
    bool cancelled = false;
    qint64 scoringId = 0;
    int scored = 0;
    QStringList classes;
    std::vector<Issue> issues;
    // Work done once for all folds (FoldCache): images decoded, faces scored by a pretrained model
    // that the folds' one-pass fits leave as it is (0 for gradient-trained folds), and faces a
    // teacher model labelled for gradient-trained folds (distillation; per teacher tried).
    int facesDecoded = 0;
    int facesScoredByPretrainedModel = 0;
    int facesLabelledByTeacher = 0;
};

OutOfFoldOutcome runOutOfFold(Catalogue& catalogue, const OutOfFoldRequest& request,
                              const CancelFlag* cancel = nullptr,
                              const std::function<void(const OutOfFoldProgress&)>& progress = {});

} // namespace exemplar::learning
