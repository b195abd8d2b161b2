#pragma once
// INTERNAL (includes torch): the convolutional networks the engine trains.
// Both families are "blocks of conv-BN-ReLU then 2x2 max-pool, global average pool, linear":
// compact = one conv per block; vgg = two convs per block plus a hidden fully-connected layer.
// Inputs are [B,C,H,W] floats in [0,1]; the net normalises them itself (mean/std buffers), so
// the exported model needs no preprocessing beyond decoding and resizing.
#include "core/learning/TrainingConfig.h"

#include <QJsonObject>
#include <torch/torch.h>

#include <vector>

namespace exemplar::learning {

struct NetworkSpec {
    int inChannels = 1;
    int classCount = 2;
    std::vector<int> blockChannels; // one entry per block
    int convsPerBlock = 1;
    int hidden = 0; // 0: no hidden fully-connected layer
    double dropout = 0.3;
    bool flipAverage = false; // evaluation averages the face and its mirror image

    static NetworkSpec fromConfig(const TrainingConfig& config, int classCount);
    QJsonObject toJson() const;
};

// What the trainer needs of any network it trains: the from-scratch ConvNet or a pretrained
// backbone with a new head (tfjs/BackboneNet.h). Inputs are [B,C,S,S] floats in [0,1].
class ClassifierNet : public torch::nn::Module {
public:
    virtual torch::Tensor forward(torch::Tensor x) = 0;
    // Per-channel statistics of the training images; networks with fixed preprocessing ignore them.
    virtual void setInputStatistics(const torch::Tensor& mean, const torch::Tensor& stdev) = 0;
    // Some training images (floats in [0,1]) before the first epoch, for statistics a network keeps
    // fixed while it trains (BackboneNet: the scale of its pretrained features). On resume the
    // checkpoint, loaded afterwards, restores the statistics the run started with.
    virtual void fitTrainingSample(const torch::Tensor& images) { (void)images; }
    // Called at the start of every epoch (1-based): lets a network freeze or unfreeze layers.
    // Returns the factor applied to the scheduled learning rate of pretrainedParameters() during
    // that epoch (the other parameters always get the scheduled rate).
    virtual double beginEpoch(int epoch) { (void)epoch; return 1.0; }
    // Weights that come from a pretrained model (none for a net trained from scratch): the trainer
    // puts them in their own optimiser group so a new head can learn fast while they move slowly.
    virtual std::vector<torch::Tensor> pretrainedParameters() { return {}; }
    // Shape of the network for the run record and the exported model's sidecar.
    virtual QJsonObject describe() const = 0;
    // Drops every output after the first `count` (the auxiliary classes, once training is over).
    virtual void keepOutputs(int count) = 0;
};

// Keeps the first `count` rows of a linear layer's weights and biases.
void keepLinearOutputs(torch::nn::Linear& layer, int count);

class ConvNetImpl : public ClassifierNet {
public:
    explicit ConvNetImpl(const NetworkSpec& spec);
    // Logits of x; in evaluation with spec.flipAverage, averaged over x and its mirror image.
    torch::Tensor forward(torch::Tensor x) override;
    // What the classifier reads (before dropout), for one orientation.
    torch::Tensor features(torch::Tensor x);

    // Per-channel statistics of the training images (in [0,1]), used to normalise inputs.
    void setInputStatistics(const torch::Tensor& mean, const torch::Tensor& stdev) override;
    QJsonObject describe() const override { return spec_.toJson(); }
    void keepOutputs(int count) override;

    const NetworkSpec& spec() const { return spec_; }
    // Layers in forward order, for the TorchScript export.
    const std::vector<torch::nn::Conv2d>& convs() const { return convs_; }
    const std::vector<torch::nn::BatchNorm2d>& norms() const { return norms_; }
    torch::nn::Linear hiddenLayer() const { return hiddenLayer_; }
    torch::nn::Linear classifier() const { return classifier_; }
    torch::Tensor inputMean() const { return inputMean_; }
    torch::Tensor inputStd() const { return inputStd_; }

private:
    NetworkSpec spec_;
    std::vector<torch::nn::Conv2d> convs_;
    std::vector<torch::nn::BatchNorm2d> norms_;
    torch::nn::Linear hiddenLayer_{nullptr};
    torch::nn::Linear classifier_{nullptr};
    torch::Tensor inputMean_, inputStd_;
};
TORCH_MODULE(ConvNet);

} // namespace exemplar::learning
