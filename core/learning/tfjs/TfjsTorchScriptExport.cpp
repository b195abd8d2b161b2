#include "core/learning/internal/TfjsTorchScriptExport.h"
#include "core/learning/internal/TestTimeViews.h"

#include "core/util/Error.h"

#include <array>
#include <set>
#include <sstream>

namespace exemplar::learning {

namespace {

using Kind = TfjsGraphModuleImpl::Kind;

std::string intList(const std::vector<int64_t>& v)
{
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < v.size(); ++i) s << (i ? ", " : "") << v[i];
    s << ']';
    return s.str();
}

// TF "SAME" padding depends on the input size, so it is computed when the module runs (the
// exported model then accepts any input size, as the in-memory graph does).
const char* kPadSame = R"(
def pad_same(self, x: Tensor, kh: int, kw: int, sh: int, sw: int, dh: int, dw: int, value: float) -> Tensor:
    ih = x.size(2)
    iw = x.size(3)
    oh = (ih + sh - 1) // sh
    ow = (iw + sw - 1) // sw
    ph = max((oh - 1) * sh + (kh - 1) * dh + 1 - ih, 0)
    pw = max((ow - 1) * sw + (kw - 1) * dw + 1 - iw, 0)
    return torch.constant_pad_nd(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2], value)
)";

// TfjsGraphModuleImpl::legacyResizeBilinear, step for step.
const char* kResizeLegacy = R"(
def resize_legacy(self, x: Tensor, oh: int, ow: int) -> Tensor:
    ih = x.size(2)
    iw = x.size(3)
    ys = torch.arange(oh).double() * (float(ih) / float(oh))
    xs = torch.arange(ow).double() * (float(iw) / float(ow))
    r0 = torch.floor(ys).clamp_max(float(ih - 1)).long()
    r1 = torch.ceil(ys).clamp_max(float(ih - 1)).long()
    c0 = torch.floor(xs).clamp_max(float(iw - 1)).long()
    c1 = torch.ceil(xs).clamp_max(float(iw - 1)).long()
    fy = (ys - torch.floor(ys)).type_as(x).view([1, 1, oh, 1])
    fx = (xs - torch.floor(xs)).type_as(x).view([1, 1, 1, ow])
    top = x.index_select(2, r0)
    bottom = x.index_select(2, r1)
    tl = top.index_select(3, c0)
    t = tl + (top.index_select(3, c1) - tl) * fx
    bl = bottom.index_select(3, c0)
    b = bl + (bottom.index_select(3, c1) - bl) * fx
    return t + (b - t) * fy
)";

std::string v(int i) { return "v" + std::to_string(i); }

// A TF axis of step s as the executor stores a value of `rank` dimensions (the export decides
// between the 4-D and the plain layout when the module runs, as the executor does).
int64_t storedAxis(const TfjsGraphModuleImpl::Step& s, int64_t axis, int64_t rank)
{
    const int64_t stored = TfjsGraphModuleImpl::storedAxis(axis, rank);
    if (stored < 0) throw Error(QStringLiteral("export: axis %1 of node '%2' is out of range").arg(axis).arg(s.name));
    return stored;
}

std::string padSame(const std::string& x, const TfjsGraphModuleImpl::Step& s, int dh, int dw, const char* value)
{
    return "self.pad_same(" + x + ", " + std::to_string(s.kernel[0]) + ", " + std::to_string(s.kernel[1]) + ", " +
           std::to_string(s.stride[0]) + ", " + std::to_string(s.stride[1]) + ", " + std::to_string(dh) + ", " +
           std::to_string(dw) + ", " + value + ")";
}

// The TorchScript lines computing step i from the values v<input> of earlier steps, with the
// step's tensors registered on m. Mirrors TfjsGraphModuleImpl::run.
void emitStep(torch::jit::Module& m, const TfjsGraphModuleImpl::Step& s, int i, std::ostringstream& src)
{
    auto in = [&](size_t k) { return v(s.inputs.at(k)); };
    const std::string out = "    " + v(i) + " = ";
    const std::string prefix = "s" + std::to_string(i);
    auto activation = [&] {
        if (s.activation == 1) src << out << "torch.relu(" << v(i) << ")\n";
        if (s.activation == 6) src << out << "torch.clamp(" << v(i) << ", 0.0, 6.0)\n";
    };
    switch (s.kind) {
    case Kind::Input: src << out << "x\n"; return;
    case Kind::Identity: src << out << in(0) << "\n"; return;
    case Kind::Conv: {
        const std::string w = prefix + "_w", b = prefix + "_b";
        m.register_parameter(w, s.weight.detach().clone(), false);
        if (s.bias.defined()) m.register_parameter(b, s.bias.detach().clone(), false);
        const std::string x = s.same ? padSame(in(0), s, int(s.dilation[0]), int(s.dilation[1]), "0.0") : in(0);
        src << out << "torch.conv2d(" << x << ", self." << w << ", "
            << (s.bias.defined() ? "self." + b : std::string("None")) << ", " << intList(s.stride) << ", [0, 0], "
            << intList(s.dilation) << ", " << s.groups << ")\n";
        activation();
        return;
    }
    case Kind::MaxPool: {
        const std::string x = s.same ? padSame(in(0), s, 1, 1, "float(\"-inf\")") : in(0);
        src << out << "torch.max_pool2d(" << x << ", " << intList(s.kernel) << ", " << intList(s.stride)
            << ", [0, 0], [1, 1], False)\n";
        return;
    }
    case Kind::Add:
    case Kind::Mul:
    case Kind::Minimum:
    case Kind::Maximum: {
        std::string b = s.inputs.size() > 1 ? in(1) : std::string();
        if (s.operand.defined()) {
            // The operand's layout is fixed once the rank of the value it meets is known; the
            // graph is exported for the batches it was built for, so the rank is decided here.
            const std::string c = prefix + "_c";
            m.register_parameter(c, s.operand.detach().clone(), false);
            b = "self.reshape_operand(self." + c + ", " + in(0) + ".dim())";
        }
        const char* op = s.kind == Kind::Mul       ? "torch.mul("
                         : s.kind == Kind::Minimum ? "torch.minimum("
                         : s.kind == Kind::Maximum ? "torch.maximum("
                                                   : "torch.add(";
        src << out << op << in(0) << ", " << b << ")\n";
        return;
    }
    case Kind::MatMul: {
        const std::string w = prefix + "_w", b = prefix + "_b";
        m.register_parameter(w, s.weight.detach().clone(), false);
        if (s.bias.defined()) m.register_parameter(b, s.bias.detach().clone(), false);
        src << out << "torch.linear(" << in(0) << ", self." << w << ", "
            << (s.bias.defined() ? "self." + b : std::string("None")) << ")\n";
        activation();
        return;
    }
    case Kind::BiasAdd: {
        const std::string b = prefix + "_b";
        m.register_parameter(b, s.bias.detach().clone(), false);
        src << out << in(0) << " + (self." << b << ".view([1, -1, 1, 1]) if " << in(0) << ".dim() == 4 else self."
            << b << ")\n";
        return;
    }
    case Kind::Relu: src << out << "torch.relu(" << in(0) << ")\n"; return;
    case Kind::Relu6: src << out << "torch.clamp(" << in(0) << ", 0.0, 6.0)\n"; return;
    case Kind::Sigmoid: src << out << "torch.sigmoid(" << in(0) << ")\n"; return;
    case Kind::Softmax: src << out << "torch.softmax(" << in(0) << ", 1 if " << in(0) << ".dim() == 4 else -1)\n"; return;
    case Kind::LogSoftmax:
        src << out << "torch.log_softmax(" << in(0) << ", 1 if " << in(0) << ".dim() == 4 else -1)\n";
        return;
    case Kind::Concat: {
        const int64_t a = s.axes[0];
        src << out << "torch.cat([";
        for (size_t k = 0; k < s.inputs.size(); ++k) src << (k ? ", " : "") << in(k);
        src << "], " << storedAxis(s, a, 4) << " if " << in(0) << ".dim() == 4 else " << a << ")\n";
        return;
    }
    case Kind::Resize:
        src << out << "self.resize_legacy(" << in(0) << ", " << s.outputSize[0] << ", " << s.outputSize[1] << ")\n";
        return;
    case Kind::Mean: {
        std::vector<int64_t> nchw;
        for (int64_t a : s.axes) nchw.push_back(storedAxis(s, a, 4));
        std::sort(nchw.begin(), nchw.end());
        src << out << "torch.mean(" << in(0) << ", " << intList(nchw) << " if " << in(0) << ".dim() == 4 else "
            << intList(s.axes) << ", " << (s.keepDims ? "True" : "False") << ")\n";
        return;
    }
    case Kind::AvgPool: break;
    }
    throw Error(QStringLiteral("export: op %1 of node '%2' is not supported").arg(s.op, s.name));
}

// Lines computing every step the nodes need, once each, in execution order.
void emitSteps(torch::jit::Module& m, const TfjsGraphModuleImpl& graph, const QStringList& nodes, std::ostringstream& src)
{
    std::set<int> needed;
    for (const QString& n : nodes)
        for (int i : graph.stepsFor(n)) needed.insert(i);
    for (int i : needed) emitStep(m, graph.steps()[size_t(i)], i, src);
}

const char* kReshapeOperand = R"(
def reshape_operand(self, c: Tensor, rank: int) -> Tensor:
    if rank != 4 or c.dim() == 0:
        return c
    shape = [1] * (4 - c.dim()) + c.size()
    return c.reshape(shape).permute([0, 3, 1, 2])
)";

int stepOf(const TfjsGraphModuleImpl& graph, const QString& node) { return graph.stepsFor(node).back(); }

// classify_embed(x): the logits averaged over the face and its mirror image, or over each test-time
// view and its mirror (the same integer boxes as BackboneNetImpl::forward), and the face's embedding.
std::string classifyEmbedSource(const BackboneSpec& spec)
{
    const std::vector<TestTimeView> views =
        spec.testTimeViews ? testTimeViews(spec.inputSide) : std::vector<TestTimeView>{{0, 0, 0, spec.inputSide}};
    std::ostringstream src;
    src << "\ndef classify_embed(self, x):\n"
        << "    b = x.size(0)\n"
        << "    s = x.size(2)\n"
        << "    y, f = self.logits(torch.cat([x, x.flip([3])]))\n"
        << "    e = f[:b]\n"
        << "    t = y[:b] + y[b:]\n";
    for (const TestTimeView& view : views) {
        if (view.pad == 0 && view.size == spec.inputSide) continue; // the face itself, above
        if (view.pad > 0)
            src << "    v = torch.replication_pad2d(x, [" << view.pad << ", " << view.pad << ", " << view.pad << ", " << view.pad
                << "])\n";
        else
            src << "    v = x[:, :, " << view.y << ":" << view.y + view.size << ", " << view.x << ":" << view.x + view.size << "]\n";
        src << "    v = torch.upsample_bilinear2d(v, [s, s], False, None, None)\n"
            << "    y, f = self.logits(torch.cat([v, v.flip([3])]))\n"
            << "    t = t + y[:b] + y[b:]\n";
    }
    src << "    return t / " << 2 * views.size() << ".0, e\n";
    return src.str();
}

} // namespace

torch::jit::Module toTorchScript(TfjsGraphModuleImpl& graph, const QString& node)
{
    torch::NoGradGuard noGrad;
    torch::jit::Module m("ExemplarTfjsGraph");
    std::ostringstream src;
    src << "def forward(self, x):\n";
    emitSteps(m, graph, QStringList{node}, src);
    src << "    return " << v(stepOf(graph, node)) << "\n";
    m.define(std::string(kPadSame) + kReshapeOperand + kResizeLegacy + src.str());
    m.eval();
    return m;
}

torch::jit::Module toTorchScript(BackboneNetImpl& net)
{
    torch::NoGradGuard noGrad;
    torch::jit::Module m("ExemplarBackboneNet");
    const TfjsGraphModuleImpl& graph = *net.graph();
    const BackboneSpec& spec = net.spec();
    std::ostringstream src;
    // features() runs the graph once up to the pretrained logits and returns the pooled features
    // and the pretrained logits, as BackboneNetImpl::features does.
    src.precision(17);
    src << "def features(self, x):\n"
        << "    x = x * " << spec.inputScale << " + " << spec.inputShift << "\n";
    emitSteps(m, graph, QStringList{net.featureNode(), net.logitsNode()}, src);
    const std::string f = v(stepOf(graph, net.featureNode())), z = v(stepOf(graph, net.logitsNode()));
    src << "    f = torch.mean(" << f << ", [2, 3]) if " << f << ".dim() == 4 else " << f << "\n"
        << "    z = torch.mean(" << z << ", [2, 3]) if " << z << ".dim() == 4 else " << z << "\n";
    if (net.binaryLogit()) src << "    z = torch.cat([z * -0.5, z * 0.5], 1)\n";
    src << "    return f, z\n";
    m.register_parameter("neck_scale", net.featureScale().detach().clone(), false);
    m.register_parameter("neck_shift", (-net.featureMean() * net.featureScale()).detach().clone(), false);
    m.register_parameter("head_w", net.head()->weight.detach().clone(), false);
    m.register_parameter("head_b", net.head()->bias.detach().clone(), false);
    m.register_parameter("prior_w", net.prior()->weight.detach().clone(), false);
    m.register_parameter("prior_b", net.prior()->bias.detach().clone(), false);
    m.define(std::string(kPadSame) + kReshapeOperand + kResizeLegacy + src.str() +
             "\ndef embed(self, x):\n"
             "    return self.features(x)[0]\n"
             // Scores and embedding from one pass through the graph (scoring a catalogue wants both).
             "\ndef logits(self, x):\n"
             "    f, z = self.features(x)\n"
             "    n = f * self.neck_scale + self.neck_shift\n"
             "    return torch.linear(n, self.head_w, self.head_b) + torch.linear(z, self.prior_w, self.prior_b), f\n" +
             classifyEmbedSource(spec) +
             "\ndef forward(self, x):\n"
             "    return self.classify_embed(x)[0]\n");
    m.eval();
    return m;
}

} // namespace exemplar::learning
