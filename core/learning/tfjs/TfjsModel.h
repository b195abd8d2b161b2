#pragma once
// A TF.js graph model loaded for inference, behind a torch-free interface (pimpl) for the CLI,
// GUI, tests and benches. Training code uses internal TfjsGraphModule.h directly.
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <memory>
#include <vector>

namespace exemplar::learning {

struct TfjsOutput {
    std::vector<qint64> shape; // e.g. [N, classes]
    std::vector<float> values; // row-major
};

class TfjsModel {
public:
    // Reads model.json and its weight files and builds the executable graph. Throws
    // exemplar::Error naming the file (and the node/op) on any problem.
    static TfjsModel load(const QString& modelJsonPath);
    TfjsModel(TfjsModel&&) noexcept;
    TfjsModel& operator=(TfjsModel&&) noexcept;
    ~TfjsModel();

    QString path() const;
    std::vector<qint64> inputShape() const; // NHWC as declared; -1 where any size is accepted
    QString outputNode() const;
    QStringList ops() const;                // distinct ops executed
    qint64 parameterCount() const;          // trainable scalars (every float weight)
    QString headConvolution() const;        // the classifier conv before global pooling, if any

    // input: `batch` images NHWC (as TF.js takes them), row-major. Throws exemplar::Error when the
    // size does not match the declared input.
    TfjsOutput predict(const std::vector<float>& nhwc, int batch, int height, int width) const;
    // The same for any node of the graph (a model with several outputs, e.g. faceres).
    TfjsOutput predict(const std::vector<float>& nhwc, int batch, int height, int width, const QString& node) const;
    // The same computed by the graph's self-contained TorchScript export (saved and reloaded), the
    // code fine-tuned backbones are exported with: lets tests check the export op by op.
    TfjsOutput predictViaTorchScript(const std::vector<float>& nhwc, int batch, int height, int width,
                                     const QString& node) const;

private:
    TfjsOutput run(const std::vector<float>& nhwc, int batch, int height, int width, const QString& node,
                   bool viaTorchScript) const;
    struct Impl;
    explicit TfjsModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace exemplar::learning
