#include "core/learning/internal/Network.h"

#include <QJsonArray>
#include <algorithm>

namespace exemplar::learning {

NetworkSpec NetworkSpec::fromConfig(const TrainingConfig& config, int classCount)
{
    NetworkSpec s;
    s.inChannels = config.grayscale ? 1 : 3;
    s.classCount = classCount;
    for (int b = 0; b < config.depth; ++b)
        s.blockChannels.push_back(std::min(256, config.width << b));
    const bool vgg = config.model == QLatin1String("vgg");
    s.convsPerBlock = vgg ? 2 : 1;
    s.hidden = vgg ? 256 : 0;
    s.dropout = config.dropout;
    s.flipAverage = config.flipAverage;
    return s;
}

QJsonObject NetworkSpec::toJson() const
{
    QJsonArray blocks;
    for (int c : blockChannels) blocks.append(c);
    return QJsonObject{{"in_channels", inChannels},   {"classes", classCount},
                       {"block_channels", blocks},    {"convs_per_block", convsPerBlock},
                       {"hidden", hidden},            {"dropout", dropout},
                       {"flip_average", flipAverage}};
}

ConvNetImpl::ConvNetImpl(const NetworkSpec& spec) : spec_(spec)
{
    int in = spec.inChannels;
    int index = 0;
    for (int channels : spec.blockChannels) {
        for (int k = 0; k < spec.convsPerBlock; ++k, ++index) {
            // No conv bias: the batch norm right after it has its own shift.
            auto conv = register_module("conv" + std::to_string(index),
                                        torch::nn::Conv2d(torch::nn::Conv2dOptions(in, channels, 3)
                                                              .padding(1)
                                                              .bias(false)));
            auto bn = register_module("bn" + std::to_string(index),
                                      torch::nn::BatchNorm2d(channels));
            convs_.push_back(conv);
            norms_.push_back(bn);
            in = channels;
        }
    }
    if (spec.hidden > 0) hiddenLayer_ = register_module("hidden", torch::nn::Linear(in, spec.hidden));
    classifier_ = register_module(
        "classifier", torch::nn::Linear(spec.hidden > 0 ? spec.hidden : in, spec.classCount));
    inputMean_ = register_buffer("input_mean", torch::full({1, spec.inChannels, 1, 1}, 0.5));
    inputStd_ = register_buffer("input_std", torch::full({1, spec.inChannels, 1, 1}, 0.25));
}

void ConvNetImpl::setInputStatistics(const torch::Tensor& mean, const torch::Tensor& stdev)
{
    torch::NoGradGuard noGrad;
    inputMean_.copy_(mean.reshape_as(inputMean_));
    inputStd_.copy_(stdev.reshape_as(inputStd_).clamp_min(1e-3));
}

torch::Tensor ConvNetImpl::forward(torch::Tensor x)
{
    // With flipAverage, evaluation classifies the face and its mirror image together: training sees
    // mirrored faces half the time, and the average of the two is steadier than either. The
    // classifier is linear, so averaging the features averages the logits (as the export's embed()).
    if (!spec_.flipAverage) return classifier_->forward(torch::dropout(features(x), spec_.dropout, is_training()));
    if (is_training()) return classifier_->forward(torch::dropout(features(x), spec_.dropout, true));
    const int64_t n = x.size(0);
    const auto both = features(torch::cat({x, x.flip({3})}));
    return classifier_->forward((both.narrow(0, 0, n) + both.narrow(0, n, n)) * 0.5);
}

void keepLinearOutputs(torch::nn::Linear& layer, int count)
{
    torch::NoGradGuard noGrad;
    layer->weight.set_data(layer->weight.narrow(0, 0, count).clone());
    if (layer->bias.defined()) layer->bias.set_data(layer->bias.narrow(0, 0, count).clone());
    layer->options.out_features(count);
}

void ConvNetImpl::keepOutputs(int count)
{
    keepLinearOutputs(classifier_, count);
    spec_.classCount = count;
}

torch::Tensor ConvNetImpl::features(torch::Tensor x)
{
    x = (x - inputMean_) / inputStd_;
    size_t layer = 0;
    for (size_t b = 0; b < spec_.blockChannels.size(); ++b) {
        for (int k = 0; k < spec_.convsPerBlock; ++k, ++layer)
            x = torch::relu(norms_[layer]->forward(convs_[layer]->forward(x)));
        x = torch::max_pool2d(x, 2);
    }
    x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    if (hiddenLayer_) {
        x = torch::dropout(x, spec_.dropout, is_training());
        x = torch::relu(hiddenLayer_->forward(x));
    }
    return x;
}

} // namespace exemplar::learning
