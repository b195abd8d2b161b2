#pragma once
// The contents of a TF.js graph model (model.json + weight shards), parsed and decoded but not yet
// executable. Torch-free: the weights are plain float/int vectors in TF.js layout (NHWC
// activations, HWIO conv kernels), exactly as the manifest declares them.
//
// Weights are read in the order of weightsManifest (groups, then weights within a group), which
// is the order their bytes are concatenated across the group's shard files; graph node order is
// unrelated.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <vector>

namespace exemplar::learning {

struct TfjsNode {
    QString name;
    QString op;
    QStringList inputs; // data inputs, ":0" suffixes and "^control" inputs removed
    QJsonObject attr;   // GraphDef attributes as TF.js stores them (strings base64-encoded)

    // attr[key].s decoded from base64 ("" when absent).
    QString stringAttr(const QString& key) const;
    // attr[key].list.s, each decoded from base64.
    QStringList stringListAttr(const QString& key) const;
    // attr[key].list.i (TF.js writes 64-bit ints as JSON strings).
    std::vector<qint64> intListAttr(const QString& key) const;
    bool boolAttr(const QString& key, bool fallback) const;
};

struct TfjsWeight {
    QString name;
    QString dtype; // as declared: "float32" or "int32" (after de-quantisation)
    std::vector<qint64> shape;
    std::vector<float> floats; // dtype float32
    std::vector<qint32> ints;  // dtype int32
    qint64 elementCount() const;
};

struct TfjsGraphFile {
    QString path; // the model.json
    std::vector<TfjsNode> nodes;
    std::vector<TfjsWeight> weights; // manifest order

    const TfjsWeight* weight(const QString& name) const; // nullptr when absent
    const TfjsNode* node(const QString& name) const;

    // The last convolution before global pooling (the classifier head of the face models): the
    // convolution a Mean reads, through Identity, BiasAdd and ReLUs; empty when there is none.
    QString headConvolution() const;
    // The node that convolution reads (the features a new head is put on), or empty.
    QString headInput() const;
};

// Throws exemplar::Error naming the file and the problem: unreadable or malformed JSON, not a graph
// model, a missing or short weight file, an unsupported dtype or quantisation. A bare weights
// manifest (a JSON list, as face-api ships its models) is read as face-api's expression network
// (FaceApiExpressionGraph.h), the one such network Exemplar knows; an ensemble file (format
// "exemplar-ensemble") as its members' graphs joined (EnsembleGraph.h).
TfjsGraphFile readTfjsGraphModel(const QString& modelJsonPath);

// The weights a manifest (model.json's weightsManifest, or a face-api *-weights_manifest.json)
// lists, decoded in manifest order; shard paths are relative to `manifestFile`'s directory, which
// errors name with the weight and the shard.
std::vector<TfjsWeight> readTfjsWeights(const QJsonArray& manifest, const QString& manifestFile);

// Decodes one manifest entry's bytes (`quantization` may be empty). Exposed for tests of the
// quantisation formats. Throws exemplar::Error when the entry or byte count is invalid.
TfjsWeight decodeTfjsWeight(const QJsonObject& manifestEntry, const QByteArray& bytes);
// Bytes one manifest entry occupies in the weight buffer.
qint64 tfjsWeightByteSize(const QJsonObject& manifestEntry);

} // namespace exemplar::learning
