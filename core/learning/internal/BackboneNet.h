#pragma once
// INTERNAL (includes torch): transfer learning from a pretrained TF.js face model. The graph is cut
// before its classification head (the last convolution before global pooling); its features are
// averaged over the image and a new linear head maps them to the task's classes. The module takes
// [B,1,S,S] floats in [0,1] like the from-scratch nets and applies the pretrained model's own
// scaling, (x - 0.5) * 2, itself, so the exported model needs no other preprocessing.
#include "core/learning/internal/Network.h"
#include "core/learning/tfjs/TfjsGraphModule.h"

namespace exemplar::learning {

struct BackboneSpec {
    QString name;      // "emotion", "gender", ...
    QString modelJson; // the pretrained model.json
    int classCount = 2;
    double dropout = 0.3;
    int headEpochs = 3;         // epochs 1..headEpochs train the head only
    double fineTuneFactor = 0.1; // learning-rate factor once every layer trains
};

class BackboneNetImpl : public ClassifierNet {
public:
    // Throws exemplar::Error naming the file when the model cannot be read or has no head to cut.
    explicit BackboneNetImpl(const BackboneSpec& spec);

    torch::Tensor forward(torch::Tensor x) override;
    // The pooled backbone features the head classifies, [B, featureCount()].
    torch::Tensor embed(torch::Tensor x);
    void setInputStatistics(const torch::Tensor&, const torch::Tensor&) override {}
    double beginEpoch(int epoch) override;
    QJsonObject describe() const override;

    bool backboneFrozen() const { return frozen_; }
    void setBackboneFrozen(bool frozen);

    const BackboneSpec& spec() const { return spec_; }
    const TfjsGraphModule& graph() const { return graph_; }
    QString featureNode() const { return featureNode_; }
    int featureCount() const { return featureCount_; }
    torch::nn::Linear head() const { return head_; }

private:
    BackboneSpec spec_;
    TfjsGraphModule graph_{nullptr};
    QString featureNode_;
    int featureCount_ = 0;
    torch::nn::Linear head_{nullptr};
    bool frozen_ = false;
};
TORCH_MODULE(BackboneNet);

// The network a configuration asks for: a ConvNet, or a BackboneNet on the installed pretrained
// model (throws exemplar::Error with the install how-to when it is missing).
std::shared_ptr<ClassifierNet> makeNetwork(const TrainingConfig& config, int classCount);

} // namespace exemplar::learning
