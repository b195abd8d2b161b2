// The TF.js graph-model loader: a tiny graph written by the test (known weights, every supported
// op, asymmetric SAME padding, a shuffled weight manifest with an int32 constant in the middle)
// must give the outputs of a plain reference implementation; quantised weights must decode as
// TF.js defines them; damaged files and unknown ops must give errors naming the file / op.
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsGraphFile.h"
#include "core/learning/tfjs/TfjsModel.h"
#include "core/util/Error.h"
#include "tests/learning/FacesDevChecks.h"
#include "tests/learning/TfjsGraphJson.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFloat16>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <tuple>
#include <QtEndian>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>

using namespace exemplar;
using namespace exemplar::learning;
using exemplar::test::errorOf;
using namespace exemplar::test::tfjs_json;

namespace {

// ---- reference implementation (NHWC, double precision, straight loops) ---------------------

struct Nhwc {
    int n = 0, h = 0, w = 0, c = 0;
    std::vector<double> v;
    Nhwc(int n_, int h_, int w_, int c_) : n(n_), h(h_), w(w_), c(c_), v(size_t(n_ * h_ * w_ * c_), 0.0) {}
    double& at(int b, int y, int x, int ch) { return v[size_t(((b * h + y) * w + x) * c + ch)]; }
    double at(int b, int y, int x, int ch) const { return v[size_t(((b * h + y) * w + x) * c + ch)]; }
};

struct Geometry {
    int out, before;
};
Geometry geometry(int in, int k, int s, bool same)
{
    if (!same) return {(in - k) / s + 1, 0};
    const int out = (in + s - 1) / s;
    return {out, std::max((out - 1) * s + k - in, 0) / 2};
}

// kernel HWIO [kh, kw, ci, co]
Nhwc refConv(const Nhwc& x, const std::vector<double>& k, int kh, int kw, int co, const std::vector<double>& bias,
             int stride, bool same, bool relu)
{
    const Geometry gy = geometry(x.h, kh, stride, same), gx = geometry(x.w, kw, stride, same);
    Nhwc y(x.n, gy.out, gx.out, co);
    for (int b = 0; b < x.n; ++b)
        for (int oy = 0; oy < gy.out; ++oy)
            for (int ox = 0; ox < gx.out; ++ox)
                for (int o = 0; o < co; ++o) {
                    double s = bias.empty() ? 0.0 : bias[size_t(o)];
                    for (int ky = 0; ky < kh; ++ky)
                        for (int kx = 0; kx < kw; ++kx) {
                            const int iy = oy * stride + ky - gy.before, ix = ox * stride + kx - gx.before;
                            if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
                            for (int i = 0; i < x.c; ++i)
                                s += x.at(b, iy, ix, i) * k[size_t(((ky * kw + kx) * x.c + i) * co + o)];
                        }
                    y.at(b, oy, ox, o) = relu ? std::max(s, 0.0) : s;
                }
    return y;
}

// kernel [kh, kw, c, m]; output channel = c * m + j
Nhwc refDepthwise(const Nhwc& x, const std::vector<double>& k, int kh, int kw, int m, int stride, bool same)
{
    const Geometry gy = geometry(x.h, kh, stride, same), gx = geometry(x.w, kw, stride, same);
    Nhwc y(x.n, gy.out, gx.out, x.c * m);
    for (int b = 0; b < x.n; ++b)
        for (int oy = 0; oy < gy.out; ++oy)
            for (int ox = 0; ox < gx.out; ++ox)
                for (int ch = 0; ch < x.c; ++ch)
                    for (int j = 0; j < m; ++j) {
                        double s = 0;
                        for (int ky = 0; ky < kh; ++ky)
                            for (int kx = 0; kx < kw; ++kx) {
                                const int iy = oy * stride + ky - gy.before, ix = ox * stride + kx - gx.before;
                                if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
                                s += x.at(b, iy, ix, ch) * k[size_t(((ky * kw + kx) * x.c + ch) * m + j)];
                            }
                        y.at(b, oy, ox, ch * m + j) = s;
                    }
    return y;
}

Nhwc refMaxPool(const Nhwc& x, int k, int stride, bool same)
{
    const Geometry gy = geometry(x.h, k, stride, same), gx = geometry(x.w, k, stride, same);
    Nhwc y(x.n, gy.out, gx.out, x.c);
    for (int b = 0; b < x.n; ++b)
        for (int oy = 0; oy < gy.out; ++oy)
            for (int ox = 0; ox < gx.out; ++ox)
                for (int ch = 0; ch < x.c; ++ch) {
                    double m = -INFINITY;
                    for (int ky = 0; ky < k; ++ky)
                        for (int kx = 0; kx < k; ++kx) {
                            const int iy = oy * stride + ky - gy.before, ix = ox * stride + kx - gx.before;
                            if (iy >= 0 && ix >= 0 && iy < x.h && ix < x.w) m = std::max(m, x.at(b, iy, ix, ch));
                        }
                    y.at(b, oy, ox, ch) = m;
                }
    return y;
}

// ---- the tiny graph ---------------------------------------------------------------------------

enum class Storage { Float32, Float16, Uint8 };

struct Weight {
    QString name;
    std::vector<int> shape;
    std::vector<double> values; // exactly what the stored bytes decode to
    Storage storage = Storage::Float32;
    double scale = 0, min = 0; // uint8
    std::vector<int> codes;    // uint8
};

// Deterministic values; exact in float16 when `storage` is Float16 (multiples of 1/256 below 2).
Weight makeWeight(const QString& name, std::vector<int> shape, int seed, Storage storage, double bias = 0)
{
    Weight w{name, std::move(shape), {}, storage, 0, 0, {}};
    int n = 1;
    for (int d : w.shape) n *= d;
    if (storage == Storage::Uint8) {
        w.scale = 0.0078125 * 1.5;
        w.min = -1.3 + bias;
        for (int i = 0; i < n; ++i) {
            w.codes.push_back((i * 37 + seed * 11 + 5) % 256);
            w.values.push_back(double(float(float(w.codes.back()) * float(w.scale) + float(w.min))));
        }
    } else {
        for (int i = 0; i < n; ++i) {
            const double v = std::sin(0.7 * i + 1.3 * seed) * 0.9 + bias;
            w.values.push_back(std::round(v * 256.0) / 256.0);
        }
    }
    return w;
}

QJsonObject attrList(const QString& kind, const QJsonArray& values)
{
    return QJsonObject{{QStringLiteral("list"), QJsonObject{{kind, values}}}};
}

QJsonObject convAttr(int stride, const QString& padding, const QStringList& fused)
{
    QJsonObject a{{QStringLiteral("strides"), attrList(QStringLiteral("i"), ints({1, stride, stride, 1}))},
                  {QStringLiteral("padding"), attrString(padding)},
                  {QStringLiteral("data_format"), attrString(QStringLiteral("NHWC"))},
                  {QStringLiteral("dilations"), attrList(QStringLiteral("i"), ints({1, 1, 1, 1}))}};
    if (!fused.isEmpty()) {
        QJsonArray f;
        for (const QString& s : fused) f.append(QString::fromLatin1(s.toUtf8().toBase64()));
        a.insert(QStringLiteral("fused_ops"), attrList(QStringLiteral("s"), f));
        a.insert(QStringLiteral("num_args"), QJsonObject{{QStringLiteral("i"), QStringLiteral("1")}});
    }
    return a;
}

constexpr int kBatch = 2, kSize = 6, kChannels = 2, kClasses = 4;

struct TinyModel {
    std::map<QString, Weight> weights;
    QString json; // model.json path
};

std::map<QString, Weight> tinyWeights(Storage conv, Storage other)
{
    std::map<QString, Weight> w;
    auto add = [&](Weight x) { w[x.name] = std::move(x); };
    add(makeWeight(QStringLiteral("conv1/kernel"), {3, 3, kChannels, 3}, 1, conv));
    add(makeWeight(QStringLiteral("conv1/bias"), {3}, 2, other, 0.2));
    add(makeWeight(QStringLiteral("dw/kernel"), {3, 3, 3, 2}, 3, other));
    add(makeWeight(QStringLiteral("pw/kernel"), {1, 1, 6, 3}, 4, conv));
    add(makeWeight(QStringLiteral("pw/bias"), {3}, 5, other, -0.3)); // some negatives: max-pool must pad with -inf
    add(makeWeight(QStringLiteral("shortcut/kernel"), {1, 1, 3, 3}, 6, conv));
    add(makeWeight(QStringLiteral("shortcut/bias"), {3}, 7, Storage::Float32));
    add(makeWeight(QStringLiteral("head/kernel"), {3, 3, 3, kClasses}, 8, conv));
    add(makeWeight(QStringLiteral("head/bias"), {kClasses}, 9, other));
    return w;
}

// Writes model.json + two weight shards. The manifest order is deliberately not the node order
// and the Mean axes (int32) sit between float weights, as in the real models.
TinyModel writeTinyModel(const QString& dir, Storage conv, Storage other,
                         const std::function<void(QJsonArray&)>& editNodes = {})
{
    TinyModel m;
    m.weights = tinyWeights(conv, other);
    m.json = dir + QStringLiteral("/model.json");
    QJsonArray nodes;
    nodes.append(node(QStringLiteral("input"), QStringLiteral("Placeholder"), {},
                      {{QStringLiteral("shape"),
                        QJsonObject{{QStringLiteral("shape"),
                                     QJsonObject{{QStringLiteral("dim"),
                                                  QJsonArray{QJsonObject{{QStringLiteral("size"), QStringLiteral("-1")}},
                                                             QJsonObject{{QStringLiteral("size"), QString::number(kSize)}},
                                                             QJsonObject{{QStringLiteral("size"), QString::number(kSize)}},
                                                             QJsonObject{{QStringLiteral("size"), QString::number(kChannels)}}}}}}}}}));
    // Nodes in an order that is not topological: the loader must sort them.
    nodes.append(node(QStringLiteral("out"), QStringLiteral("Identity"), {QStringLiteral("softmax")}));
    nodes.append(node(QStringLiteral("conv1"), QStringLiteral("_FusedConv2D"),
                      {QStringLiteral("input"), QStringLiteral("conv1/kernel"), QStringLiteral("conv1/bias")},
                      convAttr(2, QStringLiteral("SAME"), {QStringLiteral("BiasAdd"), QStringLiteral("Relu")})));
    nodes.append(node(QStringLiteral("dw"), QStringLiteral("DepthwiseConv2dNative"),
                      {QStringLiteral("conv1"), QStringLiteral("dw/kernel")}, convAttr(1, QStringLiteral("SAME"), {})));
    nodes.append(node(QStringLiteral("pw"), QStringLiteral("_FusedConv2D"),
                      {QStringLiteral("dw"), QStringLiteral("pw/kernel"), QStringLiteral("pw/bias")},
                      convAttr(1, QStringLiteral("VALID"), {QStringLiteral("BiasAdd")})));
    QJsonObject pool = convAttr(2, QStringLiteral("SAME"), {});
    pool.insert(QStringLiteral("ksize"), attrList(QStringLiteral("i"), ints({1, 2, 2, 1})));
    nodes.append(node(QStringLiteral("pool"), QStringLiteral("MaxPool"), {QStringLiteral("pw")}, pool));
    nodes.append(node(QStringLiteral("shortcut"), QStringLiteral("_FusedConv2D"),
                      {QStringLiteral("conv1"), QStringLiteral("shortcut/kernel"), QStringLiteral("shortcut/bias")},
                      convAttr(2, QStringLiteral("SAME"), {QStringLiteral("BiasAdd")})));
    nodes.append(node(QStringLiteral("add"), QStringLiteral("AddV2"), {QStringLiteral("pool"), QStringLiteral("shortcut")}));
    nodes.append(node(QStringLiteral("relu"), QStringLiteral("Relu"), {QStringLiteral("add")}));
    nodes.append(node(QStringLiteral("head"), QStringLiteral("_FusedConv2D"),
                      {QStringLiteral("relu"), QStringLiteral("head/kernel"), QStringLiteral("head/bias")},
                      convAttr(1, QStringLiteral("SAME"), {QStringLiteral("BiasAdd")})));
    nodes.append(node(QStringLiteral("mean"), QStringLiteral("Mean"), {QStringLiteral("head"), QStringLiteral("mean/axes")},
                      {{QStringLiteral("keep_dims"), QJsonObject{{QStringLiteral("b"), false}}}}));
    nodes.append(node(QStringLiteral("softmax"), QStringLiteral("Softmax"), {QStringLiteral("mean")}));
    for (const auto& [name, w] : m.weights) nodes.append(node(name, QStringLiteral("Const"), {}));
    nodes.append(node(QStringLiteral("mean/axes"), QStringLiteral("Const"), {}));
    if (editNodes) editNodes(nodes);

    const QStringList order{QStringLiteral("head/kernel"), QStringLiteral("dw/kernel"), QStringLiteral("conv1/bias"),
                            QStringLiteral("mean/axes"), QStringLiteral("pw/bias"), QStringLiteral("shortcut/kernel"),
                            QStringLiteral("conv1/kernel"), QStringLiteral("head/bias"), QStringLiteral("shortcut/bias"),
                            QStringLiteral("pw/kernel")};
    QJsonArray manifest;
    QByteArray bytes;
    for (const QString& name : order) {
        if (name == QLatin1String("mean/axes")) {
            manifest.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("shape"), QJsonArray{2}},
                                        {QStringLiteral("dtype"), QStringLiteral("int32")}});
            for (qint32 axis : {1, 2}) {
                char le[4];
                qToLittleEndian(axis, le);
                bytes.append(le, 4);
            }
            continue;
        }
        const Weight& w = m.weights.at(name);
        QJsonArray shape;
        for (int d : w.shape) shape.append(d);
        QJsonObject entry{{QStringLiteral("name"), name}, {QStringLiteral("shape"), shape},
                          {QStringLiteral("dtype"), QStringLiteral("float32")}};
        if (w.storage == Storage::Float32) {
            for (double v : w.values) {
                char le[4];
                qToLittleEndian(float(v), le);
                bytes.append(le, 4);
            }
        } else if (w.storage == Storage::Float16) {
            entry.insert(QStringLiteral("quantization"), QJsonObject{{QStringLiteral("dtype"), QStringLiteral("float16")}});
            for (double v : w.values) {
                const qfloat16 h = qfloat16(static_cast<float>(v));
                quint16 bits;
                std::memcpy(&bits, &h, 2);
                char le[2];
                qToLittleEndian(bits, le);
                bytes.append(le, 2);
            }
        } else {
            entry.insert(QStringLiteral("quantization"),
                         QJsonObject{{QStringLiteral("dtype"), QStringLiteral("uint8")},
                                     {QStringLiteral("scale"), w.scale}, {QStringLiteral("min"), w.min}});
            for (int code : w.codes) bytes.append(char(quint8(code)));
        }
        manifest.append(entry);
    }
    // Two shards, split mid-weight: the loader must treat them as one stream.
    const qsizetype half = bytes.size() / 2 + 1;
    exemplar::test::writeTextFile(dir + QStringLiteral("/group1-shard1of2.bin"), bytes.left(half));
    exemplar::test::writeTextFile(dir + QStringLiteral("/group1-shard2of2.bin"), bytes.mid(half));
    const QJsonObject root{
        {QStringLiteral("format"), QStringLiteral("graph-model")},
        {QStringLiteral("modelTopology"), QJsonObject{{QStringLiteral("node"), nodes}}},
        {QStringLiteral("weightsManifest"),
         QJsonArray{QJsonObject{{QStringLiteral("paths"), QJsonArray{QStringLiteral("group1-shard1of2.bin"),
                                                                      QStringLiteral("group1-shard2of2.bin")}},
                                {QStringLiteral("weights"), manifest}}}}};
    exemplar::test::writeTextFile(m.json, QJsonDocument(root).toJson());
    return m;
}

Nhwc tinyInput()
{
    Nhwc x(kBatch, kSize, kSize, kChannels);
    for (size_t i = 0; i < x.v.size(); ++i) x.v[i] = std::cos(0.37 * double(i)) * 1.5;
    return x;
}

// The tiny graph by hand: [batch, classes] probabilities.
std::vector<double> tinyReference(const std::map<QString, Weight>& w, const Nhwc& x)
{
    auto v = [&](const char* name) { return w.at(QString::fromLatin1(name)).values; };
    const Nhwc conv1 = refConv(x, v("conv1/kernel"), 3, 3, 3, v("conv1/bias"), 2, true, true);
    const Nhwc dw = refDepthwise(conv1, v("dw/kernel"), 3, 3, 2, 1, true);
    const Nhwc pw = refConv(dw, v("pw/kernel"), 1, 1, 3, v("pw/bias"), 1, false, false);
    const Nhwc pool = refMaxPool(pw, 2, 2, true);
    Nhwc sum = refConv(conv1, v("shortcut/kernel"), 1, 1, 3, v("shortcut/bias"), 2, true, false);
    for (size_t i = 0; i < sum.v.size(); ++i) sum.v[i] = std::max(sum.v[i] + pool.v[i], 0.0);
    const Nhwc head = refConv(sum, v("head/kernel"), 3, 3, kClasses, v("head/bias"), 1, true, false);
    std::vector<double> out;
    for (int b = 0; b < head.n; ++b) {
        std::vector<double> mean(kClasses, 0.0);
        for (int y = 0; y < head.h; ++y)
            for (int xx = 0; xx < head.w; ++xx)
                for (int c = 0; c < kClasses; ++c) mean[size_t(c)] += head.at(b, y, xx, c) / (head.h * head.w);
        double z = 0;
        for (double m : mean) z += std::exp(m);
        for (double m : mean) out.push_back(std::exp(m) / z);
    }
    return out;
}

std::vector<float> asFloats(const Nhwc& x)
{
    return std::vector<float>(x.v.begin(), x.v.end());
}

} // namespace

class TestTfjsLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tinyGraphMatchesReference_data()
    {
        QTest::addColumn<int>("conv");
        QTest::addColumn<int>("other");
        QTest::newRow("float32") << int(Storage::Float32) << int(Storage::Float32);
        QTest::newRow("float16 kernels, uint8 rest") << int(Storage::Float16) << int(Storage::Uint8);
        QTest::newRow("uint8 kernels, float16 rest") << int(Storage::Uint8) << int(Storage::Float16);
    }

    void tinyGraphMatchesReference()
    {
        QFETCH(int, conv);
        QFETCH(int, other);
        QTemporaryDir dir;
        const TinyModel tiny = writeTinyModel(dir.path(), Storage(conv), Storage(other));
        const TfjsModel model = TfjsModel::load(tiny.json);
        QCOMPARE(model.outputNode(), QStringLiteral("out"));
        QCOMPARE(model.headConvolution(), QStringLiteral("head"));
        QCOMPARE(model.inputShape(), (std::vector<qint64>{-1, kSize, kSize, kChannels}));

        // Every float weight is a trainable parameter.
        qint64 expectedParameters = 0;
        for (const auto& [name, w] : tiny.weights) expectedParameters += qint64(w.values.size());
        QCOMPARE(model.parameterCount(), expectedParameters);

        const Nhwc x = tinyInput();
        const TfjsOutput out = model.predict(asFloats(x), kBatch, kSize, kSize);
        QCOMPARE(out.shape, (std::vector<qint64>{kBatch, kClasses}));
        const std::vector<double> expected = tinyReference(tiny.weights, x);
        double worst = 0;
        for (size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::abs(expected[i] - out.values[i]));
        QVERIFY2(worst < 1e-5, qPrintable(QStringLiteral("max difference %1").arg(worst)));
        // Not a degenerate graph whose outputs cannot tell right from wrong.
        QVERIFY(std::abs(expected[0] - expected[1]) > 1e-3);
        double rowsDiffer = 0;
        for (int c = 0; c < kClasses; ++c) rowsDiffer = std::max(rowsDiffer, std::abs(expected[size_t(c)] - expected[size_t(kClasses + c)]));
        QVERIFY(rowsDiffer > 1e-4);
    }

    void decodesQuantisedWeightsAsTfjsDefinesThem()
    {
        // float16 bit patterns: 1, -2, 0.5, 65504, -0
        const QJsonObject f16{{QStringLiteral("name"), QStringLiteral("h")},
                              {QStringLiteral("shape"), QJsonArray{5}},
                              {QStringLiteral("dtype"), QStringLiteral("float32")},
                              {QStringLiteral("quantization"), QJsonObject{{QStringLiteral("dtype"), QStringLiteral("float16")}}}};
        const QByteArray halfBytes = QByteArray::fromHex("003c00c00038ff7b0080");
        const TfjsWeight h = decodeTfjsWeight(f16, halfBytes);
        QCOMPARE(h.floats, (std::vector<float>{1.0f, -2.0f, 0.5f, 65504.0f, -0.0f}));
        QCOMPARE(tfjsWeightByteSize(f16), 10);

        // uint8: q * scale + min
        const QJsonObject u8{{QStringLiteral("name"), QStringLiteral("u")},
                             {QStringLiteral("shape"), QJsonArray{2, 2}},
                             {QStringLiteral("dtype"), QStringLiteral("float32")},
                             {QStringLiteral("quantization"), QJsonObject{{QStringLiteral("dtype"), QStringLiteral("uint8")},
                                                                          {QStringLiteral("scale"), 0.5},
                                                                          {QStringLiteral("min"), -1.0}}}};
        QCOMPARE(decodeTfjsWeight(u8, QByteArray::fromHex("00010aff")).floats, (std::vector<float>{-1.0f, -0.5f, 4.0f, 126.5f}));

        // uint16, little-endian codes 1 and 513
        QJsonObject u16 = u8;
        u16.insert(QStringLiteral("shape"), QJsonArray{2});
        u16.insert(QStringLiteral("quantization"), QJsonObject{{QStringLiteral("dtype"), QStringLiteral("uint16")},
                                                               {QStringLiteral("scale"), 0.25},
                                                               {QStringLiteral("min"), 10.0}});
        QCOMPARE(decodeTfjsWeight(u16, QByteArray::fromHex("01000102")).floats, (std::vector<float>{10.25f, 138.25f}));

        // int32 stored as uint8: rounded to integers
        QJsonObject i32 = u8;
        i32.insert(QStringLiteral("shape"), QJsonArray{3});
        i32.insert(QStringLiteral("dtype"), QStringLiteral("int32"));
        i32.insert(QStringLiteral("quantization"), QJsonObject{{QStringLiteral("dtype"), QStringLiteral("uint8")},
                                                               {QStringLiteral("scale"), 0.4},
                                                               {QStringLiteral("min"), -3.0}});
        QCOMPARE(decodeTfjsWeight(i32, QByteArray::fromHex("000a02")).ints, (std::vector<qint32>{-3, 1, -2}));

        // Wrong byte count, missing scale, unknown dtype
        QVERIFY(errorOf([&] { decodeTfjsWeight(u8, QByteArray::fromHex("0001")); }).contains(QStringLiteral("expected 4 bytes")));
        QJsonObject noScale = u8;
        noScale.insert(QStringLiteral("quantization"), QJsonObject{{QStringLiteral("dtype"), QStringLiteral("uint8")}});
        QVERIFY(errorOf([&] { decodeTfjsWeight(noScale, QByteArray(4, 0)); }).contains(QStringLiteral("scale")));
        QJsonObject str = f16;
        str.remove(QStringLiteral("quantization"));
        str.insert(QStringLiteral("dtype"), QStringLiteral("string"));
        QVERIFY(errorOf([&] { tfjsWeightByteSize(str); }).contains(QStringLiteral("'string'")));
    }

    void corruptedModelJsonNamesTheFile()
    {
        QTemporaryDir dir;
        const TinyModel tiny = writeTinyModel(dir.path(), Storage::Float32, Storage::Float32);
        QFile f(tiny.json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        f.close();
        exemplar::test::writeTextFile(tiny.json, text.left(text.size() / 2));
        const QString error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(tiny.json) && error.contains(QStringLiteral("not valid JSON")), qPrintable(error));

        exemplar::test::writeTextFile(tiny.json, R"({"format": "layers-model", "modelTopology": {}})");
        QVERIFY(errorOf([&] { TfjsModel::load(tiny.json); }).contains(QStringLiteral("not a graph model")));

        const QString missing = dir.path() + QStringLiteral("/nothing.json");
        QVERIFY(errorOf([&] { TfjsModel::load(missing); }).contains(missing));
    }

    void truncatedOrMissingWeightsNameTheFile()
    {
        QTemporaryDir dir;
        const TinyModel tiny = writeTinyModel(dir.path(), Storage::Float32, Storage::Float32);
        const QString shard = dir.path() + QStringLiteral("/group1-shard2of2.bin");
        QFile f(shard);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() - 6));
        f.close();
        QString error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(shard) && error.contains(QStringLiteral("truncated")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("pw/kernel")), qPrintable(error)); // the last weight in the manifest

        // Too many bytes is as wrong as too few: the manifest does not describe the file.
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() + 10));
        f.close();
        error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(shard) && error.contains(QStringLiteral("manifest describes")), qPrintable(error));

        QVERIFY(QFile::remove(shard));
        error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(shard) && error.contains(QStringLiteral("cannot read")), qPrintable(error));
    }

    void unknownOpNamesOpAndNode()
    {
        QTemporaryDir dir;
        const TinyModel tiny = writeTinyModel(dir.path(), Storage::Float32, Storage::Float32, [](QJsonArray& nodes) {
            for (qsizetype i = 0; i < nodes.size(); ++i) {
                QJsonObject n = nodes[i].toObject();
                if (n.value(QStringLiteral("name")).toString() == QLatin1String("relu")) {
                    n.insert(QStringLiteral("op"), QStringLiteral("Erf"));
                    nodes[i] = n;
                }
            }
        });
        const QString error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(QStringLiteral("'Erf'")) && error.contains(QStringLiteral("'relu'")) &&
                     error.contains(tiny.json),
                 qPrintable(error));
    }

    void danglingInputAndUnsupportedFusionAreReported()
    {
        QTemporaryDir dir;
        TinyModel tiny = writeTinyModel(dir.path(), Storage::Float32, Storage::Float32, [](QJsonArray& nodes) {
            for (qsizetype i = 0; i < nodes.size(); ++i) {
                QJsonObject n = nodes[i].toObject();
                if (n.value(QStringLiteral("name")).toString() == QLatin1String("add")) {
                    n.insert(QStringLiteral("input"), QJsonArray{QStringLiteral("pool"), QStringLiteral("ghost")});
                    nodes[i] = n;
                }
            }
        });
        QString error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(QStringLiteral("'ghost'")) && error.contains(QStringLiteral("'add'")), qPrintable(error));

        QTemporaryDir dir2;
        tiny = writeTinyModel(dir2.path(), Storage::Float32, Storage::Float32, [](QJsonArray& nodes) {
            for (qsizetype i = 0; i < nodes.size(); ++i) {
                QJsonObject n = nodes[i].toObject();
                if (n.value(QStringLiteral("name")).toString() == QLatin1String("pw")) {
                    QJsonObject attr = n.value(QStringLiteral("attr")).toObject();
                    attr.insert(QStringLiteral("fused_ops"),
                                attrList(QStringLiteral("s"), QJsonArray{QString::fromLatin1(QByteArray("BiasAdd").toBase64()),
                                                                         QString::fromLatin1(QByteArray("Elu").toBase64())}));
                    n.insert(QStringLiteral("attr"), attr);
                    nodes[i] = n;
                }
            }
        });
        error = errorOf([&] { TfjsModel::load(tiny.json); });
        QVERIFY2(error.contains(QStringLiteral("Elu")) && error.contains(QStringLiteral("'pw'")), qPrintable(error));
    }

    void wrongInputSizeIsRefused()
    {
        QTemporaryDir dir;
        const TinyModel tiny = writeTinyModel(dir.path(), Storage::Float32, Storage::Float32);
        const TfjsModel model = TfjsModel::load(tiny.json);
        QVERIFY(errorOf([&] { model.predict(std::vector<float>(kSize * kSize * 3), 1, kSize, kSize); })
                    .contains(QStringLiteral("expected")));
        QVERIFY(errorOf([&] { model.predict(std::vector<float>(8 * 8 * kChannels), 1, 8, 8); })
                    .contains(QStringLiteral("6x6")));
    }

    void legacyResizeSamplesWithoutHalfPixelOffset()
    {
        // 4x4 ramp -> 3x3: TF's legacy sampling reads source x = dst * 4/3 (0, 1.333, 2.667).
        cv::Mat ramp(4, 4, CV_32FC1);
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x) ramp.at<float>(y, x) = float(10 * y + x);
        const cv::Mat out = legacyResizeBilinear(ramp, 3, 3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x)
                QVERIFY(std::abs(out.at<float>(y, x) - float(10 * y * 4.0 / 3 + x * 4.0 / 3)) < 1e-5);
        // Upscaling clamps the bottom/right neighbour at the edge: 2 -> 4 gives 0, 0.5, 1, 1.
        cv::Mat two(1, 2, CV_32FC1);
        two.at<float>(0, 0) = 0;
        two.at<float>(0, 1) = 1;
        const cv::Mat up = legacyResizeBilinear(two, 1, 4);
        QCOMPARE(up.at<float>(0, 1), 0.5f);
        QCOMPARE(up.at<float>(0, 3), 1.0f);
    }

    void faceModelInputIsNormalisedGray()
    {
        cv::Mat white(10, 14, CV_8UC3, cv::Scalar(255, 255, 255)); // non-square: centre-cropped
        const std::vector<float> in = faceModelInput(white, 8, true);
        QCOMPARE(in.size(), size_t(64));
        QVERIFY(std::abs(in[0] - ((0.2989f + 0.5870f + 0.1140f) - 0.5f) * 2.0f) < 1e-6);
        cv::Mat blue(8, 8, CV_8UC3, cv::Scalar(255, 0, 0)); // BGR: blue only
        QVERIFY(std::abs(faceModelInput(blue, 4, true)[5] - (0.1140f - 0.5f) * 2.0f) < 1e-6);
        QCOMPARE(faceModelInput(blue, 4, false)[2], 1.0f); // RGB order: blue last
    }

    // faceModelImage converts only the rows and columns the sampling reads: the same numbers as
    // resizing the whole image in float (what bench_tfjs_check compares with TF.js), bit for bit,
    // shrinking large photos, enlarging small ones, gray, BGR and BGRA.
    void faceModelImageReadsOnlyWhatItSamples()
    {
        cv::RNG random(3);
        for (const auto& [rows, cols, type, size] : {std::tuple{1000, 1700, CV_8UC3, 64}, std::tuple{1500, 900, CV_8UC1, 224},
                                                     std::tuple{40, 50, CV_8UC4, 64}, std::tuple{350, 350, CV_8UC3, 64}}) {
            cv::Mat image(rows, cols, type);
            random.fill(image, cv::RNG::UNIFORM, 0, 256);
            const cv::Mat rgb = legacyResizeBilinear(faceModelRgb(image), size, size);
            QCOMPARE(cv::norm(faceModelImage(image, size, false), rgb, cv::NORM_INF), 0.0);
            const cv::Mat gray = faceModelImage(image, size, true);
            for (int y = 0; y < size; y += 7)
                for (int x = 0; x < size; x += 5) {
                    const cv::Vec3f p = rgb.at<cv::Vec3f>(y, x);
                    QCOMPARE(gray.at<float>(y, x), p[0] * kFaceModelLuma[0] + p[1] * kFaceModelLuma[1] + p[2] * kFaceModelLuma[2]);
                }
        }
    }

    void locatorExplainsHowToInstall()
    {
        QTemporaryDir dir;
        qputenv("EXEMPLAR_MODELS_DIR", dir.path().toUtf8());
        qputenv("XDG_DATA_HOME", (dir.path() + QStringLiteral("/xdg")).toUtf8());
        QCOMPARE(pretrainedModelDirs(), (QStringList{dir.path(), dir.path() + QStringLiteral("/xdg/Exemplar/models")}));
        QVERIFY(findPretrainedModel(QStringLiteral("emotion")).isEmpty());
        const QString error = errorOf([] { requirePretrainedModel(QStringLiteral("emotion")); });
        QVERIFY2(error.contains(QStringLiteral("fetch-models.sh")) && error.contains(dir.path()), qPrintable(error));
        QVERIFY(errorOf([] { requirePretrainedModel(QStringLiteral("vgg")); }).contains(QStringLiteral("unknown")));

        // Found only when both files are there.
        exemplar::test::writeTextFile(dir.path() + QStringLiteral("/xdg/Exemplar/models/gender.json"), "{}");
        QVERIFY(findPretrainedModel(QStringLiteral("gender")).isEmpty());
        exemplar::test::writeTextFile(dir.path() + QStringLiteral("/xdg/Exemplar/models/gender.bin"), "x");
        QCOMPARE(findPretrainedModel(QStringLiteral("gender")), dir.path() + QStringLiteral("/xdg/Exemplar/models/gender.json"));
        qunsetenv("EXEMPLAR_MODELS_DIR");
        qunsetenv("XDG_DATA_HOME");
    }

    void realModelsGiveSoftmaxOutputs_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("classes");
        QTest::newRow("emotion") << QStringLiteral("emotion") << 7;
        QTest::newRow("gender") << QStringLiteral("gender") << 2;
    }

    void realModelsGiveSoftmaxOutputs()
    {
        QFETCH(QString, name);
        QFETCH(int, classes);
        const QString json = findPretrainedModel(name);
        if (json.isEmpty()) QSKIP(qPrintable(QStringLiteral("%1 is not installed: %2").arg(name, pretrainedModelsHowTo())));
        const TfjsModel model = TfjsModel::load(json);
        QVERIFY(model.parameterCount() > 50000);
        QVERIFY(!model.headConvolution().isEmpty());
        QTemporaryDir dir;
        std::vector<float> input;
        for (int i = 0; i < 3; ++i) {
            const QString file = dir.path() + QStringLiteral("/%1.png").arg(i);
            exemplar::test::writeSyntheticImage(file, 90 + 10 * i, 80, i);
            const std::vector<float> one = faceModelInput(cv::imread(file.toStdString()), 64, true);
            input.insert(input.end(), one.begin(), one.end());
        }
        const TfjsOutput out = model.predict(input, 3, 64, 64);
        QCOMPARE(out.shape, (std::vector<qint64>{3, classes}));
        for (int row = 0; row < 3; ++row) {
            double sum = 0;
            for (int c = 0; c < classes; ++c) {
                const float p = out.values[size_t(row * classes + c)];
                QVERIFY(p >= 0 && p <= 1);
                sum += p;
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
    }

    // With the real emotion model and faces-dev: happy faces must come out happy. A transposed
    // kernel or wrong padding still gives softmax outputs, but not these. (The gender model is
    // not checked this way: on faces-dev's loose LFW crops it is at chance level even when it
    // matches TF.js exactly, see bench_tfjs_check.)
    void emotionModelRecognisesHappyFaces()
    {
        const QString emotion = findPretrainedModel(QStringLiteral("emotion"));
        if (emotion.isEmpty()) QSKIP(qPrintable(pretrainedModelsHowTo()));
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        const QStringList files = test::facesDevImagesOf(facesDev, QStringLiteral("happiness"), 40);
        QCOMPARE(files.size(), 40);
        const int happy = int(files.size());
        // Outputs: angry disgust fear HAPPY sad surprise neutral
        const int saidHappy = test::countClassifiedAs(emotion, files, 64, true, 1.0f, 3);
        QVERIFY(saidHappy >= 0);
        qInfo("emotion says happy for %d/%d happy faces", saidHappy, happy);
        QVERIFY(saidHappy >= happy * 3 / 5);
    }
};

QTEST_GUILESS_MAIN(TestTfjsLoader)
#include "test_tfjs_loader.moc"
