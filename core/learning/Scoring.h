#pragma once
// Scores the images of a catalogue with an exported model of a task and stores the class
// probabilities and embeddings as a scoring (ScoreStore.h). Torch-free header.
//
// Threading: uses the given Catalogue on the calling thread only (a GUI runs it in a worker that
// opens its own Catalogue). Nothing is stored when cancelled.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/ScoreStore.h"
#include "core/util/Cancellation.h"
#include "core/util/Error.h"

#include <functional>
#include <optional>
#include <vector>

namespace exemplar::learning {

struct ScoringRequest {
    QString task;
    QString modelDir;        // empty: the model of the task's latest finished run (latestModel)
    bool unlabelledOnly = false; // default: every image (the labelled ones anchor "different")
    int batchSize = 64;
    int threads = 0;         // 0: all cores
};

struct ScoringOutcome {
    bool cancelled = false;
    qint64 scoringId = 0; // 0 when cancelled
    int scored = 0;
    bool embeddings = false; // false: the model has no embed(), probabilities stand in
    QString modelDir;
    std::optional<qint64> runId;
    std::vector<Issue> issues; // images that could not be decoded
};

struct LatestModel {
    qint64 runId = 0;
    QString modelDir;
};

// The newest finished run of the task whose exported model directory still exists. Throws
// exemplar::Error naming the catalogue and task when there is none.
LatestModel latestModel(const Catalogue& catalogue, qint64 taskId);

// progress(done, total) after each batch. Throws exemplar::Error when the task or the model is
// missing, or the model was trained for classes the task does not have.
ScoringOutcome scoreCatalogue(Catalogue& catalogue, const ScoringRequest& request,
                              const CancelFlag* cancel = nullptr,
                              const std::function<void(int, int)>& progress = {});

} // namespace exemplar::learning
