// The "faceres" backbone (HSE-FaceRes: 224 px RGB, folded batch norm as Mul/Add constants, ReLU6
// as Minimum/Maximum, a MatMul head with one sigmoid for sex) on a tiny graph written like it, on
// generated faces:
// - it is only accepted with the input it dictates (224 px colour), and says so otherwise;
// - fine-tuning finishes, the prior starts mapped from the sigmoid onto female/male, and the export
//   (self-contained TorchScript, 224 px RGB recorded in the sidecar) gives the in-memory network's
//   probabilities;
// - zero-shot reads the sigmoid as [1 - p, p], and refuses tasks without female/male classes.
#include "core/learning/ExportedModel.h"
#include "core/learning/TrainingJob.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"
#include "tests/learning/ExportAgreement.h"
#include "tests/learning/SyntheticFaces.h"
#include "tests/learning/TfjsGraphJson.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <cmath>

using namespace exemplar;
using namespace exemplar::learning;
using namespace exemplar::test::tfjs_json;

namespace {

constexpr int kSide = 224, kWidth = 4;

QJsonObject attrList(const QJsonArray& values) { return {{"list", QJsonObject{{"i", values}}}}; }
QJsonObject convAttr(int stride)
{
    return {{"strides", attrList(ints({1, stride, stride, 1}))},
            {"padding", attrString("SAME")},
            {"data_format", attrString("NHWC")},
            {"dilations", attrList(ints({1, 1, 1, 1}))}};
}
QJsonObject matMulAttr(const QStringList& fused)
{
    QJsonArray f;
    for (const QString& s : fused) f.append(QString::fromLatin1(s.toUtf8().toBase64()));
    return {{"fused_ops", QJsonObject{{"list", QJsonObject{{"s", f}}}}},
            {"transpose_a", QJsonObject{{"b", false}}},
            {"transpose_b", QJsonObject{{"b", false}}}};
}

// conv (stride 4) -> batch norm -> ReLU6 -> depthwise (stride 2) -> batch norm -> ReLU6 ->
// global_pooling/Mean -> feats (MatMul, ReLU) -> gender_pred (MatMul) -> Sigmoid, with the node
// names of faceres.json.
void writeFaceResLikeGraph(const QString& dir)
{
    struct W {
        QString name;
        std::vector<int> shape;
        std::vector<float> values;
    };
    std::vector<W> weights;
    auto add = [&](const QString& name, std::vector<int> shape, int seed, double scale, double offset) {
        int n = 1;
        for (int d : shape) n *= d;
        W w{name, std::move(shape), {}};
        for (int i = 0; i < n; ++i) w.values.push_back(float(std::sin(0.77 * i + 1.9 * seed) * scale + offset));
        weights.push_back(std::move(w));
    };
    add("conv1/kernel", {3, 3, 3, kWidth}, 1, 0.01, 0.0); // inputs are 0..255
    add("conv1_bn/mul", {kWidth}, 2, 0.3, 1.0);
    add("conv1_bn/sub", {kWidth}, 3, 0.5, 0.5);
    add("dw/kernel", {3, 3, kWidth, 1}, 4, 0.3, 0.1);
    add("dw_bn/mul", {kWidth}, 5, 0.3, 1.0);
    add("dw_bn/sub", {kWidth}, 6, 0.5, 0.2);
    add("feats/kernel", {kWidth, kWidth}, 7, 0.8, 0.0);
    add("feats/bias", {kWidth}, 8, 0.2, 0.1);
    add("gender_pred/kernel", {kWidth, 1}, 9, 1.0, 0.0);
    add("gender_pred/bias", {1}, 10, 0.2, 0.0);
    add("relu6/high", {}, 0, 0.0, 6.0);
    add("relu6/low", {}, 0, 0.0, 0.0);

    QJsonArray nodes;
    QJsonArray dims;
    for (int d : {-1, kSide, kSide, 3}) dims.append(QJsonObject{{"size", QString::number(d)}});
    nodes.append(node("input_1", "Placeholder", {}, {{"shape", QJsonObject{{"shape", QJsonObject{{"dim", dims}}}}}}));
    // Batch norm as Mul/Add after the convolution, then ReLU6 as Relu, Minimum, Maximum: how the
    // faceres graph spells each block. Returns the block's output node.
    auto bnRelu6 = [&](const QString& conv) {
        nodes.append(node(conv + "_bn/mul_1", "Mul", {conv, conv + "_bn/mul"}));
        nodes.append(node(conv + "_bn/add_1", "Add", {conv + "_bn/mul_1", conv + "_bn/sub"}));
        nodes.append(node(conv + "_relu/Relu", "Relu", {conv + "_bn/add_1"}));
        nodes.append(node(conv + "_relu/Minimum", "Minimum", {conv + "_relu/Relu", "relu6/high"}));
        nodes.append(node(conv + "_relu/clip", "Maximum", {conv + "_relu/Minimum", "relu6/low"}));
        return conv + "_relu/clip";
    };
    nodes.append(node("conv1", "Conv2D", {"input_1", "conv1/kernel"}, convAttr(4)));
    nodes.append(node("dw", "DepthwiseConv2dNative", {bnRelu6("conv1"), "dw/kernel"}, convAttr(2)));
    const QString dwOut = bnRelu6("dw");
    nodes.append(node("global_pooling/Mean", "Mean", {dwOut, "global_pooling/axes"},
                      {{"keep_dims", QJsonObject{{"b", false}}}}));
    nodes.append(node("feats/Relu", "_FusedMatMul", {"global_pooling/Mean", "feats/kernel", "feats/bias"},
                      matMulAttr({"BiasAdd", "Relu"})));
    nodes.append(node("gender_pred/BiasAdd", "_FusedMatMul", {"feats/Relu", "gender_pred/kernel", "gender_pred/bias"},
                      matMulAttr({"BiasAdd"})));
    nodes.append(node("gender_pred/Sigmoid", "Sigmoid", {"gender_pred/BiasAdd"}));
    QJsonArray manifest;
    QByteArray bytes;
    for (const W& w : weights) {
        nodes.append(node(w.name, "Const", {}));
        QJsonArray shape;
        for (int d : w.shape) shape.append(d);
        manifest.append(QJsonObject{{"name", w.name}, {"shape", shape}, {"dtype", "float32"}});
        for (float v : w.values) {
            char le[4];
            qToLittleEndian(v, le);
            bytes.append(le, 4);
        }
    }
    nodes.append(node("global_pooling/axes", "Const", {}));
    manifest.append(QJsonObject{{"name", "global_pooling/axes"}, {"shape", QJsonArray{2}}, {"dtype", "int32"}});
    for (qint32 axis : {1, 2}) {
        char le[4];
        qToLittleEndian(axis, le);
        bytes.append(le, 4);
    }
    QDir().mkpath(dir);
    test::writeTextFile(dir + "/faceres.bin", bytes);
    const QJsonObject root{{"format", "graph-model"},
                           {"modelTopology", QJsonObject{{"node", nodes}}},
                           {"weightsManifest", QJsonArray{QJsonObject{{"paths", QJsonArray{"faceres.bin"}},
                                                                       {"weights", manifest}}}}};
    test::writeTextFile(dir + "/faceres.json", QJsonDocument(root).toJson());
}

TrainingConfig faceresConfig()
{
    TrainingConfig c;
    c.backbone = QStringLiteral("faceres");
    c.imageSize = kSide;
    c.grayscale = false;
    c.epochs = 2;
    c.headEpochs = 1;
    c.batchSize = 32;
    c.learningRate = 1e-2;
    c.patience = 0;
    c.seed = 3;
    c.validationFraction = 0.2;
    c.testFraction = 0.2;
    c.threads = 2;
    return c;
}

} // namespace

class TestBackboneFaceres : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    TrainingData data_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        data_ = test::writeSyntheticFaces(tmp_.filePath("faces"), 240, 11);
        data_.classNames = {QStringLiteral("female"), QStringLiteral("male")}; // names faceres knows
        writeFaceResLikeGraph(tmp_.filePath("models"));
        qputenv("EXEMPLAR_MODELS_DIR", tmp_.filePath("models").toUtf8());
        qputenv("XDG_DATA_HOME", tmp_.filePath("xdg-data").toUtf8());
        QCOMPARE(findPretrainedModel(QStringLiteral("faceres")), tmp_.filePath("models") + "/faceres.json");
    }

    void backboneDictatesItsInput()
    {
        QJsonObject j = faceresConfig().toJson();
        QCOMPARE(TrainingConfig::fromJson(j).backbone, QStringLiteral("faceres"));
        j["image_size"] = 64;
        QString error;
        try {
            TrainingConfig::fromJson(j);
        } catch (const Error& e) {
            error = e.message();
        }
        QVERIFY2(error.contains("224"), qPrintable(error));
        j = faceresConfig().toJson();
        j["grayscale"] = true;
        QVERIFY_THROWS_EXCEPTION(Error, TrainingConfig::fromJson(j));
    }

    void fineTunesAndExportsWhatItComputed()
    {
        const TrainingResult t = TrainingJob(data_, faceresConfig(), tmp_.filePath("run")).run();
        QVERIFY2(t.status == TrainingStatus::Finished, qPrintable(t.error));
        QCOMPARE(t.epochsRun, 2);
        const ExportedModel model = ExportedModel::load(t.modelDir);
        QCOMPARE(model.imageSize(), kSide);
        QVERIFY(!model.grayscale());
        const QJsonObject network = model.sidecar()["network"].toObject();
        QCOMPARE(network["backbone"].toString(), QStringLiteral("faceres"));
        QCOMPARE(network["features"].toInt(), kWidth);
        QCOMPARE(network["classes_mapped_from_pretrained_head"].toInt(), 2); // female, male
        QCOMPARE(network["input_scale"].toDouble(), 255.0);

        const test::ExportAgreement agreement = test::exportAgreement(model, t, data_);
        QVERIFY(agreement.compared > 50);
        QCOMPARE(agreement.answers, agreement.compared);
        QCOMPARE(agreement.classDisagreements, 0);
        qInfo("largest probability difference, exported vs in-memory: %g", agreement.largestDifference);
        QVERIFY(agreement.largestDifference < 1e-5);
    }

    void zeroShotReadsTheSigmoid()
    {
        const TrainingResult r = evaluateZeroShot(data_, faceresConfig(), ZeroShotOptions{QStringLiteral("faceres")});
        QVERIFY(r.status == TrainingStatus::Finished);
        QVERIFY(r.test.count > 0);
        double lowest = 1, highest = 0;
        for (const SamplePrediction& p : r.predictions) {
            QCOMPARE(int(p.probabilities.size()), 2);
            QVERIFY(std::abs(p.probabilities[0] + p.probabilities[1] - 1.0f) < 1e-5);
            QCOMPARE(p.predicted, p.probabilities[1] > p.probabilities[0] ? 1 : 0);
            lowest = std::min(lowest, double(p.probabilities[1]));
            highest = std::max(highest, double(p.probabilities[1]));
        }
        QVERIFY2(highest > lowest, "the probabilities must depend on the image");

        TrainingData expressions = data_;
        expressions.classNames = {QStringLiteral("happiness"), QStringLiteral("sadness")};
        QString error;
        try {
            evaluateZeroShot(expressions, faceresConfig(), ZeroShotOptions{QStringLiteral("faceres")});
        } catch (const Error& e) {
            error = e.message();
        }
        QVERIFY2(error.contains("female") && error.contains("male") && error.contains("happiness"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestBackboneFaceres)
#include "test_backbone_faceres.moc"
