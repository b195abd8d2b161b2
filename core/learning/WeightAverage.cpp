#include "core/learning/internal/WeightAverage.h"

#include "core/util/Error.h"

#include <QFile>

#include <algorithm>

namespace exemplar::learning {

WeightAverage::WeightAverage(torch::nn::Module& net, double horizonSteps)
    : decay_(1.0 - 1.0 / std::max(1.0, horizonSteps))
{
    torch::NoGradGuard noGrad;
    auto add = [&](const torch::Tensor& t) {
        if (!t.defined() || !t.is_floating_point()) return; // e.g. num_batches_tracked
        targets_.push_back(t);
        average_.push_back(t.detach().clone());
    };
    for (const auto& p : net.parameters()) add(p);
    for (const auto& b : net.buffers()) add(b);
}

void WeightAverage::update()
{
    torch::NoGradGuard noGrad;
    ++updates_;
    const double d = std::min(decay_, (1.0 + double(updates_)) / (10.0 + double(updates_)));
    for (size_t i = 0; i < targets_.size(); ++i) average_[i].mul_(d).add_(targets_[i].detach(), 1.0 - d);
}

WeightAverage::Swap::Swap(WeightAverage& average) : average_(average)
{
    torch::NoGradGuard noGrad;
    live_.reserve(average.targets_.size());
    for (size_t i = 0; i < average.targets_.size(); ++i) {
        live_.push_back(average.targets_[i].detach().clone());
        average.targets_[i].detach().copy_(average.average_[i]);
    }
}

WeightAverage::Swap::~Swap()
{
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < live_.size(); ++i) average_.targets_[i].detach().copy_(live_[i]);
}

void WeightAverage::reset()
{
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < targets_.size(); ++i) average_[i].copy_(targets_[i].detach());
    updates_ = 0;
}

void WeightAverage::save(const QString& path) const
{
    std::vector<torch::Tensor> all = average_;
    all.push_back(torch::tensor({updates_}, torch::kLong));
    torch::save(all, path.toStdString());
}

void WeightAverage::load(const QString& path)
{
    std::vector<torch::Tensor> all;
    try {
        torch::load(all, path.toStdString());
    } catch (const std::exception& e) {
        throw Error(QStringLiteral("%1: the averaged weights cannot be loaded (%2)")
                        .arg(path, QString::fromUtf8(e.what()).section('\n', 0, 0)));
    }
    if (all.size() != average_.size() + 1)
        throw Error(QStringLiteral("%1: the averaged weights do not fit this network").arg(path));
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < average_.size(); ++i) {
        if (!all[i].sizes().equals(average_[i].sizes()))
            throw Error(QStringLiteral("%1: the averaged weights do not fit this network").arg(path));
        average_[i].copy_(all[i]);
    }
    updates_ = all.back().item<int64_t>();
}

} // namespace exemplar::learning
