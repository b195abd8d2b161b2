#include "core/learning/tfjs/FaceApiExpressionGraph.h"

#include "core/learning/tfjs/TfjsGraphBuilder.h"

#include "core/util/Error.h"

#include <QJsonArray>

namespace exemplar::learning {

namespace {

// face-api's building blocks over the manifest's weights.
class GraphBuilder : public TfjsGraphBuilder {
public:
    explicit GraphBuilder(TfjsGraphFile& graph) : TfjsGraphBuilder(graph) {}

    // A weight of the manifest as a Const node, its shape checked against what the network needs
    // (-1: any size).
    QString weight(const QString& name, const std::vector<qint64>& shape)
    {
        const TfjsWeight* w = graph().weight(name);
        if (!w)
            throw Error(QStringLiteral("%1: a weights manifest without a graph, and not face-api's expression model "
                                       "(the one such manifest Exemplar knows): it has no weight '%2'")
                            .arg(graph().path, name));
        bool fits = w->dtype == QLatin1String("float32") && w->shape.size() == shape.size();
        for (size_t i = 0; fits && i < shape.size(); ++i) fits = shape[i] < 0 || shape[i] == w->shape[i];
        if (!fits) throw Error(QStringLiteral("%1: weight '%2' has an unexpected shape or dtype").arg(graph().path, name));
        return node(name, QStringLiteral("Const"), {});
    }
    qint64 channels(const QString& weightName, int axis) const { return graph().weight(weightName)->shape[size_t(axis)]; }

    // face-api's depthwiseSeparableConv: tf.separableConv2d(x, depthwise, pointwise, stride, 'same') + bias.
    QString separable(const QString& x, const QString& prefix, qint64 inChannels, int stride)
    {
        const QString dw = weight(prefix + QStringLiteral("/depthwise_filter"), {3, 3, inChannels, 1});
        const QString pw = weight(prefix + QStringLiteral("/pointwise_filter"), {1, 1, inChannels, -1});
        const QString bias = weight(prefix + QStringLiteral("/bias"), {channels(pw, 3)});
        const QString d = node(prefix + QStringLiteral("/depthwise"), QStringLiteral("DepthwiseConv2dNative"), {x, dw}, convAttr(stride, true));
        const QString p = node(prefix + QStringLiteral("/pointwise"), QStringLiteral("Conv2D"), {d, pw}, convAttr(1, false));
        return node(prefix + QStringLiteral("/out"), QStringLiteral("BiasAdd"), {p, bias});
    }

    // face-api's denseBlock4 (isScaleDown): out1 = relu(first conv, stride 2); out2 = sep(out1);
    // out3 = sep(relu(out1 + out2)); out4 = sep(relu(out1 + (out2 + out3)));
    // relu(out1 + (out2 + (out3 + out4))). The sums are grouped as face-api groups them.
    QString denseBlock(const QString& x, const QString& d, qint64 inChannels)
    {
        QString first;
        qint64 c = 0;
        if (d == QLatin1String("dense0")) {
            const QString filters = weight(d + QStringLiteral("/conv0/filters"), {3, 3, inChannels, -1});
            c = channels(filters, 3);
            const QString bias = weight(d + QStringLiteral("/conv0/bias"), {c});
            first = node(d + QStringLiteral("/conv0/out"), QStringLiteral("BiasAdd"),
                         {node(d + QStringLiteral("/conv0/conv"), QStringLiteral("Conv2D"), {x, filters}, convAttr(2, true)), bias});
        } else {
            first = separable(x, d + QStringLiteral("/conv0"), inChannels, 2);
            c = channels(d + QStringLiteral("/conv0/pointwise_filter"), 3);
        }
        const QString out1 = node(d + QStringLiteral("/out1"), QStringLiteral("Relu"), {first});
        const QString out2 = separable(out1, d + QStringLiteral("/conv1"), c, 1);
        const QString in3 = node(d + QStringLiteral("/in3"), QStringLiteral("Relu"),
                                 {node(d + QStringLiteral("/sum12"), QStringLiteral("AddV2"), {out1, out2})});
        const QString out3 = separable(in3, d + QStringLiteral("/conv2"), c, 1);
        const QString sum23 = node(d + QStringLiteral("/sum23"), QStringLiteral("AddV2"), {out2, out3});
        const QString in4 = node(d + QStringLiteral("/in4"), QStringLiteral("Relu"),
                                 {node(d + QStringLiteral("/sum123"), QStringLiteral("AddV2"), {out1, sum23})});
        const QString out4 = separable(in4, d + QStringLiteral("/conv3"), c, 1);
        const QString sum34 = node(d + QStringLiteral("/sum34"), QStringLiteral("AddV2"), {out3, out4});
        const QString sum234 = node(d + QStringLiteral("/sum234"), QStringLiteral("AddV2"), {out2, sum34});
        return node(d + QStringLiteral("/out"), QStringLiteral("Relu"),
                    {node(d + QStringLiteral("/sum1234"), QStringLiteral("AddV2"), {out1, sum234})});
    }
};

} // namespace

TfjsGraphFile faceApiExpressionGraph(const QString& manifestPath, const QJsonArray& manifest)
{
    TfjsGraphFile graph;
    graph.path = manifestPath;
    graph.weights = readTfjsWeights(manifest, manifestPath);
    GraphBuilder g(graph);

    const QString input = g.input(QStringLiteral("input"), 112, 3);
    // face-api's normalize(x, meanRgb).div(255). (The executor makes a per-channel constant of Add
    // trainable, as it does folded batch norms: fine-tuning may shift the mean like any bias.)
    const QString centred = g.node(QStringLiteral("preprocess/centred"), QStringLiteral("AddV2"),
                                   {input, g.constant(QStringLiteral("preprocess/minus_mean_rgb"), {3}, {-122.782f, -117.001f, -104.298f})});
    QString x = g.node(QStringLiteral("preprocess/scaled"), QStringLiteral("Mul"),
                       {centred, g.constant(QStringLiteral("preprocess/one_over_255"), {}, {1.0f / 255.0f})});
    qint64 c = 3;
    for (const char* block : {"dense0", "dense1", "dense2", "dense3"}) {
        x = g.denseBlock(x, QString::fromLatin1(block), c);
        c = g.channels(QString::fromLatin1(block) + QStringLiteral("/conv3/pointwise_filter"), 3);
    }
    // tf.avgPool(x, [7, 7], [2, 2], 'valid') on the 7x7 map a 112 px input leaves is its mean.
    const QString features = g.node(QString::fromLatin1(kFaceApiFeatureNode), QStringLiteral("Mean"),
                                    {x, g.intConstant(QStringLiteral("features/axes"), {1, 2})});
    const QString fcWeights = g.weight(QStringLiteral("fc/weights"), {c, -1});
    const QString fcBias = g.weight(QStringLiteral("fc/bias"), {g.channels(fcWeights, 1)});
    const QString logits = g.node(QString::fromLatin1(kFaceApiLogitsNode), QStringLiteral("BiasAdd"),
                                  {g.node(QStringLiteral("fc/matmul"), QStringLiteral("MatMul"), {features, fcWeights}), fcBias});
    g.node(QString::fromLatin1(kFaceApiOutputNode), QStringLiteral("Softmax"), {logits});
    return graph;
}

} // namespace exemplar::learning
