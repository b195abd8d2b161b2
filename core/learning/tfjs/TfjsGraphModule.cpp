#include "core/learning/tfjs/TfjsGraphModule.h"

#include "core/util/Error.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

#include <array>
#include <limits>
#include <tuple>

namespace exemplar::learning {

namespace {

using Kind = TfjsGraphModuleImpl::Kind;

const QStringList& supportedOps()
{
    static const QStringList ops{
        QStringLiteral("Placeholder"), QStringLiteral("Const"),   QStringLiteral("Identity"),
        QStringLiteral("_FusedConv2D"), QStringLiteral("Conv2D"), QStringLiteral("DepthwiseConv2dNative"),
        QStringLiteral("BiasAdd"),     QStringLiteral("MaxPool"), QStringLiteral("Add"),
        QStringLiteral("AddV2"),       QStringLiteral("Relu"),    QStringLiteral("Relu6"),
        QStringLiteral("Mean"),        QStringLiteral("Softmax"), QStringLiteral("Mul"),
        QStringLiteral("Minimum"),     QStringLiteral("Maximum"), QStringLiteral("MatMul"),
        QStringLiteral("_FusedMatMul"), QStringLiteral("Sigmoid"), QStringLiteral("LogSoftmax"),
        QStringLiteral("ConcatV2"),    QStringLiteral("ResizeBilinear")};
    return ops;
}

Error nodeError(const TfjsGraphFile& graph, const TfjsNode& node, const QString& problem)
{
    return Error(QStringLiteral("%1: node '%2' (op %3): %4").arg(graph.path, node.name, node.op, problem));
}

torch::Tensor toTensor(const TfjsWeight& w)
{
    std::vector<int64_t> shape(w.shape.begin(), w.shape.end());
    return torch::from_blob(const_cast<float*>(w.floats.data()), shape, torch::kFloat32).clone();
}

// TF "SAME" padding: output = ceil(in / stride); the odd pixel of padding goes at the end.
std::pair<int64_t, int64_t> samePadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation)
{
    const int64_t effective = (kernel - 1) * dilation + 1;
    const int64_t out = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out - 1) * stride + effective - in, 0);
    return {total / 2, total - total / 2};
}

// NHWC strides/ksize/dilations [1, h, w, 1] -> {h, w}.
std::vector<int64_t> spatial(const TfjsGraphFile& graph, const TfjsNode& node, const QString& key,
                             std::vector<int64_t> fallback)
{
    const std::vector<qint64> v = node.intListAttr(key);
    if (v.empty()) return fallback;
    if (v.size() != 4 || v[0] != 1 || v[3] != 1)
        throw nodeError(graph, node, QStringLiteral("attribute '%1' must be [1, h, w, 1]").arg(key));
    return {int64_t(v[1]), int64_t(v[2])};
}

} // namespace

TfjsGraphModuleImpl::TfjsGraphModuleImpl(const TfjsGraphFile& graph)
{
    std::map<QString, const TfjsNode*> byName;
    for (const TfjsNode& n : graph.nodes) byName[n.name] = &n;
    for (const TfjsNode& n : graph.nodes)
        if (!supportedOps().contains(n.op))
            throw nodeError(graph, n, QStringLiteral("op '%1' is not supported by Exemplar's TF.js loader "
                                                     "(supported: %2)")
                                          .arg(n.op, supportedOps().join(QStringLiteral(", "))));

    // Depth-first topological order of the non-constant nodes (constants are folded into the
    // steps that read them).
    std::vector<const TfjsNode*> order;
    std::map<QString, int> state; // 1 visiting, 2 done
    std::function<void(const TfjsNode&)> visit = [&](const TfjsNode& n) {
        if (n.op == QLatin1String("Const") || state[n.name] == 2) return;
        if (state[n.name] == 1) throw nodeError(graph, n, QStringLiteral("the graph has a cycle through this node"));
        state[n.name] = 1;
        for (const QString& in : n.inputs) {
            if (in.contains(QLatin1Char(':')))
                throw nodeError(graph, n, QStringLiteral("reads output '%1'; only single-output nodes are supported").arg(in));
            auto it = byName.find(in);
            if (it == byName.end())
                throw nodeError(graph, n, QStringLiteral("reads '%1', which is not in the graph").arg(in));
            visit(*it->second);
        }
        state[n.name] = 2;
        order.push_back(&n);
    };
    for (const TfjsNode& n : graph.nodes) visit(n);

    auto constant = [&](const TfjsNode& node, int inputIndex) -> const TfjsWeight& {
        if (inputIndex >= node.inputs.size())
            throw nodeError(graph, node, QStringLiteral("has %1 inputs, expected more").arg(node.inputs.size()));
        const QString& name = node.inputs[inputIndex];
        if (byName.at(name)->op != QLatin1String("Const"))
            throw nodeError(graph, node, QStringLiteral("input '%1' must be a constant").arg(name));
        const TfjsWeight* w = graph.weight(name);
        if (!w) throw nodeError(graph, node, QStringLiteral("constant '%1' is missing from weightsManifest").arg(name));
        return *w;
    };
    auto floatWeight = [&](const TfjsNode& node, int inputIndex, size_t rank) -> const TfjsWeight& {
        const TfjsWeight& w = constant(node, inputIndex);
        if (w.dtype != QLatin1String("float32") || w.shape.size() != rank)
            throw nodeError(graph, node, QStringLiteral("weight '%1' must be float32 of rank %2").arg(w.name).arg(rank));
        return w;
    };

    for (const TfjsNode* np : order) {
        const TfjsNode& node = *np;
        Step step;
        step.name = node.name;
        step.op = node.op;
        const QString format = node.stringAttr(QStringLiteral("data_format"));
        if (!format.isEmpty() && format != QLatin1String("NHWC"))
            throw nodeError(graph, node, QStringLiteral("data_format %1 is not supported (only NHWC)").arg(format));
        const QString padding = node.stringAttr(QStringLiteral("padding"));
        if (!padding.isEmpty() && padding != QLatin1String("SAME") && padding != QLatin1String("VALID"))
            throw nodeError(graph, node, QStringLiteral("padding %1 is not supported").arg(padding));
        step.same = padding == QLatin1String("SAME");

        // Data inputs (activations); constants are read through `constant` above.
        auto dataInputs = [&](int count) {
            if (node.inputs.size() < count)
                throw nodeError(graph, node, QStringLiteral("needs %1 inputs, has %2").arg(count).arg(node.inputs.size()));
            for (int i = 0; i < count; ++i) {
                if (byName.at(node.inputs[i])->op == QLatin1String("Const"))
                    throw nodeError(graph, node, QStringLiteral("constant operand '%1' is not supported here").arg(node.inputs[i]));
                step.inputs.push_back(index_.at(node.inputs[i]));
            }
        };

        // _FusedConv2D / _FusedMatMul: the bias (input 2) and an optional activation, after
        // step.weight (outputs first) is registered.
        auto fusedBiasAndActivation = [&](const QString& outputs) {
            const QStringList fused = node.stringListAttr(QStringLiteral("fused_ops"));
            const bool ok = !fused.isEmpty() && fused[0] == QLatin1String("BiasAdd") && fused.size() <= 2 &&
                            (fused.size() == 1 || fused[1] == QLatin1String("Relu") || fused[1] == QLatin1String("Relu6"));
            if (!ok)
                throw nodeError(graph, node, QStringLiteral("fused ops [%1] are not supported (BiasAdd, optionally "
                                                            "followed by Relu or Relu6)").arg(fused.join(QStringLiteral(", "))));
            if (fused.size() == 2) step.activation = fused[1] == QLatin1String("Relu") ? 1 : 6;
            const TfjsWeight& bias = floatWeight(node, 2, 1);
            if (bias.shape[0] != step.weight.size(0))
                throw nodeError(graph, node, QStringLiteral("bias '%1' does not match the kernel's %2").arg(bias.name, outputs));
            step.bias = registerWeight(graph, bias.name, QStringLiteral("bias"), [](torch::Tensor t) { return t; });
        };

        const QString& op = node.op;
        if (op == QLatin1String("Placeholder")) {
            if (!inputName_.isEmpty()) throw nodeError(graph, node, QStringLiteral("only one graph input is supported"));
            step.kind = Kind::Input;
            inputName_ = node.name;
            for (const QJsonValue& d : node.attr.value(QStringLiteral("shape")).toObject()
                                          .value(QStringLiteral("shape")).toObject()
                                          .value(QStringLiteral("dim")).toArray())
                inputShape_.push_back(d.toObject().value(QStringLiteral("size")).toString().toLongLong());
            if (inputShape_.size() != 4)
                throw nodeError(graph, node, QStringLiteral("the input must be a 4-D NHWC image batch"));
        } else if (op == QLatin1String("Identity")) {
            step.kind = Kind::Identity;
            dataInputs(1);
        } else if (op == QLatin1String("_FusedConv2D") || op == QLatin1String("Conv2D")) {
            step.kind = Kind::Conv;
            dataInputs(1);
            step.stride = spatial(graph, node, QStringLiteral("strides"), {1, 1});
            step.dilation = spatial(graph, node, QStringLiteral("dilations"), {1, 1});
            // HWIO -> OIHW
            const TfjsWeight& kernel = floatWeight(node, 1, 4);
            step.weight = registerWeight(graph, kernel.name, QStringLiteral("conv"),
                                         [](torch::Tensor t) { return t.permute({3, 2, 0, 1}).contiguous(); });
            step.kernel = {step.weight.size(2), step.weight.size(3)};
            if (op == QLatin1String("_FusedConv2D")) fusedBiasAndActivation(QStringLiteral("output channels"));
        } else if (op == QLatin1String("DepthwiseConv2dNative")) {
            step.kind = Kind::Conv;
            dataInputs(1);
            step.stride = spatial(graph, node, QStringLiteral("strides"), {1, 1});
            step.dilation = spatial(graph, node, QStringLiteral("dilations"), {1, 1});
            // H, W, C, multiplier -> (C * multiplier), 1, H, W
            const TfjsWeight& kernel = floatWeight(node, 1, 4);
            step.groups = int(kernel.shape[2]);
            step.weight = registerWeight(graph, kernel.name, QStringLiteral("depthwise"), [](torch::Tensor t) {
                const auto h = t.size(0), w = t.size(1), c = t.size(2), m = t.size(3);
                return t.permute({2, 3, 0, 1}).reshape({c * m, 1, h, w}).contiguous();
            });
            step.kernel = {step.weight.size(2), step.weight.size(3)};
        } else if (op == QLatin1String("BiasAdd")) {
            step.kind = Kind::BiasAdd;
            dataInputs(1);
            step.bias = registerWeight(graph, floatWeight(node, 1, 1).name, QStringLiteral("bias"),
                                       [](torch::Tensor t) { return t; });
        } else if (op == QLatin1String("MaxPool")) {
            step.kind = Kind::MaxPool;
            dataInputs(1);
            step.kernel = spatial(graph, node, QStringLiteral("ksize"), {});
            step.stride = spatial(graph, node, QStringLiteral("strides"), {1, 1});
            if (step.kernel.empty()) throw nodeError(graph, node, QStringLiteral("no ksize"));
        } else if (op == QLatin1String("Add") || op == QLatin1String("AddV2") || op == QLatin1String("Mul") ||
                   op == QLatin1String("Minimum") || op == QLatin1String("Maximum")) {
            step.kind = op == QLatin1String("Mul")       ? Kind::Mul
                        : op == QLatin1String("Minimum") ? Kind::Minimum
                        : op == QLatin1String("Maximum") ? Kind::Maximum
                                                         : Kind::Add;
            if (node.inputs.size() != 2)
                throw nodeError(graph, node, QStringLiteral("needs 2 inputs, has %1").arg(node.inputs.size()));
            const bool const0 = byName.at(node.inputs[0])->op == QLatin1String("Const");
            const bool const1 = byName.at(node.inputs[1])->op == QLatin1String("Const");
            if (const0 && const1) throw nodeError(graph, node, QStringLiteral("both operands are constants"));
            if (!const0 && !const1) {
                dataInputs(2);
            } else {
                // All four ops are commutative, so the constant's position does not matter.
                const int c = const0 ? 0 : 1;
                step.inputs.push_back(index_.at(node.inputs[1 - c]));
                const TfjsWeight& w = constant(node, c);
                if (w.dtype != QLatin1String("float32") || w.shape.size() > 4)
                    throw nodeError(graph, node, QStringLiteral("constant '%1' must be float32 of rank <= 4").arg(w.name));
                const bool trainable = !w.shape.empty() && (step.kind == Kind::Mul || step.kind == Kind::Add);
                step.operand = trainable ? registerWeight(graph, w.name, QStringLiteral("operand"),
                                                          [](torch::Tensor t) { return t; })
                                         : toTensor(w);
            }
        } else if (op == QLatin1String("MatMul") || op == QLatin1String("_FusedMatMul")) {
            step.kind = Kind::MatMul;
            dataInputs(1);
            if (node.boolAttr(QStringLiteral("transpose_a"), false))
                throw nodeError(graph, node, QStringLiteral("transpose_a is not supported (it would mix the batch)"));
            const bool transposeB = node.boolAttr(QStringLiteral("transpose_b"), false);
            // TF kernel [in, out] (or [out, in] with transpose_b) -> torch::linear's [out, in].
            const TfjsWeight& kernel = floatWeight(node, 1, 2);
            step.weight = registerWeight(graph, kernel.name, transposeB ? QStringLiteral("linear_t") : QStringLiteral("linear"),
                                         [transposeB](torch::Tensor t) { return transposeB ? t : t.t().contiguous(); });
            if (op == QLatin1String("_FusedMatMul")) fusedBiasAndActivation(QStringLiteral("outputs"));
        } else if (op == QLatin1String("Sigmoid")) {
            step.kind = Kind::Sigmoid;
            dataInputs(1);
        } else if (op == QLatin1String("Relu") || op == QLatin1String("Relu6")) {
            step.kind = op == QLatin1String("Relu") ? Kind::Relu : Kind::Relu6;
            dataInputs(1);
        } else if (op == QLatin1String("Mean")) {
            step.kind = Kind::Mean;
            dataInputs(1);
            const TfjsWeight& axes = constant(node, 1);
            if (axes.dtype != QLatin1String("int32"))
                throw nodeError(graph, node, QStringLiteral("axes '%1' must be int32").arg(axes.name));
            step.axes.assign(axes.ints.begin(), axes.ints.end());
            step.keepDims = node.boolAttr(QStringLiteral("keep_dims"), false);
        } else if (op == QLatin1String("Softmax") || op == QLatin1String("LogSoftmax")) {
            step.kind = op == QLatin1String("Softmax") ? Kind::Softmax : Kind::LogSoftmax;
            dataInputs(1);
        } else if (op == QLatin1String("ConcatV2")) {
            // Values..., then the axis (a constant), as TF orders them.
            step.kind = Kind::Concat;
            if (node.inputs.size() < 2) throw nodeError(graph, node, QStringLiteral("needs values and an axis"));
            dataInputs(int(node.inputs.size()) - 1);
            const TfjsWeight& axis = constant(node, int(node.inputs.size()) - 1);
            if (axis.dtype != QLatin1String("int32") || axis.ints.size() != 1)
                throw nodeError(graph, node, QStringLiteral("axis '%1' must be one int32").arg(axis.name));
            step.axes = {axis.ints[0]};
        } else if (op == QLatin1String("ResizeBilinear")) {
            step.kind = Kind::Resize;
            dataInputs(1);
            if (node.boolAttr(QStringLiteral("align_corners"), false) || node.boolAttr(QStringLiteral("half_pixel_centers"), false))
                throw nodeError(graph, node, QStringLiteral("only TF's legacy sampling is supported (align_corners and "
                                                            "half_pixel_centers false)"));
            const TfjsWeight& size = constant(node, 1);
            if (size.dtype != QLatin1String("int32") || size.ints.size() != 2 || size.ints[0] < 1 || size.ints[1] < 1)
                throw nodeError(graph, node, QStringLiteral("size '%1' must be two positive int32").arg(size.name));
            step.outputSize = {size.ints[0], size.ints[1]};
        }
        index_[node.name] = int(steps_.size());
        steps_.push_back(std::move(step));
    }
    if (inputName_.isEmpty()) throw Error(QStringLiteral("%1: the graph has no Placeholder input").arg(graph.path));

    QSet<QString> consumed;
    for (const Step& s : steps_)
        for (int i : s.inputs) consumed.insert(steps_[i].name);
    for (const Step& s : steps_)
        if (!consumed.contains(s.name) && s.kind != Kind::Input) {
            outputName_ = s.name; // the first sink in execution order
            break;
        }
    if (outputName_.isEmpty()) throw Error(QStringLiteral("%1: the graph computes nothing").arg(graph.path));
    headConvolution_ = graph.headConvolution();
    headInput_ = graph.headInput();
}

torch::Tensor TfjsGraphModuleImpl::registerWeight(const TfjsGraphFile& graph, const QString& weightName,
                                                  const QString& usage,
                                                  const std::function<torch::Tensor(torch::Tensor)>& convert)
{
    const QString key = usage + QLatin1Char(':') + weightName;
    auto it = parameters_.find(key);
    if (it != parameters_.end()) return it->second;
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_]"));
    QString name = QStringLiteral("p%1_%2").arg(parameters_.size()).arg(weightName);
    name.replace(unsafe, QStringLiteral("_"));
    torch::Tensor p = register_parameter(name.toStdString(), convert(toTensor(*graph.weight(weightName))));
    parameters_[key] = p;
    return p;
}

torch::Tensor TfjsGraphModuleImpl::run(const Step& step, const std::vector<torch::Tensor>& values) const
{
    namespace F = torch::nn::functional;
    auto in = [&](int i) -> const torch::Tensor& { return values[size_t(step.inputs[size_t(i)])]; };
    auto fail = [&](const QString& problem) {
        return Error(QStringLiteral("node '%1' (op %2): %3").arg(step.name, step.op, problem));
    };
    switch (step.kind) {
    case Kind::Input:
    case Kind::Identity: return in(0);
    case Kind::Conv: {
        torch::Tensor x = in(0);
        if (x.dim() != 4) throw fail(QStringLiteral("expects a 4-D input"));
        std::vector<int64_t> pad{0, 0};
        if (step.same) {
            const auto [top, bottom] = samePadding(x.size(2), step.kernel[0], step.stride[0], step.dilation[0]);
            const auto [left, right] = samePadding(x.size(3), step.kernel[1], step.stride[1], step.dilation[1]);
            if (top == bottom && left == right) {
                pad = {top, left}; // symmetric: let the convolution pad (cheaper)
            } else {
                x = torch::constant_pad_nd(x, {left, right, top, bottom}, 0.0);
            }
        }
        torch::Tensor y = torch::conv2d(x, step.weight, step.bias, step.stride, pad, step.dilation, step.groups);
        if (step.activation == 1) y = torch::relu(y);
        if (step.activation == 6) y = torch::clamp(y, 0.0, 6.0);
        return y;
    }
    case Kind::MaxPool: {
        torch::Tensor x = in(0);
        if (step.same) {
            const auto [top, bottom] = samePadding(x.size(2), step.kernel[0], step.stride[0], 1);
            const auto [left, right] = samePadding(x.size(3), step.kernel[1], step.stride[1], 1);
            x = torch::constant_pad_nd(x, {left, right, top, bottom}, -std::numeric_limits<double>::infinity());
        }
        return torch::max_pool2d(x, step.kernel, step.stride);
    }
    case Kind::Add:
    case Kind::Mul:
    case Kind::Minimum:
    case Kind::Maximum: {
        const torch::Tensor& a = in(0);
        torch::Tensor b;
        if (step.operand.defined()) {
            b = operandFor(step.operand, a.dim());
        } else {
            if (a.dim() != in(1).dim()) throw fail(QStringLiteral("operands of different rank are not supported"));
            b = in(1);
        }
        switch (step.kind) {
        case Kind::Mul: return a * b;
        case Kind::Minimum: return torch::minimum(a, b);
        case Kind::Maximum: return torch::maximum(a, b);
        default: return a + b;
        }
    }
    case Kind::MatMul: {
        if (in(0).dim() != 2) throw fail(QStringLiteral("expects a 2-D input"));
        torch::Tensor y = torch::linear(in(0), step.weight, step.bias);
        if (step.activation == 1) y = torch::relu(y);
        if (step.activation == 6) y = torch::clamp(y, 0.0, 6.0);
        return y;
    }
    case Kind::Sigmoid: return torch::sigmoid(in(0));
    case Kind::BiasAdd:
        return in(0).dim() == 4 ? in(0) + step.bias.view({1, -1, 1, 1}) : in(0) + step.bias;
    case Kind::Relu: return torch::relu(in(0));
    case Kind::Relu6: return torch::clamp(in(0), 0.0, 6.0);
    case Kind::Mean: {
        const torch::Tensor& x = in(0);
        std::vector<int64_t> dims;
        for (int64_t a : step.axes) {
            dims.push_back(storedAxis(a, x.dim()));
            if (dims.back() < 0) throw fail(QStringLiteral("axis out of range"));
        }
        std::sort(dims.begin(), dims.end());
        if (x.dim() == 4 && !step.keepDims && dims != std::vector<int64_t>{2, 3})
            throw fail(QStringLiteral("only the spatial mean (axes 1, 2) may drop dimensions"));
        return x.mean(dims, step.keepDims);
    }
    case Kind::Softmax: return torch::softmax(in(0), in(0).dim() == 4 ? 1 : -1);
    case Kind::LogSoftmax: return torch::log_softmax(in(0), in(0).dim() == 4 ? 1 : -1);
    case Kind::Concat: {
        std::vector<torch::Tensor> parts;
        for (size_t i = 0; i < step.inputs.size(); ++i) {
            if (in(int(i)).dim() != in(0).dim()) throw fail(QStringLiteral("values of different rank"));
            parts.push_back(in(int(i)));
        }
        const int64_t axis = storedAxis(step.axes[0], in(0).dim());
        if (axis < 0) throw fail(QStringLiteral("axis out of range"));
        return torch::cat(parts, axis);
    }
    case Kind::Resize:
        if (in(0).dim() != 4) throw fail(QStringLiteral("expects a 4-D input"));
        return legacyResizeBilinear(in(0), step.outputSize[0], step.outputSize[1]);
    }
    throw fail(QStringLiteral("unreachable"));
}

torch::Tensor TfjsGraphModuleImpl::legacyResizeBilinear(const torch::Tensor& x, int64_t height, int64_t width)
{
    // As FaceModelInput.cpp's legacyResizeBilinear (TF.js's CPU kernel): source = destination *
    // in / out in float64, the second tap clamped at the edge; interpolated along rows, then between
    // them. The TorchScript export spells out the same steps (TfjsTorchScriptExport.cpp).
    const auto taps = [&](int64_t in, int64_t out) {
        const auto src = torch::arange(out, torch::kFloat64) * (double(in) / double(out));
        const auto first = torch::floor(src);
        return std::tuple{first.clamp_max(double(in - 1)).to(torch::kLong),
                          torch::ceil(src).clamp_max(double(in - 1)).to(torch::kLong),
                          (src - first).to(x.scalar_type())};
    };
    const auto [r0, r1, fy] = taps(x.size(2), height);
    const auto [c0, c1, fx] = taps(x.size(3), width);
    const auto along = [&](const torch::Tensor& rows) {
        const auto left = rows.index_select(3, c0);
        return left + (rows.index_select(3, c1) - left) * fx.view({1, 1, 1, width});
    };
    const auto top = along(x.index_select(2, r0));
    return top + (along(x.index_select(2, r1)) - top) * fy.view({1, 1, height, 1});
}

int64_t TfjsGraphModuleImpl::storedAxis(int64_t axis, int64_t rank)
{
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) return -1;
    return rank == 4 ? std::array<int64_t, 4>{0, 2, 3, 1}[size_t(axis)] : axis;
}

torch::Tensor TfjsGraphModuleImpl::operandFor(const torch::Tensor& operand, int64_t valueRank)
{
    if (valueRank != 4 || operand.dim() == 0) return operand;
    std::vector<int64_t> nhwc(size_t(4 - operand.dim()), 1);
    for (int64_t d : operand.sizes()) nhwc.push_back(d);
    return operand.reshape(nhwc).permute({0, 3, 1, 2});
}

std::vector<int> TfjsGraphModuleImpl::stepsFor(const QString& node) const
{
    auto it = index_.find(node);
    if (it == index_.end()) throw Error(QStringLiteral("the graph has no node '%1'").arg(node));
    std::vector<bool> needed(steps_.size(), false);
    needed[size_t(it->second)] = true;
    for (int i = it->second; i >= 0; --i)
        if (needed[size_t(i)])
            for (int j : steps_[size_t(i)].inputs) needed[size_t(j)] = true;
    std::vector<int> out;
    for (int i = 0; i <= it->second; ++i)
        if (needed[size_t(i)]) out.push_back(i);
    return out;
}

torch::Tensor TfjsGraphModuleImpl::forwardTo(const torch::Tensor& x, const QString& node)
{
    return forwardTo(x, QStringList{node}).front();
}

std::vector<torch::Tensor> TfjsGraphModuleImpl::forwardTo(const torch::Tensor& x, const QStringList& nodes)
{
    if (x.dim() != 4) throw Error(QStringLiteral("the TF.js model expects a 4-D image batch"));
    if (inputShape_[3] > 0 && x.size(1) != inputShape_[3])
        throw Error(QStringLiteral("the TF.js model expects %1 channel(s), got %2").arg(inputShape_[3]).arg(x.size(1)));
    std::vector<bool> needed(steps_.size(), false);
    for (const QString& node : nodes)
        for (int i : stepsFor(node)) needed[size_t(i)] = true;
    // Each value is dropped after its last reader: a 224 px MobileNet keeps gigabytes of
    // activations per batch otherwise (autograd still keeps what backward needs).
    std::vector<size_t> lastUse(steps_.size(), 0);
    std::vector<bool> asked(steps_.size(), false);
    for (const QString& node : nodes) asked[size_t(index_.at(node))] = true;
    for (size_t i = 0; i < steps_.size(); ++i)
        if (needed[i])
            for (int j : steps_[i].inputs) lastUse[size_t(j)] = i;
    std::vector<torch::Tensor> values(steps_.size());
    for (size_t i = 0; i < steps_.size(); ++i) {
        if (!needed[i]) continue;
        values[i] = steps_[i].kind == Kind::Input ? x : run(steps_[i], values);
        for (int j : steps_[i].inputs)
            if (lastUse[size_t(j)] == i && !asked[size_t(j)]) values[size_t(j)] = torch::Tensor();
    }
    std::vector<torch::Tensor> out;
    for (const QString& node : nodes) out.push_back(values[size_t(index_.at(node))]);
    return out;
}

torch::Tensor TfjsGraphModuleImpl::forward(const torch::Tensor& x)
{
    return forwardTo(x, outputName_);
}

QStringList TfjsGraphModuleImpl::nodeNames() const
{
    QStringList names;
    for (const Step& s : steps_) names << s.name;
    return names;
}

QStringList TfjsGraphModuleImpl::ops() const
{
    QStringList out;
    for (const Step& s : steps_)
        if (!out.contains(s.op)) out << s.op;
    return out;
}

} // namespace exemplar::learning
