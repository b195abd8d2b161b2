#pragma once
// Several pretrained expression models as one TF.js graph, so the executor, backbone, export,
// zero-shot baseline and distillation take an ensemble as they take one model. An ensemble file
// (packaging/fetch-models.sh writes `faceapi+emotion.json`) names known models whose files sit
// beside it:
//   {"format": "exemplar-ensemble", "members": ["faceapi", "emotion"]}
// The graph reads its input as the first member does (ModelLocator's PretrainedModelInfo) and gives
// every other member the image as that member's own library would: rescaled to [0, 1], resized with
// TF's legacy bilinear sampling, turned gray with the models' luma, scaled to its range. Outputs:
//   kEnsembleLogitsNode   the members' log-probabilities averaged, in the first member's class order
//                         (each member's classes must be the same set of names);
//   kEnsembleOutputNode   their softmax (the graph's output);
//   kEnsembleFeatureNode  the members' pooled features side by side.
// Why average log-probabilities: on every labelled face of faces-dev the two expression models
// average to 0.572 balanced accuracy on six classes where the better alone scores 0.548 (README,
// Benchmarks); they err on different faces.
#include "core/learning/tfjs/TfjsGraphFile.h"

#include <QJsonObject>

namespace exemplar::learning {

inline constexpr const char* kEnsembleFormat = "exemplar-ensemble";
inline constexpr const char* kEnsembleFeatureNode = "ensemble/features";
inline constexpr const char* kEnsembleLogitsNode = "ensemble/logits";
inline constexpr const char* kEnsembleOutputNode = "ensemble/probabilities";

// `root`: the parsed ensemble file at `path`. Throws exemplar::Error naming the file: fewer than two
// members, an unknown member or one that is itself an ensemble, a member with a single sigmoid
// output, classes that differ between members, a gray first member with a colour one after it, or
// any error reading a member's own files.
TfjsGraphFile ensembleGraph(const QString& path, const QJsonObject& root);

} // namespace exemplar::learning
