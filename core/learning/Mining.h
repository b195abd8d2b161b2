#pragma once
// Rankings over a scoring's per-image probabilities and embeddings (ScoreStore.h), for finding
// exemplars among unlabelled faces and disputed labels among labelled ones. Pure functions, no
// torch, no catalogue access: callers pass the scores and which images are candidates.
//
// Every ranking is sorted best first (ties broken by image id, so results are reproducible).
// Embeddings are compared after L2 normalisation (the scale of penultimate features varies between
// models; the direction is what separates expressions). An image with no embedding is compared by
// its probabilities instead (models exported before embed() existed).
#include "core/catalogue/ScoreStore.h"
#include "core/learning/Metrics.h"

#include <QHash>
#include <QSet>
#include <optional>
#include <vector>

namespace exemplar::learning {

enum class MiningMode {
    Likely,    // probability of one class, highest first
    Uncertain, // smallest margin between the two most probable classes first
    Different, // farthest (mean distance to the k nearest labelled embeddings) first
};
QString miningModeName(MiningMode mode); // "likely", "uncertain", "different"
std::optional<MiningMode> miningModeFromName(const QString& name);

struct RankedImage {
    qint64 imageId = 0;
    double score = 0;     // what the ranking sorts on: probability, margin, or distance
    int predicted = -1;   // most probable class index
    float confidence = 0; // its probability
};

// `candidates` empty: every scored image is a candidate.
std::vector<RankedImage> rankMostLikely(const QVector<ImageScore>& scores, int classIndex,
                                        const QSet<qint64>& candidates = {});
// score = margin p(top) - p(second); ascending.
std::vector<RankedImage> rankMostUncertain(const QVector<ImageScore>& scores, const QSet<qint64>& candidates = {});
// score = mean distance to the k nearest images of `labelled` (a candidate that is itself labelled
// is not its own neighbour); descending. Throws exemplar::Error when no labelled image is scored.
std::vector<RankedImage> rankMostDifferent(const QVector<ImageScore>& scores, const QSet<qint64>& labelled,
                                           const QSet<qint64>& candidates = {}, int k = 5);
// The `top` images nearest to `imageId` (itself left out); score = distance, ascending. Distance 0
// means the same pixels as far as the model can tell (identical files are merged at import).
// Throws exemplar::Error when the image has no score.
std::vector<RankedImage> rankNearDuplicates(const QVector<ImageScore>& scores, qint64 imageId, int top = 50);

struct DisputedLabel {
    qint64 imageId = 0;
    int labelIndex = -1;         // the curator's / imported class, in the scoring's class order
    int predicted = -1;          // the model's most probable class
    float labelProbability = 0;  // p(label)
    float predictedProbability = 0;
    double score = 0;            // 1 - p(label): how strongly the model disagrees
};
// Labelled images (labelIndex: image id -> class index in the scoring's order; images whose class
// the scoring lacks are left out by the caller), most disputed first.
std::vector<DisputedLabel> rankDisputedLabels(const QVector<ImageScore>& scores, const QHash<qint64, int>& labelIndex);

// How the cross-validated models did on every labelled image they scored: their most probable
// class against its label, over `classes` (the scoring's, in its order). Each image was scored by
// a model that never trained on that person, so this is an estimate for new people that rests on
// every labelled face, not on one test split. personOfImage (Catalogue::identities) gives the
// balanced accuracy's interval over people; an image missing from it is a person of its own.
Metrics crossValidatedMetrics(const std::vector<DisputedLabel>& labelled, const QStringList& classes,
                              const QHash<qint64, QString>& personOfImage);

// Image ids of a ranking, in order, at most `top` (top <= 0: all).
QVector<qint64> rankedIds(const std::vector<RankedImage>& ranking, int top = 0);

} // namespace exemplar::learning
