#pragma once
// A tiny TF.js graph model written as the real face models are (test_backbone_training,
// test_mining_panel): a "pretrained" emotion model whose features see stripe orientation.
#include "tests/learning/TfjsGraphJson.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QJsonDocument>
#include <QtEndian>

#include <cmath>
#include <map>
#include <vector>

namespace exemplar::test {

using namespace tfjs_json;

inline QJsonObject attrList(const QJsonArray& values) { return {{"list", QJsonObject{{"i", values}}}}; }
inline QJsonObject convAttr(int stride, const char* padding, QStringList fused = {})
{
    QJsonObject a{{"strides", attrList(ints({1, stride, stride, 1}))},
                  {"padding", attrString(padding)},
                  {"data_format", attrString("NHWC")},
                  {"dilations", attrList(ints({1, 1, 1, 1}))}};
    if (!fused.isEmpty()) {
        QJsonArray f;
        for (const QString& s : fused) f.append(QString::fromLatin1(s.toUtf8().toBase64()));
        a.insert("fused_ops", QJsonObject{{"list", QJsonObject{{"s", f}}}});
    }
    return a;
}

struct GraphTensor {
    std::vector<int> shape;
    std::vector<float> values;
};

// A mini-Xception block with the face models' ops. The first convolution holds +-Sobel filters
// (horizontal and vertical edges, 4 channels, ReLU), the block passes them on unchanged
// (identity depthwise and pointwise kernels, zero shortcut), so the pooled features measure edge
// energy per orientation: what "pretrained" means for the stripes task. The head is arbitrary,
// or, for a teacher that knows the task, scores "happy" (emotion output 3) by horizontal edges and
// "sad" (output 4) by vertical ones.
// happyBias is added to the "happy" output's bias: a model that knows the task but is biased
// towards one class, as the real emotion model is on the curator's faces.
// side: the input the graph declares (its layers take any size).
inline void writeStripesGraph(const QString& dir, const QString& name, bool knowsStripes = false, float happyBias = 0,
                              int side = 32)
{
    std::map<QString, GraphTensor> w;
    const float sobel[3][3] = {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}};
    GraphTensor c1{{3, 3, 1, 4}, std::vector<float>(36, 0.f)}; // HWIO
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) {
            const float horizontal = sobel[y][x] * 0.5f, vertical = sobel[x][y] * 0.5f;
            float* o = &c1.values[size_t((y * 3 + x) * 4)];
            o[0] = horizontal, o[1] = -horizontal, o[2] = vertical, o[3] = -vertical;
        }
    w["c1/kernel"] = c1;
    w["c1/bias"] = {{4}, std::vector<float>(4, 0.f)};
    GraphTensor dw{{3, 3, 4, 1}, std::vector<float>(36, 0.f)};
    for (int c = 0; c < 4; ++c) dw.values[size_t(4 * 4 + c)] = 1.f; // centre tap
    w["dw/kernel"] = dw;
    GraphTensor pw{{1, 1, 4, 8}, std::vector<float>(32, 0.f)};
    for (int c = 0; c < 4; ++c) pw.values[size_t(c * 8 + c)] = 1.f;
    w["pw/kernel"] = pw;
    w["pw/bias"] = {{8}, std::vector<float>(8, 0.f)};
    w["sc/kernel"] = {{1, 1, 4, 8}, std::vector<float>(32, 0.f)};
    w["sc/bias"] = {{8}, std::vector<float>(8, 0.f)};
    GraphTensor head{{3, 3, 8, 7}, {}};
    for (int i = 0; i < 3 * 3 * 8 * 7; ++i) head.values.push_back(knowsStripes ? 0.f : float(std::sin(0.7 * i)) * 0.2f);
    if (knowsStripes)
        for (int c = 0; c < 4; ++c) // centre tap (HWIO): channels 0-1 horizontal edges, 2-3 vertical
            head.values[size_t(((1 * 3 + 1) * 8 + c) * 7 + (c < 2 ? 3 : 4))] = 4.f;
    w["head/kernel"] = head;
    w["head/bias"] = {{7}, std::vector<float>(7, 0.f)};
    w["head/bias"].values[3] = happyBias;

    QJsonArray dims;
    for (int d : {-1, side, side, 1}) dims.append(QJsonObject{{"size", QString::number(d)}});
    QJsonArray nodes{
        node("input", "Placeholder", {}, {{"shape", QJsonObject{{"shape", QJsonObject{{"dim", dims}}}}}}),
        node("c1", "_FusedConv2D", {"input", "c1/kernel", "c1/bias"}, convAttr(2, "SAME", {"BiasAdd", "Relu"})),
        node("dw", "DepthwiseConv2dNative", {"c1", "dw/kernel"}, convAttr(1, "SAME")),
        node("pw", "_FusedConv2D", {"dw", "pw/kernel", "pw/bias"}, convAttr(1, "VALID", {"BiasAdd"})),
        node("sc", "_FusedConv2D", {"c1", "sc/kernel", "sc/bias"}, convAttr(2, "SAME", {"BiasAdd"})),
        node("add", "AddV2", {"pool", "sc"}),
        node("relu", "Relu", {"add"}),
        node("head", "_FusedConv2D", {"relu", "head/kernel", "head/bias"}, convAttr(1, "SAME", {"BiasAdd"})),
        node("mean", "Mean", {"head", "mean/axes"}, {{"keep_dims", QJsonObject{{"b", false}}}}),
        node("softmax", "Softmax", {"mean"}),
        node("mean/axes", "Const", {}),
    };
    QJsonObject pool = convAttr(2, "SAME");
    pool.insert("ksize", attrList(ints({1, 3, 3, 1})));
    nodes.append(node("pool", "MaxPool", {"pw"}, pool));
    QJsonArray manifest;
    QByteArray bytes;
    for (const auto& [weightName, t] : w) {
        nodes.append(node(weightName, "Const", {}));
        QJsonArray shape;
        for (int d : t.shape) shape.append(d);
        manifest.append(QJsonObject{{"name", weightName}, {"shape", shape}, {"dtype", "float32"}});
        for (float v : t.values) {
            char le[4];
            qToLittleEndian(v, le);
            bytes.append(le, 4);
        }
    }
    manifest.append(QJsonObject{{"name", "mean/axes"}, {"shape", QJsonArray{2}}, {"dtype", "int32"}});
    for (qint32 axis : {1, 2}) {
        char le[4];
        qToLittleEndian(axis, le);
        bytes.append(le, 4);
    }
    QDir().mkpath(dir);
    test::writeTextFile(dir + "/" + name + ".bin", bytes);
    const QJsonObject root{{"format", "graph-model"},
                           {"modelTopology", QJsonObject{{"node", nodes}}},
                           {"weightsManifest", QJsonArray{QJsonObject{{"paths", QJsonArray{name + ".bin"}},
                                                                       {"weights", manifest}}}}};
    test::writeTextFile(dir + "/" + name + ".json", QJsonDocument(root).toJson());
}

} // namespace exemplar::test
