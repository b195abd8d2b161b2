#include "core/learning/internal/BackboneNet.h"

#include "core/learning/internal/ImageTensors.h"
#include "core/learning/internal/TestTimeViews.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

#include <QFileInfo>

namespace exemplar::learning {

BackboneNetImpl::BackboneNetImpl(const BackboneSpec& spec) : spec_(spec)
{
    const int classCount = int(spec.classNames.size());
    if (classCount < 2) throw Error(QStringLiteral("a backbone network needs at least two classes"));
    graph_ = register_module("backbone", TfjsGraphModule(readTfjsGraphModel(spec.modelJson)));
    logitsNode_ = spec.logitsNode.isEmpty() ? graph_->headConvolution() : spec.logitsNode;
    featureNode_ = spec.featureNode.isEmpty() ? graph_->headInput() : spec.featureNode;
    if (featureNode_.isEmpty() || logitsNode_.isEmpty())
        throw Error(QStringLiteral("%1: no classifier convolution before global pooling to replace")
                        .arg(spec.modelJson));
    const QStringList nodes = graph_->nodeNames();
    for (const QString& n : {featureNode_, logitsNode_})
        if (!nodes.contains(n))
            throw Error(QStringLiteral("%1: the graph has no node '%2' to read").arg(spec.modelJson, n));
    const auto shape = graph_->inputShapeNhwc();
    int modelClasses = 0;
    {
        torch::NoGradGuard noGrad;
        const int64_t side = shape[1] > 0 ? shape[1] : 64;
        const auto [f, z] = features(torch::zeros({1, shape[3] > 0 ? shape[3] : 1, side, side}));
        featureCount_ = int(f.size(1));
        modelClasses = int(z.size(1));
    }
    featureMean_ = register_buffer("feature_mean", torch::zeros({featureCount_}));
    featureScale_ = register_buffer("feature_scale", torch::ones({featureCount_}));
    head_ = register_module("head", torch::nn::Linear(featureCount_, classCount));
    prior_ = register_module("prior", torch::nn::Linear(modelClasses, classCount));
    torch::NoGradGuard noGrad;
    head_->weight.zero_();
    head_->bias.zero_();
    prior_->weight.zero_();
    prior_->bias.zero_();
    // Models we know the classes of start from the zero-shot mapping; others (a test's generated
    // graph) start from zero and learn the mapping like any other weight.
    if (knownPretrainedModels().contains(spec.name)) {
        const std::vector<int> taskOf = mapPretrainedClasses(spec.name, spec.classNames);
        for (int m = 0; m < int(taskOf.size()) && m < modelClasses; ++m)
            if (taskOf[size_t(m)] >= 0) {
                prior_->weight[taskOf[size_t(m)]][m] = 1.0;
                ++mappedClasses_;
            }
    }
}

void BackboneNetImpl::fitTrainingSample(const torch::Tensor& images)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> chunks;
    const int64_t chunk = facesPerChunk(images.size(3));
    for (int64_t b = 0; b < images.size(0); b += chunk)
        chunks.push_back(embed(images.slice(0, b, std::min<int64_t>(b + chunk, images.size(0)))));
    setFeatureStatistics(torch::cat(chunks));
}

void BackboneNetImpl::setFeatureStatistics(const torch::Tensor& features)
{
    torch::NoGradGuard noGrad;
    const auto f = features.to(torch::kFloat);
    const auto stdev = f.std(0, /*unbiased=*/false);
    // Channels that barely vary (dead ReLUs) must not be blown up into noise if fine-tuning wakes
    // them: the floor is a small fraction of the typical channel's deviation.
    const auto floor = std::max(1e-6, stdev.mean().item<double>() * 0.05);
    featureMean_.copy_(f.mean(0));
    featureScale_.copy_(1.0 / stdev.clamp_min(floor));
}

void BackboneNetImpl::addClassBiases(const torch::Tensor& biases)
{
    torch::NoGradGuard noGrad;
    prior_->bias.narrow(0, 0, biases.size(0)).add_(biases);
}

void BackboneNetImpl::setLinearLayers(const torch::Tensor& headWeights, const torch::Tensor& priorWeights,
                                      const torch::Tensor& biases)
{
    const int64_t k = headWeights.dim() == 2 ? headWeights.size(0) : -1;
    if (k < 1 || k > head_->weight.size(0) || headWeights.size(1) != head_->weight.size(1) || priorWeights.dim() != 2 ||
        priorWeights.size(0) != k || priorWeights.size(1) != prior_->weight.size(1) || biases.numel() != k)
        throw Error(QStringLiteral("linear layers of the wrong shape for the %1 backbone's head").arg(spec_.name));
    torch::NoGradGuard noGrad;
    head_->weight.narrow(0, 0, k).copy_(headWeights);
    prior_->weight.narrow(0, 0, k).copy_(priorWeights);
    head_->bias.narrow(0, 0, k).copy_(biases.reshape({k}));
    prior_->bias.narrow(0, 0, k).zero_();
}

void BackboneNetImpl::setBackboneFrozen(bool frozen)
{
    frozen_ = frozen;
    for (auto& p : graph_->parameters()) p.set_requires_grad(!frozen);
}

double BackboneNetImpl::beginEpoch(int epoch)
{
    const bool headOnly = epoch <= spec_.headEpochs;
    if (headOnly != frozen_) setBackboneFrozen(headOnly);
    return headOnly ? 1.0 : spec_.fineTuneFactor;
}

std::pair<torch::Tensor, torch::Tensor> BackboneNetImpl::features(torch::Tensor x)
{
    const auto values = graph_->forwardTo(x * spec_.inputScale + spec_.inputShift, QStringList{featureNode_, logitsNode_});
    auto pooled = [](const torch::Tensor& t) { return t.dim() == 4 ? t.mean({2, 3}) : t; };
    torch::Tensor z = pooled(values[1]);
    if (spec_.binaryLogit) z = torch::cat({z * -0.5, z * 0.5}, 1);
    return {pooled(values[0]), z};
}

torch::Tensor BackboneNetImpl::embed(torch::Tensor x)
{
    const torch::Tensor f = graph_->forwardTo(x * spec_.inputScale + spec_.inputShift, featureNode_);
    return f.dim() == 4 ? f.mean({2, 3}) : f;
}

torch::Tensor BackboneNetImpl::forward(torch::Tensor x)
{
    auto logitsOf = [this](const torch::Tensor& images) {
        const auto [f, z] = features(images);
        return head_->forward(torch::dropout(standardise(f), spec_.dropout, is_training())) + prior_->forward(z);
    };
    if (is_training()) return logitsOf(x);
    // In evaluation the logits are averaged over the image and its mirror image (training sees
    // both through its flip augmentation): steadier predictions for a second forward pass; with
    // test-time views, over each view and its mirror.
    return averageOverViews(x, [&](const torch::Tensor& v) { return std::vector<torch::Tensor>{logitsOf(v)}; })[0];
}

EvaluatedFaces BackboneNetImpl::evaluated(torch::Tensor x)
{
    torch::NoGradGuard noGrad;
    torch::Tensor embedding;
    const auto out = averageOverViews(x, [&](const torch::Tensor& v) {
        const auto [f, z] = features(v);
        // The first view is the face itself (testTimeViews), given with its mirror after it.
        if (!embedding.defined()) embedding = f.slice(0, 0, x.size(0));
        return std::vector<torch::Tensor>{f, z};
    });
    return {out[0], out[1], embedding};
}

torch::Tensor BackboneNetImpl::logitsOfEvaluated(const EvaluatedFaces& faces)
{
    torch::NoGradGuard noGrad;
    return head_->forward(standardise(faces.features)) + prior_->forward(faces.logits);
}

std::vector<torch::Tensor> BackboneNetImpl::averageOverViews(
    const torch::Tensor& x, const std::function<std::vector<torch::Tensor>(const torch::Tensor&)>& fn)
{
    // One view at a time bounds the memory.
    const int64_t batch = x.size(0);
    const std::vector<TestTimeView> views =
        spec_.testTimeViews ? testTimeViews(x.size(2)) : std::vector<TestTimeView>{TestTimeView{0, 0, 0, x.size(2)}};
    std::vector<torch::Tensor> sums;
    for (const TestTimeView& view : views) {
        const auto v = viewOf(x, view);
        const std::vector<torch::Tensor> outs = fn(torch::cat({v, v.flip({3})}));
        for (size_t i = 0; i < outs.size(); ++i) {
            const auto both = outs[i].slice(0, 0, batch) + outs[i].slice(0, batch);
            if (sums.size() <= i) sums.push_back(both);
            else sums[i] = sums[i] + both;
        }
    }
    for (auto& s : sums) s = s / double(2 * views.size());
    return sums;
}

void BackboneNetImpl::keepOutputs(int count)
{
    keepLinearOutputs(head_, count);
    keepLinearOutputs(prior_, count);
    spec_.classNames = spec_.classNames.mid(0, count);
}

QJsonObject BackboneNetImpl::describe() const
{
    return QJsonObject{{"backbone", spec_.name},
                       {"pretrained_file", QFileInfo(spec_.modelJson).fileName()},
                       {"feature_node", featureNode_},
                       {"features", featureCount_},
                       {"pretrained_logits", logitsNode_},
                       {"input_scale", spec_.inputScale},
                       {"input_shift", spec_.inputShift},
                       {"classes_mapped_from_pretrained_head", mappedClasses_},
                       {"classes", int(spec_.classNames.size())},
                       {"dropout", spec_.dropout},
                       {"head_epochs", spec_.headEpochs},
                       {"fine_tune_factor", spec_.fineTuneFactor},
                       {"test_time_views", spec_.testTimeViews ? int(testTimeViews(spec_.inputSide).size()) : 1}};
}

std::shared_ptr<ClassifierNet> makeNetwork(const TrainingConfig& config, const QStringList& classNames)
{
    if (config.backbone == QLatin1String("none"))
        return ConvNet(NetworkSpec::fromConfig(config, int(classNames.size()))).ptr();
    BackboneSpec spec;
    spec.name = config.backbone;
    spec.modelJson = requirePretrainedModel(config.backbone);
    spec.classNames = classNames;
    spec.dropout = config.dropout;
    spec.headEpochs = config.headEpochs;
    spec.fineTuneFactor = config.fineTuneFactor;
    const PretrainedModelInfo info = pretrainedModelInfo(config.backbone);
    spec.inputScale = info.inputScale;
    spec.inputShift = info.inputShift;
    spec.featureNode = info.featureNode;
    spec.logitsNode = info.logitsNode;
    spec.binaryLogit = info.binaryLogit;
    spec.inputSide = config.imageSize;
    spec.testTimeViews = config.backboneFit != QLatin1String("fine_tune");
    return BackboneNet(spec).ptr();
}

} // namespace exemplar::learning
