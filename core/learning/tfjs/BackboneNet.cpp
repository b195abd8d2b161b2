#include "core/learning/internal/BackboneNet.h"

#include "core/learning/tfjs/ModelLocator.h"
#include "core/util/Error.h"

#include <QFileInfo>

namespace exemplar::learning {

BackboneNetImpl::BackboneNetImpl(const BackboneSpec& spec) : spec_(spec)
{
    graph_ = register_module("backbone", TfjsGraphModule(readTfjsGraphModel(spec.modelJson)));
    featureNode_ = graph_->headInput();
    if (featureNode_.isEmpty())
        throw Error(QStringLiteral("%1: no classifier convolution before global pooling to replace")
                        .arg(spec.modelJson));
    const auto shape = graph_->inputShapeNhwc();
    if (shape[3] != 1)
        throw Error(QStringLiteral("%1: a backbone must take one grayscale channel, this model takes %2")
                        .arg(spec.modelJson).arg(shape[3]));
    {
        torch::NoGradGuard noGrad;
        const int64_t side = shape[1] > 0 ? shape[1] : 64;
        featureCount_ = int(graph_->forwardTo(torch::zeros({1, 1, side, side}), featureNode_).size(1));
    }
    head_ = register_module("head", torch::nn::Linear(featureCount_, spec.classCount));
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

torch::Tensor BackboneNetImpl::embed(torch::Tensor x)
{
    return graph_->forwardTo((x - 0.5) * 2.0, featureNode_).mean({2, 3});
}

torch::Tensor BackboneNetImpl::forward(torch::Tensor x)
{
    return head_->forward(torch::dropout(embed(x), spec_.dropout, is_training()));
}

QJsonObject BackboneNetImpl::describe() const
{
    return QJsonObject{{"backbone", spec_.name},
                       {"pretrained_file", QFileInfo(spec_.modelJson).fileName()},
                       {"feature_node", featureNode_},
                       {"features", featureCount_},
                       {"classes", spec_.classCount},
                       {"dropout", spec_.dropout},
                       {"head_epochs", spec_.headEpochs},
                       {"fine_tune_factor", spec_.fineTuneFactor}};
}

std::shared_ptr<ClassifierNet> makeNetwork(const TrainingConfig& config, int classCount)
{
    if (config.backbone == QLatin1String("none"))
        return ConvNet(NetworkSpec::fromConfig(config, classCount)).ptr();
    BackboneSpec spec;
    spec.name = config.backbone;
    spec.modelJson = requirePretrainedModel(config.backbone);
    spec.classCount = classCount;
    spec.dropout = config.dropout;
    spec.headEpochs = config.headEpochs;
    spec.fineTuneFactor = config.fineTuneFactor;
    return BackboneNet(spec).ptr();
}

} // namespace exemplar::learning
