#include "core/learning/internal/TorchScriptExport.h"

#include <sstream>

namespace exemplar::learning {

torch::jit::Module toTorchScript(ConvNet& net)
{
    torch::NoGradGuard noGrad;
    torch::jit::Module m("ExemplarConvNet");
    auto param = [&](const std::string& name, const torch::Tensor& t) {
        m.register_parameter(name, t.detach().clone(), /*is_buffer=*/false);
    };
    auto buffer = [&](const std::string& name, const torch::Tensor& t) {
        m.register_buffer(name, t.detach().clone());
    };

    // embed() is the penultimate features (what the classifier reads; averaged over the face and
    // its mirror image when the trainer evaluated so): mining ranks images by distances between
    // them. forward() goes through embed() so the two can never disagree.
    std::ostringstream src;
    src << "def embed(self, x):\n";
    if (net->spec().flipAverage)
        src << "    n = x.size(0)\n"
            << "    f = self.features(torch.cat([x, x.flip([3])]))\n"
            << "    return (f[:n] + f[n:]) * 0.5\n\n";
    else
        src << "    return self.features(x)\n\n";
    src << "def features(self, x):\n";
    buffer("input_mean", net->inputMean());
    buffer("input_std", net->inputStd());
    src << "    x = (x - self.input_mean) / self.input_std\n";
    const auto& spec = net->spec();
    size_t layer = 0;
    for (size_t b = 0; b < spec.blockChannels.size(); ++b) {
        for (int k = 0; k < spec.convsPerBlock; ++k, ++layer) {
            const std::string i = std::to_string(layer);
            const auto& conv = net->convs()[layer];
            const auto& bn = net->norms()[layer];
            param("conv" + i + "_w", conv->weight);
            param("bn" + i + "_w", bn->weight);
            param("bn" + i + "_b", bn->bias);
            buffer("bn" + i + "_mean", bn->running_mean);
            buffer("bn" + i + "_var", bn->running_var);
            const double eps = bn->options.eps();
            src << "    x = torch.conv2d(x, self.conv" << i << "_w, None, [1, 1], [1, 1], [1, 1], 1)\n"
                << "    x = torch.batch_norm(x, self.bn" << i << "_w, self.bn" << i << "_b, self.bn" << i
                << "_mean, self.bn" << i << "_var, False, 0.1, " << eps << ", False)\n"
                << "    x = torch.relu(x)\n";
        }
        src << "    x = torch.max_pool2d(x, [2, 2], [2, 2], [0, 0], [1, 1], False)\n";
    }
    src << "    x = torch.adaptive_avg_pool2d(x, [1, 1])\n"
        << "    x = torch.flatten(x, 1)\n";
    if (net->hiddenLayer()) {
        param("hidden_w", net->hiddenLayer()->weight);
        param("hidden_b", net->hiddenLayer()->bias);
        src << "    x = torch.relu(torch.linear(x, self.hidden_w, self.hidden_b))\n";
    }
    src << "    return x\n\n";
    param("classifier_w", net->classifier()->weight);
    param("classifier_b", net->classifier()->bias);
    src << "def forward(self, x):\n"
        << "    return torch.linear(self.embed(x), self.classifier_w, self.classifier_b)\n";
    m.define(src.str());
    m.eval();
    return m;
}

} // namespace exemplar::learning
