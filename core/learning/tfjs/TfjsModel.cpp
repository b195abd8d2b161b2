#include "core/learning/tfjs/TfjsModel.h"

#include "core/learning/internal/TfjsTorchScriptExport.h"
#include "core/learning/tfjs/TfjsGraphModule.h"
#include "core/util/Error.h"

#include <sstream>

namespace exemplar::learning {

struct TfjsModel::Impl {
    QString path;
    TfjsGraphModule module{nullptr};
};

TfjsModel::TfjsModel(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
TfjsModel::TfjsModel(TfjsModel&&) noexcept = default;
TfjsModel& TfjsModel::operator=(TfjsModel&&) noexcept = default;
TfjsModel::~TfjsModel() = default;

TfjsModel TfjsModel::load(const QString& modelJsonPath)
{
    auto impl = std::make_unique<Impl>();
    impl->path = modelJsonPath;
    impl->module = TfjsGraphModule(readTfjsGraphModel(modelJsonPath));
    impl->module->eval();
    return TfjsModel(std::move(impl));
}

QString TfjsModel::path() const { return d->path; }
std::vector<qint64> TfjsModel::inputShape() const { return d->module->inputShapeNhwc(); }
QString TfjsModel::outputNode() const { return d->module->outputName(); }
QStringList TfjsModel::ops() const { return d->module->ops(); }
QString TfjsModel::headConvolution() const { return d->module->headConvolution(); }

qint64 TfjsModel::parameterCount() const
{
    qint64 n = 0;
    for (const torch::Tensor& p : d->module->parameters())
        if (p.requires_grad()) n += p.numel();
    return n;
}

TfjsOutput TfjsModel::predict(const std::vector<float>& nhwc, int batch, int height, int width) const
{
    return predict(nhwc, batch, height, width, outputNode());
}

TfjsOutput TfjsModel::predict(const std::vector<float>& nhwc, int batch, int height, int width,
                              const QString& node) const
{
    return run(nhwc, batch, height, width, node, false);
}

TfjsOutput TfjsModel::predictViaTorchScript(const std::vector<float>& nhwc, int batch, int height, int width,
                                            const QString& node) const
{
    return run(nhwc, batch, height, width, node, true);
}

TfjsOutput TfjsModel::run(const std::vector<float>& nhwc, int batch, int height, int width, const QString& node,
                          bool viaTorchScript) const
{
    const std::vector<qint64> declared = inputShape();
    const qint64 channels = declared[3];
    if ((declared[1] > 0 && declared[1] != height) || (declared[2] > 0 && declared[2] != width))
        throw Error(QStringLiteral("%1: expects %2x%3 images, got %4x%5")
                        .arg(d->path).arg(declared[1]).arg(declared[2]).arg(height).arg(width));
    if (batch <= 0 || channels <= 0 || qint64(nhwc.size()) != qint64(batch) * height * width * channels)
        throw Error(QStringLiteral("%1: input holds %2 values, expected %3 images of %4x%5x%6")
                        .arg(d->path).arg(nhwc.size()).arg(batch).arg(height).arg(width).arg(channels));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::from_blob(const_cast<float*>(nhwc.data()), {batch, height, width, channels},
                                             torch::kFloat32)
                                .permute({0, 3, 1, 2});
    torch::Tensor y;
    if (viaTorchScript) {
        // Saved and loaded again, as an exported model is.
        std::stringstream buffer;
        toTorchScript(*d->module, node).save(buffer);
        torch::jit::Module loaded = torch::jit::load(buffer);
        y = loaded.forward({x}).toTensor();
    } else {
        y = d->module->forwardTo(x, node);
    }
    if (y.dim() == 4) y = y.permute({0, 2, 3, 1}); // back to the NHWC TF.js would return
    y = y.contiguous();
    TfjsOutput out;
    out.shape.assign(y.sizes().begin(), y.sizes().end());
    out.values.assign(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    return out;
}

} // namespace exemplar::learning
