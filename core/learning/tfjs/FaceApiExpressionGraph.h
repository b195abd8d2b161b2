#pragma once
// face-api's facial-expression network (npm @vladmandic/face-api, MIT) as a TF.js graph.
// face-api ships its models as bare weights manifests (face_expression_model-weights_manifest.json
// + face_expression_model.bin): the network is code in face-api, not a graph in the files. The
// graph built here follows that code (src/faceFeatureExtractor/denseBlock.ts, FaceFeatureExtractor.ts,
// src/faceExpressionNet/FaceExpressionNet.ts), so Exemplar's graph executor, backbone, export and
// numeric check treat it like the graph models:
//   input [N,112,112,3] RGB 0..255 -> minus the mean RGB [122.782, 117.001, 104.298] -> / 255 ->
//   four dense blocks (dense0: conv 3x3 stride 2, dense1-3: separable conv stride 2; then three
//   separable convs, each reading the ReLU of the sum of all earlier outputs of the block) ->
//   average over the 7x7 map ("features", 256) -> fully connected ("fc/logits", 7) -> softmax
//   ("expressions": neutral, happy, sad, angry, fearful, disgusted, surprised).
// face-api pads a face to a square with black before resizing it to 112; Exemplar's faces are
// squares already (a centre square of the image), so nothing is padded.
#include "core/learning/tfjs/TfjsGraphFile.h"

namespace exemplar::learning {

// Node names of the graph, for the backbone and zero-shot readers.
inline constexpr const char* kFaceApiFeatureNode = "features";
inline constexpr const char* kFaceApiLogitsNode = "fc/logits";
inline constexpr const char* kFaceApiOutputNode = "expressions";

// `manifest`: the parsed JSON list of `manifestPath`. Throws exemplar::Error naming the file when a
// weight the network needs is missing or misshapen, or a weight file is short or unreadable.
TfjsGraphFile faceApiExpressionGraph(const QString& manifestPath, const QJsonArray& manifest);

} // namespace exemplar::learning
