// The TF.js ops of MobileNet-style graphs such as HSE-FaceRes (faceres): Mul/Add with a per-channel
// constant (folded batch norm), Minimum/Maximum with scalar clip bounds and between two nodes,
// MatMul/_FusedMatMul (BiasAdd, Relu, transpose_b) and Sigmoid. A tiny graph with known weights
// must give the values of a plain reference implementation, both in the loaded module and in its
// self-contained TorchScript export; batch-norm constants are trainable, clip bounds are not.
#include "core/learning/tfjs/TfjsModel.h"
#include "core/util/Error.h"
#include "tests/learning/TfjsGraphJson.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <map>

using namespace exemplar;
using namespace exemplar::learning;
using namespace exemplar::test::tfjs_json;

namespace {

constexpr int kBatch = 2, kSide = 2, kChannels = 3, kHidden = 4, kOut = 2;

struct Const {
    std::vector<int> shape;
    std::vector<double> values;
};

std::map<QString, Const> weights()
{
    auto make = [](std::vector<int> shape, int seed) {
        Const c{std::move(shape), {}};
        int n = 1;
        for (int d : c.shape) n *= d;
        // Multiples of 1/256: exact in float32, so the reference sees the stored values.
        for (int i = 0; i < n; ++i) c.values.push_back(std::round(std::sin(0.9 * i + 1.7 * seed) * 256.0) / 256.0);
        return c;
    };
    return {{"bn/scale", make({1, 1, 1, kChannels}, 1)}, // rank 4, as TF broadcasting allows
            {"bn/shift", make({kChannels}, 2)},
            {"clip/high", Const{{}, {0.5}}},
            {"clip/low", Const{{}, {-0.25}}},
            {"fc/kernel", make({kChannels, kHidden}, 3)},
            {"fc/bias", make({kHidden}, 4)},
            {"out/kernel", make({kOut, kHidden}, 5)}, // read with transpose_b
            {"out/bias", make({kOut}, 6)},
            {"mean/axes", Const{{2}, {1, 2}}}};
}



QJsonObject matMulAttr(const QStringList& fused, bool transposeB)
{
    QJsonArray f;
    for (const QString& s : fused) f.append(QString::fromLatin1(s.toUtf8().toBase64()));
    return QJsonObject{{"fused_ops", QJsonObject{{"list", QJsonObject{{"s", f}}}}},
                       {"num_args", QJsonObject{{"i", "1"}}},
                       {"transpose_a", QJsonObject{{"b", false}}},
                       {"transpose_b", QJsonObject{{"b", transposeB}}}};
}

QString writeGraph(const QString& dir, const QString& extraOp = {})
{
    const auto w = weights();
    QJsonArray nodes;
    QJsonArray dims;
    for (int d : {-1, kSide, kSide, kChannels}) dims.append(QJsonObject{{"size", QString::number(d)}});
    nodes.append(node("input", "Placeholder", {}, {{"shape", QJsonObject{{"shape", QJsonObject{{"dim", dims}}}}}}));
    nodes.append(node("bn/mul", "Mul", {"input", "bn/scale"}));
    nodes.append(node("bn/add", "Add", {"bn/shift", "bn/mul"})); // the constant first
    nodes.append(node("clip/min", "Minimum", {"bn/add", "clip/high"}));
    nodes.append(node("clip/max", "Maximum", {"clip/min", "clip/low"}));
    nodes.append(node("square", "Mul", {"clip/max", "bn/add"}));
    nodes.append(node("larger", "Maximum", {"square", "bn/mul"}));
    nodes.append(node("smaller", "Minimum", {"larger", "bn/add"}));
    nodes.append(node("pool", "Mean", {"smaller", "mean/axes"}, {{"keep_dims", QJsonObject{{"b", false}}}}));
    nodes.append(node("fc", "_FusedMatMul", {"pool", "fc/kernel", "fc/bias"}, matMulAttr({"BiasAdd", "Relu"}, false)));
    nodes.append(node("out", "_FusedMatMul", {"fc", "out/kernel", "out/bias"}, matMulAttr({"BiasAdd"}, true)));
    nodes.append(node("prob", extraOp.isEmpty() ? QStringLiteral("Sigmoid") : extraOp, {"out"}));
    QJsonArray manifest;
    QByteArray bytes;
    for (const auto& [name, c] : w) {
        nodes.append(node(name, "Const", {}));
        QJsonArray shape;
        for (int d : c.shape) shape.append(d);
        const bool ints = name == QLatin1String("mean/axes");
        manifest.append(QJsonObject{{"name", name}, {"shape", shape}, {"dtype", ints ? "int32" : "float32"}});
        for (double v : c.values) {
            char le[4];
            if (ints) qToLittleEndian(qint32(v), le);
            else qToLittleEndian(float(v), le);
            bytes.append(le, 4);
        }
    }
    test::writeTextFile(dir + "/model.bin", bytes);
    const QJsonObject root{{"format", "graph-model"},
                           {"modelTopology", QJsonObject{{"node", nodes}}},
                           {"weightsManifest",
                            QJsonArray{QJsonObject{{"paths", QJsonArray{"model.bin"}}, {"weights", manifest}}}}};
    test::writeTextFile(dir + "/model.json", QJsonDocument(root).toJson());
    return dir + "/model.json";
}

std::vector<float> input()
{
    std::vector<float> x;
    for (int i = 0; i < kBatch * kSide * kSide * kChannels; ++i)
        x.push_back(float(std::round(std::cos(0.61 * i) * 1.3 * 256.0) / 256.0));
    return x;
}

// The graph by hand, in NHWC and double precision: every checked node's values.
std::map<QString, std::vector<double>> reference(const std::vector<float>& x)
{
    const auto w = weights();
    auto c = [&](const char* name) { return w.at(QString::fromLatin1(name)).values; };
    const auto scale = c("bn/scale"), shift = c("bn/shift"), fcK = c("fc/kernel"), fcB = c("fc/bias"),
               outK = c("out/kernel"), outB = c("out/bias");
    std::map<QString, std::vector<double>> r;
    const int pixels = kSide * kSide;
    for (size_t i = 0; i < x.size(); ++i) {
        const size_t ch = i % kChannels;
        const double mul = x[i] * scale[ch];
        const double add = mul + shift[ch];
        const double clipped = std::max(std::min(add, 0.5), -0.25);
        const double larger = std::max(clipped * add, mul);
        r["bn/mul"].push_back(mul);
        r["bn/add"].push_back(add);
        r["clip/max"].push_back(clipped);
        r["larger"].push_back(larger);
        r["smaller"].push_back(std::min(larger, add));
    }
    for (int b = 0; b < kBatch; ++b) {
        std::vector<double> pool(kChannels, 0.0), fc(kHidden, 0.0);
        for (int p = 0; p < pixels; ++p)
            for (int ch = 0; ch < kChannels; ++ch)
                pool[size_t(ch)] += r["smaller"][size_t((b * pixels + p) * kChannels + ch)] / pixels;
        for (int h = 0; h < kHidden; ++h) {
            double s = fcB[size_t(h)];
            for (int ch = 0; ch < kChannels; ++ch) s += pool[size_t(ch)] * fcK[size_t(ch * kHidden + h)];
            fc[size_t(h)] = std::max(s, 0.0);
        }
        for (int o = 0; o < kOut; ++o) {
            double s = outB[size_t(o)];
            for (int h = 0; h < kHidden; ++h) s += fc[size_t(h)] * outK[size_t(o * kHidden + h)]; // [out, in]
            r["out"].push_back(s);
            r["prob"].push_back(1.0 / (1.0 + std::exp(-s)));
        }
        r["pool"].insert(r["pool"].end(), pool.begin(), pool.end());
        r["fc"].insert(r["fc"].end(), fc.begin(), fc.end());
    }
    return r;
}

double worstDifference(const TfjsOutput& got, const std::vector<double>& expected)
{
    if (got.values.size() != expected.size()) return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < expected.size(); ++i) worst = std::max(worst, std::abs(double(got.values[i]) - expected[i]));
    return worst;
}

} // namespace

class TestTfjsOps : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void opsMatchReferenceInModuleAndExport_data()
    {
        QTest::addColumn<QString>("node");
        for (const char* n : {"bn/mul", "bn/add", "clip/max", "larger", "smaller", "pool", "fc", "out", "prob"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }

    void opsMatchReferenceInModuleAndExport()
    {
        QFETCH(QString, node);
        QTemporaryDir dir;
        const TfjsModel model = TfjsModel::load(writeGraph(dir.path()));
        QCOMPARE(model.outputNode(), QStringLiteral("prob"));
        const std::vector<float> x = input();
        const auto expected = reference(x).at(node);
        const TfjsOutput inMemory = model.predict(x, kBatch, kSide, kSide, node);
        const TfjsOutput exported = model.predictViaTorchScript(x, kBatch, kSide, kSide, node);
        QCOMPARE(inMemory.shape, exported.shape);
        QCOMPARE(inMemory.shape.front(), qint64(kBatch));
        qInfo("%s: module %g, export %g", qPrintable(node), worstDifference(inMemory, expected),
              worstDifference(exported, expected));
        QVERIFY(worstDifference(inMemory, expected) < 1e-5);
        QVERIFY(worstDifference(exported, expected) < 1e-5);
    }

    void batchNormConstantsTrainClipBoundsDoNot()
    {
        QTemporaryDir dir;
        const TfjsModel model = TfjsModel::load(writeGraph(dir.path()));
        // scale 3 + shift 3 + fc 3*4+4 + out 2*4+2; the two scalar clip bounds are not parameters.
        QCOMPARE(model.parameterCount(), qint64(3 + 3 + 16 + 10));
        for (const char* op : {"Mul", "Minimum", "Maximum", "_FusedMatMul", "Sigmoid"})
            QVERIFY2(model.ops().contains(QString::fromLatin1(op)), op);
    }

    void unknownOpStillNamesOpAndNode()
    {
        QTemporaryDir dir;
        const QString json = writeGraph(dir.path(), QStringLiteral("Tanh"));
        QString error;
        try {
            TfjsModel::load(json);
        } catch (const Error& e) {
            error = e.message();
        }
        QVERIFY2(error.contains("'Tanh'") && error.contains("'prob'") && error.contains(json), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestTfjsOps)
#include "test_tfjs_ops.moc"
