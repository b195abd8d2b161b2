// face-api's expression network, built by Exemplar from a bare weights manifest
// (FaceApiExpressionGraph.h). A small manifest with face-api's weight names and known weights is
// generated here: on an image of one colour every activation map is constant when each 3x3 kernel
// has only its centre tap, so a plain reference of face-api's wiring (which sums feed which
// convolution, where the ReLUs are, the mean and the scaling) gives the expected outputs. Broken
// manifests must be refused naming the file and the weight. With the real model installed and
// faces-dev present, happy faces must come out happy.
#include "core/learning/tfjs/FaceApiExpressionGraph.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsModel.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"
#include "tests/learning/FaceApiManifest.h"
#include "tests/learning/FacesDevChecks.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <map>

using namespace exemplar;
using namespace exemplar::learning;
using exemplar::test::errorOf;
using namespace exemplar::test::faceapi;

namespace {

// The network on a constant image, as face-api's code computes it.
struct Reference {
    Vec features, logits, probabilities;
};

Reference reference(const std::map<QString, Weight>& w, const Vec& rgb)
{
    auto relu = [](Vec v) {
        for (double& x : v) x = std::max(0.0, x);
        return v;
    };
    auto add = [](Vec a, const Vec& b) {
        for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
        return a;
    };
    // x times the centre taps [3][3][in][out] (or a 1x1 / dense [in][out] kernel) plus bias.
    auto dense = [](const Vec& x, const Weight& k, size_t offset, const Vec& bias) {
        const size_t out = size_t(k.shape.back());
        Vec y = bias;
        for (size_t i = 0; i < x.size(); ++i)
            for (size_t o = 0; o < out; ++o) y[o] += x[i] * k.values[offset + i * out + o];
        return y;
    };
    auto separable = [&](const Vec& x, const QString& p) {
        const Weight& dw = w.at(p + "/depthwise_filter");
        Vec scaled = x;
        for (size_t i = 0; i < x.size(); ++i) scaled[i] *= dw.values[4 * x.size() + i];
        return dense(scaled, w.at(p + "/pointwise_filter"), 0, w.at(p + "/bias").values);
    };
    Vec x;
    const double mean[3] = {122.782, 117.001, 104.298};
    for (int c = 0; c < 3; ++c) x.push_back((rgb[size_t(c)] - mean[c]) / 255.0);
    for (int b = 0; b < 4; ++b) {
        const QString d = QStringLiteral("dense%1").arg(b);
        const Vec first = b == 0 ? dense(x, w.at(d + "/conv0/filters"), size_t(4 * 3 * kChannels[0]), w.at(d + "/conv0/bias").values)
                                 : separable(x, d + "/conv0");
        const Vec out1 = relu(first);
        const Vec out2 = separable(out1, d + "/conv1");
        const Vec out3 = separable(relu(add(out1, out2)), d + "/conv2");
        const Vec out4 = separable(relu(add(add(out1, out2), out3)), d + "/conv3");
        x = relu(add(add(add(out1, out2), out3), out4));
    }
    Reference r;
    r.features = x;
    r.logits = dense(x, w.at("fc/weights"), 0, w.at("fc/bias").values);
    const double top = *std::max_element(r.logits.begin(), r.logits.end());
    double sum = 0;
    for (double z : r.logits) sum += std::exp(z - top);
    for (double z : r.logits) r.probabilities.push_back(std::exp(z - top) / sum);
    return r;
}

std::vector<float> constantImages(const std::vector<Vec>& colours)
{
    std::vector<float> nhwc;
    for (const Vec& rgb : colours)
        for (int p = 0; p < 112 * 112; ++p)
            for (double v : rgb) nhwc.push_back(float(v));
    return nhwc;
}

void compareRows(const TfjsOutput& out, const std::vector<Vec>& expected, double tolerance)
{
    QCOMPARE(out.shape.size(), size_t(2));
    QCOMPARE(out.shape[0], qint64(expected.size()));
    QCOMPARE(out.shape[1], qint64(expected[0].size()));
    for (size_t r = 0; r < expected.size(); ++r)
        for (size_t c = 0; c < expected[r].size(); ++c) {
            const double got = out.values[r * expected[r].size() + c];
            if (std::abs(got - expected[r][c]) > tolerance * std::max(1.0, std::abs(expected[r][c])))
                QFAIL(qPrintable(QStringLiteral("row %1 column %2: %3, expected %4").arg(r).arg(c).arg(got).arg(expected[r][c])));
        }
}

} // namespace

class TestFaceApiGraph : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void followsFaceApisWiring()
    {
        QTemporaryDir dir;
        const auto weights = manifestWeights(1);
        const TfjsModel model = TfjsModel::load(writeManifest(dir.path(), weights));
        QCOMPARE(model.inputShape(), (std::vector<qint64>{-1, 112, 112, 3}));
        QCOMPARE(model.outputNode(), QString::fromLatin1(kFaceApiOutputNode));
        // Colours on both sides of face-api's mean, so ReLUs cut in some channels and not others.
        const std::vector<Vec> colours{{200, 100, 50}, {20, 240, 130}, {122, 117, 104}};
        std::vector<Reference> expected;
        for (const Vec& c : colours) expected.push_back(reference(weights, c));
        const std::vector<float> input = constantImages(colours);
        std::vector<Vec> features, logits, probabilities;
        for (const Reference& r : expected) {
            features.push_back(r.features);
            logits.push_back(r.logits);
            probabilities.push_back(r.probabilities);
        }
        compareRows(model.predict(input, 3, 112, 112, QString::fromLatin1(kFaceApiFeatureNode)), features, 1e-4);
        compareRows(model.predict(input, 3, 112, 112, QString::fromLatin1(kFaceApiLogitsNode)), logits, 1e-4);
        compareRows(model.predict(input, 3, 112, 112), probabilities, 1e-5);
        // The self-contained export (what fine-tuned backbones are saved as) computes the same.
        compareRows(model.predictViaTorchScript(input, 3, 112, 112, QString::fromLatin1(kFaceApiOutputNode)), probabilities, 1e-5);
        // The reference is not trivially met: another model's weights give other outputs.
        const Reference other = reference(manifestWeights(2), colours[0]);
        double differs = 0;
        for (size_t c = 0; c < other.probabilities.size(); ++c)
            differs = std::max(differs, std::abs(other.probabilities[c] - expected[0].probabilities[c]));
        QVERIFY(differs > 1e-3);
        // Only 112 px faces: the dense layer is sized for the 7x7 map they leave.
        QVERIFY(errorOf([&] { model.predict(std::vector<float>(64 * 64 * 3, 0.5f), 1, 64, 64); }).contains("112"));
    }

    void refusesBrokenManifestsByName()
    {
        QTemporaryDir dir;
        auto weights = manifestWeights(1);
        QString error = errorOf([&] { TfjsModel::load(writeManifest(dir.path(), weights, "dense2/conv1/pointwise_filter")); });
        QVERIFY2(error.contains("face_expression_model-weights_manifest.json") &&
                     error.contains("dense2/conv1/pointwise_filter") && error.contains("face-api"),
                 qPrintable(error));

        error = errorOf([&] { TfjsModel::load(writeManifest(dir.path(), weights, {}, 10)); });
        QVERIFY2(error.contains("face_expression_model.bin") && error.contains("fc/weights"), qPrintable(error));

        weights["fc/weights"].shape = {kChannels[3] + 1, kClasses}; // rows for a channel the network lacks
        weights["fc/weights"].values.resize(size_t((kChannels[3] + 1) * kClasses), 0.0);
        error = errorOf([&] { TfjsModel::load(writeManifest(dir.path(), weights)); });
        QVERIFY2(error.contains("fc/weights") && error.contains("shape"), qPrintable(error));

        // A manifest of another network (here: an empty one) is not taken for the expression network.
        QFile json(dir.path() + "/other-weights_manifest.json");
        QVERIFY(json.open(QIODevice::WriteOnly));
        json.write(R"([{"paths": [], "weights": []}])");
        json.close();
        error = errorOf([&] { TfjsModel::load(json.fileName()); });
        QVERIFY2(error.contains("other-weights_manifest.json") && error.contains("dense0/conv0/filters"), qPrintable(error));
    }

    void knowsFaceApisClasses()
    {
        // face-api's order: neutral, happy, sad, angry, fearful, disgusted, surprised.
        const std::vector<int> taskOf =
            mapPretrainedClasses("faceapi", {"happiness", "sadness", "anger", "surprise", "neutral", "disgust"});
        QCOMPARE(taskOf, (std::vector<int>{4, 0, 1, 2, -1, 5, 3}));
        const PretrainedModelInfo info = pretrainedModelInfo("faceapi");
        QCOMPARE(info.inputSize, 112);
        QVERIFY(!info.grayscale);
        QCOMPARE(info.fileName, QStringLiteral("face_expression_model-weights_manifest.json"));
    }

    // With the real model and faces-dev: happy faces must come out happy (a wrong wiring still
    // gives probabilities, but not these). bench_tfjs_check compares it with face-api's own code.
    void realModelRecognisesHappyFaces()
    {
        const QString manifest = findPretrainedModel(QStringLiteral("faceapi"));
        if (manifest.isEmpty()) QSKIP(qPrintable(pretrainedModelsHowTo()));
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        const QStringList files = test::facesDevImagesOf(facesDev, QStringLiteral("happiness"), 40);
        QCOMPARE(files.size(), 40);
        const int happy = int(files.size());
        // Outputs: neutral HAPPY sad angry fearful disgusted surprised
        const int saidHappy = test::countClassifiedAs(manifest, files, 112, false, 255.0f, 1);
        QVERIFY(saidHappy >= 0);
        qInfo("face-api says happy for %d/%d happy faces", saidHappy, happy);
        QVERIFY(saidHappy >= happy * 4 / 5);
    }
};

QTEST_GUILESS_MAIN(TestFaceApiGraph)
#include "test_faceapi_graph.moc"
