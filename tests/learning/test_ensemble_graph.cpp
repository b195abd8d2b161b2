// Two expression models as one graph (EnsembleGraph.h) and the ops it adds to the executor
// (ResizeBilinear with TF's legacy sampling, LogSoftmax, ConcatV2). The ensemble of two generated
// members (a face-api-shaped manifest and a mini-Xception-shaped "emotion" graph) must equal the
// members run one by one, each fed as its library feeds it, their log-probabilities averaged in
// face-api's class order; bad ensemble files are refused naming the file. With the real models:
// the same equality, and happy faces of faces-dev said happy.
#include "core/learning/tfjs/EnsembleGraph.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsModel.h"
#include "core/util/Error.h"
#include "tests/learning/FaceApiManifest.h"
#include "tests/learning/FacesDevChecks.h"
#include "tests/learning/StripesGraph.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/core.hpp>

#include <cmath>
#include <random>

using namespace exemplar;
using namespace exemplar::learning;
using exemplar::test::errorOf;

namespace {

constexpr int kFaceApiSide = 112, kEmotionSide = 64;

// Random-textured RGB images in [0, 1] (smooth blobs plus noise, so resizing has work to do).
std::vector<cv::Mat> images(int count, int height, int width, unsigned seed)
{
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> unit(0.f, 1.f);
    std::vector<cv::Mat> out;
    for (int i = 0; i < count; ++i) {
        cv::Mat m(height, width, CV_32FC3);
        const float fx = 0.05f + 0.3f * unit(random), fy = 0.05f + 0.3f * unit(random);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x) {
                auto& p = m.at<cv::Vec3f>(y, x);
                for (int c = 0; c < 3; ++c)
                    p[c] = std::clamp(0.5f + 0.35f * std::sin(fx * float(x) + fy * float(y) + float(c)) +
                                          0.15f * (unit(random) - 0.5f),
                                      0.f, 1.f);
            }
        out.push_back(m);
    }
    return out;
}

std::vector<float> nhwc(const std::vector<cv::Mat>& batch, float scale)
{
    std::vector<float> v;
    for (const cv::Mat& m : batch) {
        const float* p = m.ptr<float>(0);
        for (size_t i = 0; i < m.total() * size_t(m.channels()); ++i) v.push_back(p[i] * scale);
    }
    return v;
}

// What human's library gives the emotion model for an RGB [0, 1] image: legacy bilinear resize,
// its luma, (x - 0.5) * 2.
std::vector<float> emotionInput(const std::vector<cv::Mat>& batch)
{
    std::vector<float> v;
    for (const cv::Mat& m : batch) {
        const cv::Mat small = legacyResizeBilinear(m, kEmotionSide, kEmotionSide);
        for (int y = 0; y < kEmotionSide; ++y)
            for (int x = 0; x < kEmotionSide; ++x) {
                const auto& p = small.at<cv::Vec3f>(y, x);
                v.push_back((p[0] * kFaceModelLuma[0] + p[1] * kFaceModelLuma[1] + p[2] * kFaceModelLuma[2] - 0.5f) * 2.f);
            }
    }
    return v;
}

// Rows of a [N, K] output, or of a [N, H, W, K] one averaged over H and W.
std::vector<std::vector<double>> rows(const TfjsOutput& out)
{
    const size_t n = size_t(out.shape.front()), k = size_t(out.shape.back());
    const size_t cells = out.values.size() / (n * k);
    std::vector<std::vector<double>> r(n, std::vector<double>(k, 0.0));
    for (size_t i = 0; i < n; ++i)
        for (size_t c = 0; c < cells; ++c)
            for (size_t j = 0; j < k; ++j) r[i][j] += out.values[(i * cells + c) * k + j] / double(cells);
    return r;
}

std::vector<double> logSoftmax(std::vector<double> z)
{
    const double top = *std::max_element(z.begin(), z.end());
    double sum = 0;
    for (double v : z) sum += std::exp(v - top);
    for (double& v : z) v -= top + std::log(sum);
    return z;
}

// The ensemble as the members compute it one by one: face-api's logits on the 112 px image (0..255),
// the emotion model's on its own input, log-softmax, the emotion classes put in face-api's order,
// averaged, softmax. Also the features side by side.
struct Expected {
    std::vector<std::vector<double>> probabilities, features;
};

Expected membersOneByOne(const QString& faceApiFile, const QString& emotionFile, const std::vector<cv::Mat>& batch,
                         const QString& emotionLogits, const QString& emotionFeatures)
{
    const int n = int(batch.size());
    const TfjsModel faceApi = TfjsModel::load(faceApiFile), emotion = TfjsModel::load(emotionFile);
    const std::vector<float> big = nhwc(batch, 255.f), small = emotionInput(batch);
    const auto a = rows(faceApi.predict(big, n, kFaceApiSide, kFaceApiSide, "fc/logits"));
    const auto b = rows(emotion.predict(small, n, kEmotionSide, kEmotionSide, emotionLogits));
    const auto fa = rows(faceApi.predict(big, n, kFaceApiSide, kFaceApiSide, "features"));
    const auto fb = rows(emotion.predict(small, n, kEmotionSide, kEmotionSide, emotionFeatures));
    const QStringList order = pretrainedModelInfo("faceapi").classes, theirs = pretrainedModelInfo("emotion").classes;
    Expected e;
    for (int i = 0; i < n; ++i) {
        const auto la = logSoftmax(a[size_t(i)]), lb = logSoftmax(b[size_t(i)]);
        std::vector<double> mean(la.size());
        for (size_t c = 0; c < la.size(); ++c) mean[c] = (la[c] + lb[size_t(theirs.indexOf(order[int(c)]))]) / 2;
        std::vector<double> p = logSoftmax(mean);
        for (double& v : p) v = std::exp(v);
        e.probabilities.push_back(p);
        std::vector<double> f = fa[size_t(i)];
        f.insert(f.end(), fb[size_t(i)].begin(), fb[size_t(i)].end());
        e.features.push_back(f);
    }
    return e;
}

void compare(const TfjsOutput& out, const std::vector<std::vector<double>>& expected, double tolerance, const char* what)
{
    const auto got = rows(out);
    QCOMPARE(got.size(), expected.size());
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].size(), expected[i].size());
        for (size_t j = 0; j < got[i].size(); ++j) worst = std::max(worst, std::abs(got[i][j] - expected[i][j]));
    }
    qInfo("%s: max abs difference %.3g", what, worst);
    QVERIFY2(worst <= tolerance, what);
}

QString writeEnsemble(const QString& dir, const QByteArray& members, const QString& name = "faceapi+emotion.json")
{
    const QString path = dir + "/" + name;
    test::writeTextFile(path, R"({"format": "exemplar-ensemble", "members": )" + members + "}");
    return path;
}

// A graph of one input, two outputs: legacy resize of the input, and [mean | log-softmax of the mean].
QString writeOpsGraph(const QString& dir, int side, int outHeight, int outWidth, bool alignCorners)
{
    using namespace test::tfjs_json;
    QJsonArray dims;
    for (int d : {-1, side, side, 3}) dims.append(QJsonObject{{"size", QString::number(d)}});
    QJsonObject resizeAttr{{"align_corners", QJsonObject{{"b", alignCorners}}}, {"half_pixel_centers", QJsonObject{{"b", false}}}};
    const QJsonArray nodes{
        node("input", "Placeholder", {}, {{"shape", QJsonObject{{"shape", QJsonObject{{"dim", dims}}}}}}),
        node("resized", "ResizeBilinear", {"input", "size"}, resizeAttr),
        node("mean", "Mean", {"input", "axes"}),
        node("log", "LogSoftmax", {"mean"}),
        node("both", "ConcatV2", {"mean", "log", "axis"}),
        node("size", "Const", {}),
        node("axes", "Const", {}),
        node("axis", "Const", {}),
    };
    QByteArray bytes;
    for (qint32 v : {outHeight, outWidth, 1, 2, -1}) {
        char le[4];
        qToLittleEndian(v, le);
        bytes.append(le, 4);
    }
    test::writeTextFile(dir + "/ops.bin", bytes);
    const QJsonArray manifest{QJsonObject{{"name", "size"}, {"shape", QJsonArray{2}}, {"dtype", "int32"}},
                              QJsonObject{{"name", "axes"}, {"shape", QJsonArray{2}}, {"dtype", "int32"}},
                              QJsonObject{{"name", "axis"}, {"shape", QJsonArray{}}, {"dtype", "int32"}}};
    const QJsonObject root{{"format", "graph-model"},
                           {"modelTopology", QJsonObject{{"node", nodes}}},
                           {"weightsManifest", QJsonArray{QJsonObject{{"paths", QJsonArray{"ops.bin"}}, {"weights", manifest}}}}};
    test::writeTextFile(dir + "/ops.json", QJsonDocument(root).toJson());
    return dir + "/ops.json";
}

} // namespace

class TestEnsembleGraph : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ResizeBilinear samples as FaceModelInput's legacyResizeBilinear (itself checked against TF.js
    // by bench_tfjs_check), down and up, in the module and in its TorchScript export; LogSoftmax and
    // ConcatV2 as written out here.
    void newOpsMatchTheirReferences()
    {
        QTemporaryDir dir;
        for (const auto& [side, h, w] : {std::tuple{112, 64, 64}, std::tuple{23, 40, 31}}) {
            const TfjsModel model = TfjsModel::load(writeOpsGraph(dir.path(), side, h, w, false));
            const std::vector<cv::Mat> batch = images(2, side, side, 7);
            std::vector<std::vector<double>> resized, both;
            for (const cv::Mat& m : batch) {
                const cv::Mat r = legacyResizeBilinear(m, h, w);
                std::vector<double> row(r.ptr<float>(0), r.ptr<float>(0) + r.total() * 3);
                resized.push_back(row);
                const cv::Scalar mean = cv::mean(m);
                std::vector<double> b{mean[0], mean[1], mean[2]};
                const auto log = logSoftmax(b);
                b.insert(b.end(), log.begin(), log.end());
                both.push_back(b);
            }
            // rows() reads [N, H, W, C] as a mean over cells: flatten instead, one row per image.
            auto flat = [](TfjsOutput out) {
                const qint64 n = out.shape.front();
                out.shape = {n, qint64(out.values.size()) / n};
                return out;
            };
            const std::vector<float> x = nhwc(batch, 1.f);
            compare(flat(model.predict(x, 2, side, side, "resized")), resized, 1e-6, "resize");
            compare(flat(model.predictViaTorchScript(x, 2, side, side, "resized")), resized, 1e-6, "resize, TorchScript");
            compare(model.predict(x, 2, side, side, "both"), both, 1e-6, "mean | log-softmax");
            compare(model.predictViaTorchScript(x, 2, side, side, "both"), both, 1e-6, "mean | log-softmax, TorchScript");
        }
        const QString error = errorOf([&] { TfjsModel::load(writeOpsGraph(dir.path(), 8, 4, 4, true)); });
        QVERIFY2(error.contains("ops.json") && error.contains("resized") && error.contains("legacy"), qPrintable(error));
    }

    void ensembleEqualsItsMembersOneByOne()
    {
        QTemporaryDir dir;
        const QString faceApi = test::faceapi::writeManifest(dir.path(), test::faceapi::manifestWeights(3));
        test::writeStripesGraph(dir.path(), "emotion", false, 0.5f, kEmotionSide);
        const TfjsModel ensemble = TfjsModel::load(writeEnsemble(dir.path(), R"(["faceapi", "emotion"])"));
        QCOMPARE(ensemble.outputNode(), QString::fromLatin1(kEnsembleOutputNode));
        QCOMPARE(ensemble.inputShape(), (std::vector<qint64>{-1, kFaceApiSide, kFaceApiSide, 3}));

        const std::vector<cv::Mat> batch = images(3, kFaceApiSide, kFaceApiSide, 11);
        const Expected e = membersOneByOne(faceApi, dir.path() + "/emotion.json", batch, "mean", "relu");
        const std::vector<float> x = nhwc(batch, 255.f);
        compare(ensemble.predict(x, 3, kFaceApiSide, kFaceApiSide), e.probabilities, 1e-5, "ensemble probabilities");
        compare(ensemble.predictViaTorchScript(x, 3, kFaceApiSide, kFaceApiSide, kEnsembleOutputNode), e.probabilities,
                1e-5, "ensemble probabilities, TorchScript");
        compare(ensemble.predict(x, 3, kFaceApiSide, kFaceApiSide, kEnsembleFeatureNode), e.features, 1e-5,
                "ensemble features");
        // Averaged, not either member alone: the probabilities differ from face-api's own.
        const auto own = rows(TfjsModel::load(faceApi).predict(x, 3, kFaceApiSide, kFaceApiSide));
        double apart = 0;
        for (size_t j = 0; j < own[0].size(); ++j) apart = std::max(apart, std::abs(own[0][j] - e.probabilities[0][j]));
        QVERIFY2(apart > 1e-3, "the generated members agree too closely to tell the ensemble from one of them");
    }

    void badEnsemblesAreRefusedNamingTheFile()
    {
        QTemporaryDir dir;
        test::faceapi::writeManifest(dir.path(), test::faceapi::manifestWeights(3));
        test::writeStripesGraph(dir.path(), "emotion", false, 0.f, kEmotionSide);
        const struct {
            QByteArray members;
            QString says;
        } cases[] = {
            {R"(["faceapi"])", "at least two"},
            {R"(["faceapi", "faceapi"])", "listed twice"},
            {R"(["faceapi", "vgg"])", "unknown member 'vgg'"},
            {R"(["faceapi", "faceres"])", "one sigmoid output"},
            {R"(["faceapi", "gender"])", "averages the same classes"},
            {R"(["emotion", "faceapi"])", "put the colour model first"},
            {R"(["faceapi", "faceapi+emotion"])", "itself an ensemble"},
        };
        for (const auto& c : cases) {
            const QString error = errorOf([&] { TfjsModel::load(writeEnsemble(dir.path(), c.members, "bad.json")); });
            QVERIFY2(error.contains("bad.json") && error.contains(c.says), qPrintable(c.members + " -> " + error));
        }
        QFile::remove(dir.path() + "/emotion.bin");
        const QString error = errorOf([&] { TfjsModel::load(writeEnsemble(dir.path(), R"(["faceapi", "emotion"])", "bad.json")); });
        QVERIFY2(error.contains("bad.json") && error.contains("member 'emotion'") && error.contains("emotion.bin"),
                 qPrintable(error));
    }

    // The locator offers the ensemble only where its file and every member's files are.
    void locatorNeedsEveryMember()
    {
        QTemporaryDir dir;
        qputenv("EXEMPLAR_MODELS_DIR", dir.path().toUtf8());
        qputenv("XDG_DATA_HOME", (dir.path() + "/nowhere").toUtf8());
        test::faceapi::writeManifest(dir.path(), test::faceapi::manifestWeights(3));
        test::writeStripesGraph(dir.path(), "emotion", false, 0.f, kEmotionSide);
        QVERIFY(findPretrainedModel("faceapi+emotion").isEmpty()); // no ensemble file yet
        const QString file = writeEnsemble(dir.path(), R"(["faceapi", "emotion"])");
        QCOMPARE(findPretrainedModel("faceapi+emotion"), file);
        QFile::remove(dir.path() + "/emotion.bin");
        QVERIFY(findPretrainedModel("faceapi+emotion").isEmpty());
        const PretrainedModelInfo info = pretrainedModelInfo("faceapi+emotion");
        QCOMPARE(info.classes, pretrainedModelInfo("faceapi").classes);
        QCOMPARE(info.inputSize, kFaceApiSide);
        qunsetenv("EXEMPLAR_MODELS_DIR");
        qunsetenv("XDG_DATA_HOME");
    }

    // With the installed models: the same equality on real faces (faces-dev when present, else the
    // generated images), and happy faces said happy.
    void realEnsemble()
    {
        const QString file = findPretrainedModel("faceapi+emotion");
        if (file.isEmpty()) QSKIP(qPrintable(pretrainedModelsHowTo()));
        const QString faceApi = findPretrainedModel("faceapi"), emotion = findPretrainedModel("emotion");
        const TfjsModel ensemble = TfjsModel::load(file);
        const TfjsModel emotionModel = TfjsModel::load(emotion);
        const QString emotionLogits = emotionModel.headConvolution();
        QVERIFY(!emotionLogits.isEmpty());

        const QString facesDev = test::facesDevDir();
        std::vector<cv::Mat> batch = images(4, kFaceApiSide, kFaceApiSide, 5);
        if (!facesDev.isEmpty()) {
            batch.clear();
            for (const QString& f : test::facesDevImagesOf(facesDev, "sadness", 6)) {
                const cv::Mat decoded = cv::imread(f.toStdString());
                QVERIFY2(!decoded.empty(), qPrintable(f));
                batch.push_back(faceModelImage(decoded, kFaceApiSide, false));
            }
        }
        // The emotion model's features: what its head convolution reads (TfjsGraphFile::headInput).
        const QString emotionFeatures = readTfjsGraphModel(emotion).headInput();
        const Expected e = membersOneByOne(faceApi, emotion, batch, emotionLogits, emotionFeatures);
        const std::vector<float> x = nhwc(batch, 255.f);
        const int n = int(batch.size());
        compare(ensemble.predict(x, n, kFaceApiSide, kFaceApiSide), e.probabilities, 1e-4, "real ensemble");
        compare(ensemble.predictViaTorchScript(x, n, kFaceApiSide, kFaceApiSide, kEnsembleOutputNode), e.probabilities,
                1e-4, "real ensemble, TorchScript");

        if (facesDev.isEmpty()) QSKIP("faces-dev is absent: the happy-face check needs real faces (the equality above ran on generated images)");
        const QStringList happy = test::facesDevImagesOf(facesDev, "happiness", 40);
        const int saidHappy = test::countClassifiedAs(file, happy, kFaceApiSide, false, 255.f, 1);
        qInfo("the ensemble says happy for %d/%d happy faces", saidHappy, int(happy.size()));
        QVERIFY(saidHappy >= int(happy.size()) * 4 / 5);
    }
};

QTEST_GUILESS_MAIN(TestEnsembleGraph)
#include "test_ensemble_graph.moc"
