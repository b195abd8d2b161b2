#include "core/learning/internal/TfjsTorchScriptExport.h"

#include "core/util/Error.h"

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

} // namespace

torch::jit::Module toTorchScript(BackboneNetImpl& net)
{
    torch::NoGradGuard noGrad;
    torch::jit::Module m("ExemplarBackboneNet");
    const auto& graph = net.graph();
    const auto& steps = graph->steps();
    std::ostringstream src;
    // features() runs the graph once up to the pretrained head convolution and returns the pooled
    // features and the pooled pretrained logits, as BackboneNetImpl::features does.
    src << "def features(self, x):\n"
        << "    x = (x - 0.5) * 2.0\n";
    auto v = [](int i) { return "v" + std::to_string(i); };
    for (int i : graph->stepsFor(net.headConvolution())) {
        const auto& s = steps[size_t(i)];
        auto in = [&](size_t k) { return v(s.inputs.at(k)); };
        const std::string out = "    " + v(i) + " = ";
        switch (s.kind) {
        case Kind::Input: src << out << "x\n"; break;
        case Kind::Identity: src << out << in(0) << "\n"; break;
        case Kind::Conv: {
            const std::string w = "s" + std::to_string(i) + "_w", b = "s" + std::to_string(i) + "_b";
            m.register_parameter(w, s.weight.detach().clone(), false);
            if (s.bias.defined()) m.register_parameter(b, s.bias.detach().clone(), false);
            const std::string x = s.same ? "self.pad_same(" + in(0) + ", " + std::to_string(s.kernel[0]) + ", " +
                                               std::to_string(s.kernel[1]) + ", " + std::to_string(s.stride[0]) +
                                               ", " + std::to_string(s.stride[1]) + ", " +
                                               std::to_string(s.dilation[0]) + ", " +
                                               std::to_string(s.dilation[1]) + ", 0.0)"
                                         : in(0);
            src << out << "torch.conv2d(" << x << ", self." << w << ", "
                << (s.bias.defined() ? "self." + b : std::string("None")) << ", " << intList(s.stride)
                << ", [0, 0], " << intList(s.dilation) << ", " << s.groups << ")\n";
            if (s.activation == 1) src << out << "torch.relu(" << v(i) << ")\n";
            if (s.activation == 6) src << out << "torch.clamp(" << v(i) << ", 0.0, 6.0)\n";
            break;
        }
        case Kind::MaxPool: {
            const std::string x = s.same ? "self.pad_same(" + in(0) + ", " + std::to_string(s.kernel[0]) + ", " +
                                               std::to_string(s.kernel[1]) + ", " + std::to_string(s.stride[0]) +
                                               ", " + std::to_string(s.stride[1]) + ", 1, 1, float(\"-inf\"))"
                                         : in(0);
            src << out << "torch.max_pool2d(" << x << ", " << intList(s.kernel) << ", " << intList(s.stride)
                << ", [0, 0], [1, 1], False)\n";
            break;
        }
        case Kind::Add: src << out << in(0) << " + " << in(1) << "\n"; break;
        case Kind::BiasAdd: {
            const std::string b = "s" + std::to_string(i) + "_b";
            m.register_parameter(b, s.bias.detach().clone(), false);
            src << out << in(0) << " + (self." << b << ".view([1, -1, 1, 1]) if " << in(0)
                << ".dim() == 4 else self." << b << ")\n";
            break;
        }
        case Kind::Relu: src << out << "torch.relu(" << in(0) << ")\n"; break;
        case Kind::Relu6: src << out << "torch.clamp(" << in(0) << ", 0.0, 6.0)\n"; break;
        default:
            // Mean/Softmax/pooling only occur in the head the backbone is cut from.
            throw Error(QStringLiteral("export: op %1 of node '%2' inside the backbone is not supported")
                            .arg(s.op, s.name));
        }
    }
    src << "    return torch.mean(" << v(graph->stepsFor(net.featureNode()).back()) << ", [2, 3]), torch.mean("
        << v(graph->stepsFor(net.headConvolution()).back()) << ", [2, 3])\n";
    m.register_parameter("neck_scale", net.featureScale().detach().clone(), false);
    m.register_parameter("neck_shift", (-net.featureMean() * net.featureScale()).detach().clone(), false);
    m.register_parameter("head_w", net.head()->weight.detach().clone(), false);
    m.register_parameter("head_b", net.head()->bias.detach().clone(), false);
    m.register_parameter("prior_w", net.prior()->weight.detach().clone(), false);
    m.register_parameter("prior_b", net.prior()->bias.detach().clone(), false);
    m.define(std::string(kPadSame) + src.str() +
             "\ndef embed(self, x):\n"
             "    return self.features(x)[0]\n"
             "\ndef forward(self, x):\n"
             "    b = x.size(0)\n"
             "    f, z = self.features(torch.cat([x, x.flip([3])]))\n"
             "    n = f * self.neck_scale + self.neck_shift\n"
             "    y = torch.linear(n, self.head_w, self.head_b) + torch.linear(z, self.prior_w, self.prior_b)\n"
             "    return (y[:b] + y[b:]) / 2\n");
    m.eval();
    return m;
}

} // namespace exemplar::learning
