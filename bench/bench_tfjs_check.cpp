// Numeric check of the TF.js loader against TF.js itself (issue #8): preprocesses faces-dev
// images with Exemplar, runs the pretrained models with Exemplar (libtorch) and with TF.js in
// Node (bench/tfjs_check/check.js, pure-JS CPU backend; for face-api's expression network, whose
// graph Exemplar builds itself, face-api's own code: check-faceapi.mjs) and prints the largest
// differences.
// TF.js receives the exact RGB pixels Exemplar decoded (JPEG decoders differ by +-1), then does
// its own resize and grayscale, so preprocessing is checked as well.
//
//   bench_tfjs_check [--count 50] [--models DIR] [--keep DIR]
// Needs: packaging/fetch-models.sh, and `npm ci` in bench/tfjs_check. Exit status 1 when a
// difference exceeds 1e-4.
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsModel.h"
#include "core/util/Error.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

constexpr double kTolerance = 1e-4;

void writeFloats(const QString& path, const float* data, qint64 count)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(reinterpret_cast<const char*>(data), count * 4) != count * 4)
        throw Error(QStringLiteral("%1: cannot write").arg(path));
}

std::vector<float> readFloats(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) throw Error(QStringLiteral("%1: cannot read").arg(path));
    const QByteArray bytes = f.readAll();
    std::vector<float> v(size_t(bytes.size() / 4));
    std::memcpy(v.data(), bytes.constData(), v.size() * 4);
    return v;
}

double maxAbsDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) throw Error(QStringLiteral("compared tensors differ in size (%1 vs %2)").arg(a.size()).arg(b.size()));
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

int topClassAgreements(const std::vector<float>& a, const std::vector<float>& b, int classes)
{
    int same = 0;
    if (classes == 1) { // one sigmoid: the class is p > 0.5
        for (size_t i = 0; i < a.size() && i < b.size(); ++i) same += (a[i] > 0.5f) == (b[i] > 0.5f);
        return same;
    }
    for (size_t row = 0; row + size_t(classes) <= a.size(); row += size_t(classes)) {
        const auto ia = std::max_element(a.begin() + long(row), a.begin() + long(row) + classes) - a.begin();
        const auto ib = std::max_element(b.begin() + long(row), b.begin() + long(row) + classes) - b.begin();
        same += ia == ib;
    }
    return same;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("count"), QStringLiteral("Images to compare."), QStringLiteral("n"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("models"), QStringLiteral("Directory with emotion.json/gender.json."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("keep"), QStringLiteral("Keep the dumped tensors in this directory."), QStringLiteral("dir")});
    parser.process(app);

    try {
        const QString checkDir = QFileInfo(QStringLiteral(__FILE__)).absoluteDir().filePath(QStringLiteral("tfjs_check"));
        if (!QFileInfo::exists(checkDir + QStringLiteral("/node_modules/@tensorflow/tfjs")) ||
            !QFileInfo::exists(checkDir + QStringLiteral("/node_modules/@vladmandic/face-api")))
            throw Error(QStringLiteral("TF.js is not installed for the check: run `npm ci` in %1").arg(checkDir));
        const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
        const QStringList files = QDir(facesDev + QStringLiteral("/images"))
                                      .entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
        if (files.isEmpty()) throw Error(QStringLiteral("%1/images: no faces-dev images").arg(facesDev));
        const int count = std::min<int>(parser.value(QStringLiteral("count")).toInt(), int(files.size()));

        QTemporaryDir tmp;
        const QString dump = parser.isSet(QStringLiteral("keep")) ? parser.value(QStringLiteral("keep")) : tmp.path();
        QDir().mkpath(dump);

        // Spread the sample over the whole (alphabetical) set: many people, colour and gray.
        std::vector<cv::Mat> decoded;
        QJsonArray index;
        for (int i = 0; i < count; ++i) {
            const QString file = files[int(qint64(i) * files.size() / count)];
            const cv::Mat image = cv::imread((facesDev + QStringLiteral("/images/") + file).toStdString(), cv::IMREAD_COLOR);
            if (image.empty()) throw Error(QStringLiteral("%1: cannot decode").arg(file));
            const cv::Mat rgb = faceModelRgb(image);
            const QString name = QStringLiteral("%1.f32").arg(i, 4, 10, QLatin1Char('0'));
            writeFloats(dump + QLatin1Char('/') + name, rgb.ptr<float>(), qint64(rgb.total()) * 3);
            index.append(QJsonObject{{QStringLiteral("file"), name}, {QStringLiteral("source"), file},
                                     {QStringLiteral("height"), rgb.rows}, {QStringLiteral("width"), rgb.cols}});
            decoded.push_back(image);
        }
        QFile indexFile(dump + QStringLiteral("/index.json"));
        if (!indexFile.open(QIODevice::WriteOnly)) throw Error(indexFile.fileName() + QStringLiteral(": cannot write"));
        indexFile.write(QJsonDocument(QJsonObject{{QStringLiteral("images"), index}}).toJson());
        indexFile.close();

        bool ok = true;
        std::printf("images: %d (faces-dev, %s)\n", count, qPrintable(facesDev));
        for (const QString& name : knownPretrainedModels()) {
            const QString json = parser.isSet(QStringLiteral("models"))
                                     ? QDir(parser.value(QStringLiteral("models"))).filePath(pretrainedModelInfo(name).fileName)
                                     : requirePretrainedModel(name);
            const TfjsModel model = TfjsModel::load(json);
            const int size = int(model.inputShape()[1]);
            const bool gray = model.inputShape()[3] == 1;

            const PretrainedModelInfo info = pretrainedModelInfo(name);
            const QString outputNode = info.outputNode.isEmpty() ? model.outputNode() : info.outputNode;
            std::vector<float> input;
            for (const cv::Mat& image : decoded) {
                std::vector<float> one = faceModelInput(image, size, gray);
                // Colour models get [0, 1] from faceModelInput and their own scaling here.
                if (!gray)
                    for (float& v : one) v = float(v * info.inputScale + info.inputShift);
                input.insert(input.end(), one.begin(), one.end());
            }
            model.predict(input, count, size, size, outputNode); // warm-up: sets up torch's thread pool
            QElapsedTimer timer;
            timer.start();
            const TfjsOutput ours = model.predict(input, count, size, size, outputNode);
            const double seconds = timer.nsecsElapsed() / 1e9;

            QProcess node;
            node.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            node.setWorkingDirectory(checkDir);
            // face-api's network is checked against face-api's own code, not a graph of ours.
            const bool faceApi = name == QLatin1String("faceapi");
            QStringList nodeArgs{checkDir + (faceApi ? QStringLiteral("/check-faceapi.mjs") : QStringLiteral("/check.js")),
                                 json, dump, name};
            if (!gray && !faceApi) nodeArgs << QString::number(info.inputScale, 'g', 17) << outputNode;
            if (!gray && info.inputShift != 0.0)
                throw Error(QStringLiteral("check.js cannot shift colour inputs (%1)").arg(name));
            node.start(QStringLiteral("node"), nodeArgs);
            if (!node.waitForFinished(600000) || node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0)
                throw Error(QStringLiteral("node check.js failed for %1 (exit %2)").arg(name).arg(node.exitCode()));
            std::printf("%s", node.readAllStandardOutput().constData());

            const std::vector<float> theirInput = readFloats(dump + QStringLiteral("/%1.tfjs-input.f32").arg(name));
            QFile outFile(dump + QStringLiteral("/%1.tfjs-output.json").arg(name));
            if (!outFile.open(QIODevice::ReadOnly)) throw Error(outFile.fileName() + QStringLiteral(": cannot read"));
            const QJsonObject theirJson = QJsonDocument::fromJson(outFile.readAll()).object();
            std::vector<float> theirs;
            for (const QJsonValue& v : theirJson.value(QStringLiteral("values")).toArray()) theirs.push_back(float(v.toDouble()));

            // The loader alone: Exemplar's network on TF.js's own input tensor.
            const TfjsOutput oursOnTheirInput = model.predict(theirInput, count, size, size, outputNode);
            const int classes = int(ours.shape.back());
            const double preprocessing = maxAbsDifference(input, theirInput);
            const double outputs = maxAbsDifference(ours.values, theirs);
            const double loaderOnly = maxAbsDifference(oursOnTheirInput.values, theirs);
            std::printf("%s: output %s [%lld, %d], ops %s\n", qPrintable(name), qPrintable(outputNode),
                        (long long)ours.shape[0], classes,
                        qPrintable(model.ops().join(QLatin1Char(' '))));
            std::printf("%s preprocessing_max_abs_difference: %.3g\n", qPrintable(name), preprocessing);
            std::printf("%s max_abs_difference_same_input: %.3g\n", qPrintable(name), loaderOnly);
            std::printf("%s max_abs_difference: %.3g\n", qPrintable(name), outputs);
            std::printf("%s top_class_agreement: %d/%d\n", qPrintable(name), topClassAgreements(ours.values, theirs, classes), count);
            std::printf("%s exemplar_inference_images_per_second: %.0f (batch %d, after a warm-up call)\n", qPrintable(name), count / seconds, count);
            ok = ok && outputs <= kTolerance && loaderOnly <= kTolerance;
        }
        std::printf("result: %s (tolerance %.0e)\n", ok ? "PASS" : "FAIL", kTolerance);
        return ok ? 0 : 1;
    } catch (const Error& e) {
        std::fprintf(stderr, "bench_tfjs_check: %s\n", e.what());
        return 2;
    }
}
