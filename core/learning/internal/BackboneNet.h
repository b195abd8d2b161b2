#pragma once
// INTERNAL (includes torch): transfer learning from a pretrained TF.js face model.
// The pretrained classifier is kept, not thrown away: the task's logits are
//     head(standardised pooled features) + prior(pretrained logits)
// where the features are what the pretrained head convolution reads, averaged over the image, and
// the pretrained logits are that convolution's output averaged (the model's own pre-softmax scores).
// `prior` starts as the class mapping of the zero-shot baseline (happy -> happiness, ...) and `head`
// at zero, so training starts from the off-the-shelf model's predictions instead of from chance.
// (Before, a fresh linear head on the features alone had to relearn what the pretrained head knew
// from a few hundred rare-class faces and ended below zero-shot.) The features are standardised
// with a mean and deviation measured once on training images: their scales differ by orders of
// magnitude between channels. (A batch norm there made the head chase batch statistics.)
// In evaluation the logits are averaged over the image and its mirror image, or, with
// BackboneSpec::testTimeViews, over nine views of it and their mirrors (TestTimeViews.h).
// The module takes [B,C,S,S] floats in [0,1] like the from-scratch nets (C and S as the model
// wants them: PretrainedModelInfo) and applies the pretrained model's own scaling itself
// ((x - 0.5) * 2 for emotion/gender, x * 255 for faceres), so the exported model needs no other
// preprocessing. A model whose pretrained classifier is one sigmoid (faceres' sex) gives its logit
// z as the two logits [-z/2, z/2], whose softmax is the sigmoid's [1 - p, p].
#include "core/learning/internal/Network.h"
#include "core/learning/tfjs/TfjsGraphModule.h"

#include <functional>

namespace exemplar::learning {

struct BackboneSpec {
    QString name;      // "emotion", "gender", ...
    QString modelJson; // the pretrained model.json
    QStringList classNames; // the task's classes, in output order (mapped onto the model's by name)
    double dropout = 0.3;
    int headEpochs = 3;         // epochs 1..headEpochs train the head only
    double fineTuneFactor = 0.1; // learning-rate factor of the pretrained layers once they train
    // Input scaling and the nodes read (see PretrainedModelInfo); empty nodes: the classifier
    // convolution before global pooling and what it reads (emotion, gender).
    double inputScale = 2.0, inputShift = -1.0;
    QString featureNode, logitsNode;
    bool binaryLogit = false;
    // Evaluate over the nine test-time views (TestTimeViews.h) instead of the face alone: what a
    // calibrated pretrained classifier or linear head (TrainingConfig::backboneFit "class_biases",
    // "linear_head") is fitted on.
    bool testTimeViews = false;
    int64_t inputSide = 64; // the images' side (TrainingConfig::imageSize); the export's views are cut for it
};

// A pretrained model's evaluated outputs for some faces, row for row (BackboneNetImpl::evaluated).
struct EvaluatedFaces {
    torch::Tensor features, logits, embedding;
};

class BackboneNetImpl : public ClassifierNet {
public:
    // Throws exemplar::Error naming the file when the model cannot be read or has no head to cut.
    explicit BackboneNetImpl(const BackboneSpec& spec);

    torch::Tensor forward(torch::Tensor x) override;
    // The pooled backbone features the head classifies, [B, featureCount()].
    torch::Tensor embed(torch::Tensor x);
    // Pooled features and pooled pretrained logits, from one pass.
    std::pair<torch::Tensor, torch::Tensor> features(torch::Tensor x);
    void setInputStatistics(const torch::Tensor&, const torch::Tensor&) override {}
    void fitTrainingSample(const torch::Tensor& images) override;
    double beginEpoch(int epoch) override;
    std::vector<torch::Tensor> pretrainedParameters() override { return graph_->parameters(); }
    QJsonObject describe() const override;
    void keepOutputs(int count) override;

    // Adds `biases` ([K] for the first K outputs) to the logits (through the prior's bias).
    void addClassBiases(const torch::Tensor& biases);

    // Pooled features and pretrained logits averaged as evaluation averages its logits (over the
    // image and its mirror, or the test-time views and their mirrors), and the embedding (the
    // pooled features of the face itself, as the export gives it), without gradients. In
    // evaluation the task's logits are head(standardised features) + prior(logits) of these, since
    // both layers are linear (logitsOfEvaluated): what a one-pass fit leaves unchanged can be
    // computed once (FoldCache).
    EvaluatedFaces evaluated(torch::Tensor x);
    torch::Tensor logitsOfEvaluated(const EvaluatedFaces& faces);
    // Standardise the features with the mean and deviation of `features` ([N, featureCount()]).
    void setFeatureStatistics(const torch::Tensor& features);
    torch::Tensor standardise(const torch::Tensor& features) const { return (features - featureMean_) * featureScale_; }
    // Replaces the new layers' first K outputs (the task's classes; auxiliary outputs after them
    // are left as they are): the head's weights [K, featureCount()], the prior's [K, pretrained
    // classes] and one bias per class.
    void setLinearLayers(const torch::Tensor& headWeights, const torch::Tensor& priorWeights, const torch::Tensor& biases);

    bool backboneFrozen() const { return frozen_; }
    void setBackboneFrozen(bool frozen);

    const BackboneSpec& spec() const { return spec_; }
    const TfjsGraphModule& graph() const { return graph_; }
    QString featureNode() const { return featureNode_; }
    QString logitsNode() const { return logitsNode_; }
    bool binaryLogit() const { return spec_.binaryLogit; }
    int featureCount() const { return featureCount_; }
    torch::nn::Linear head() const { return head_; }
    torch::nn::Linear prior() const { return prior_; }
    // Standardisation of the pooled features: (f - featureMean) * featureScale.
    torch::Tensor featureMean() const { return featureMean_; }
    torch::Tensor featureScale() const { return featureScale_; }
    int mappedClasses() const { return mappedClasses_; }

private:
    // fn applied to each evaluated view of x together with its mirror ([2B, ...] in, [2B, ...]
    // outs), each output averaged over the views and mirrors to [B, ...].
    std::vector<torch::Tensor> averageOverViews(const torch::Tensor& x,
                                                const std::function<std::vector<torch::Tensor>(const torch::Tensor&)>& fn);

    BackboneSpec spec_;
    TfjsGraphModule graph_{nullptr};
    QString featureNode_, logitsNode_;
    int featureCount_ = 0;
    int mappedClasses_ = 0; // task classes the prior starts mapped onto a pretrained class
    torch::nn::Linear head_{nullptr};
    torch::nn::Linear prior_{nullptr};
    torch::Tensor featureMean_, featureScale_; // buffers
    bool frozen_ = false;
};
TORCH_MODULE(BackboneNet);

// The network a configuration asks for: a ConvNet, or a BackboneNet on the installed pretrained
// model (throws exemplar::Error with the install how-to when it is missing).
std::shared_ptr<ClassifierNet> makeNetwork(const TrainingConfig& config, const QStringList& classNames);

} // namespace exemplar::learning
