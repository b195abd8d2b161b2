#pragma once
// INTERNAL (includes torch): a TF.js graph model as a trainable torch module. The graph is
// executed node by node in NCHW layout (kernels converted once at load time); every float weight
// a conv reads is a registered parameter, so the network can be fine-tuned.
//
// Supported ops: Placeholder, Const, Identity, _FusedConv2D (BiasAdd, Relu, Relu6),
// Conv2D, DepthwiseConv2dNative, BiasAdd, MaxPool, Add/AddV2, Mul, Minimum, Maximum (each operand
// a node or a constant, broadcast as TF does), MatMul and _FusedMatMul (BiasAdd, Relu, Relu6),
// Relu, Relu6, Mean, Softmax, LogSoftmax, Sigmoid, ConcatV2, ResizeBilinear (TF's legacy sampling:
// align_corners and half_pixel_centers false). Anything else throws exemplar::Error naming the op
// and the node.
#include "core/learning/tfjs/TfjsGraphFile.h"

#include <torch/torch.h>

#include <map>
#include <vector>

namespace exemplar::learning {

class TfjsGraphModuleImpl : public torch::nn::Module {
public:
    explicit TfjsGraphModuleImpl(const TfjsGraphFile& graph);

    // x: float [B,C,H,W] (the graph's NHWC input, transposed). Returns the graph output.
    torch::Tensor forward(const torch::Tensor& x);
    // The value of any node (4-D activations come back NCHW); evaluates only what it needs.
    torch::Tensor forwardTo(const torch::Tensor& x, const QString& node);
    // The values of several nodes from one pass (shared steps run once), in the order asked.
    std::vector<torch::Tensor> forwardTo(const torch::Tensor& x, const QStringList& nodes);

    QString inputName() const { return inputName_; }
    std::vector<qint64> inputShapeNhwc() const { return inputShape_; } // -1: any size
    QString outputName() const { return outputName_; }
    QStringList nodeNames() const; // executed nodes, in execution order
    QStringList ops() const;       // distinct ops, in execution order

    // TfjsGraphFile::headConvolution and headInput of the graph loaded.
    QString headConvolution() const { return headConvolution_; }
    QString headInput() const { return headInput_; }

    struct Step;
    const std::vector<Step>& steps() const { return steps_; }
    // Indices of the steps needed to compute `node`, in execution order.
    std::vector<int> stepsFor(const QString& node) const;

    enum class Kind { Input, Identity, Conv, MaxPool, AvgPool, Add, BiasAdd, Relu, Relu6, Mean, Softmax,
                      Mul, Minimum, Maximum, MatMul, Sigmoid, LogSoftmax, Concat, Resize };
    struct Step {
        QString name;
        QString op;
        Kind kind = Kind::Identity;
        std::vector<int> inputs; // step indices
        // Conv (including depthwise) and pooling
        torch::Tensor weight, bias; // OIHW parameters; undefined when absent
        int groups = 1;
        std::vector<int64_t> kernel, stride{1, 1}, dilation{1, 1};
        bool same = false; // TF "SAME" padding, else VALID
        int activation = 0; // 0 none, 1 relu, 6 relu6 (fused)
        // Add/Mul/Minimum/Maximum with a constant: the constant in TF's shape (NHWC when it has
        // four dimensions); inputs then holds the one node operand. Trainable (a parameter) when it
        // is a per-channel tensor such as a folded batch-norm scale; scalars (clip bounds) are not.
        torch::Tensor operand;
        // MatMul: weight is [out, in] (torch::linear's layout), bias and activation as for Conv.
        // Mean (the NHWC axes) and Concat (the one axis)
        std::vector<int64_t> axes;
        bool keepDims = false;
        // Resize: output height and width
        std::vector<int64_t> outputSize;
    };

    // A constant operand as the value it is combined with sees it: a 4-D activation is NCHW, so a
    // TF constant of rank >= 1 is first given NHWC rank 4 (leading ones, as broadcasting does) and
    // then transposed the same way.
    static torch::Tensor operandFor(const torch::Tensor& operand, int64_t valueRank);
    // A TF axis of a value of `rank` dimensions as the executor stores the value (4-D activations are
    // NCHW, so their NHWC axes move); -1 when out of range.
    static int64_t storedAxis(int64_t axis, int64_t rank);
    // ResizeBilinear as TF's legacy kernel samples: x [B,C,H,W] -> [B,C,height,width].
    static torch::Tensor legacyResizeBilinear(const torch::Tensor& x, int64_t height, int64_t width);

private:
    torch::Tensor registerWeight(const TfjsGraphFile& graph, const QString& weightName,
                                 const QString& usage, const std::function<torch::Tensor(torch::Tensor)>& convert);
    torch::Tensor run(const Step& step, const std::vector<torch::Tensor>& values) const;

    std::vector<Step> steps_;
    std::map<QString, int> index_; // node name -> step
    std::map<QString, torch::Tensor> parameters_; // "usage:weight" -> registered parameter
    QString inputName_, outputName_, headConvolution_, headInput_;
    std::vector<qint64> inputShape_;
};
TORCH_MODULE(TfjsGraphModule);

} // namespace exemplar::learning
