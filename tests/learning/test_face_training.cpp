// Face framing in training (TrainingConfig::face): recorded in the run's config and the model's
// sidecar, and applied again by the exported model and `exemplar-cli predict`, so that a photo is
// framed the same way in training, evaluation, export and predict.
#include "SyntheticFaces.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/FaceImage.h"
#include "core/learning/TrainingJob.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

TrainingConfig smallConfig(const QString& face)
{
    TrainingConfig c;
    c.face = face;
    c.imageSize = 32;
    c.width = 8;
    c.depth = 3;
    c.epochs = 4;
    c.batchSize = 32;
    c.learningRate = 3e-3;
    c.patience = 0;
    c.seed = 5;
    c.validationFraction = 0.2;
    c.testFraction = 0.3;
    return c;
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

void writeJson(const QString& path, const QJsonObject& o)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(o).toJson());
}

// Largest difference between the exported model's probabilities and the run's own test-set
// evaluation, over the same files.
float maxDifference(const std::vector<ExportedModel::Prediction>& exported, const TrainingResult& r)
{
    float diff = 0;
    for (size_t i = 0; i < exported.size(); ++i)
        for (size_t k = 0; k < exported[i].probabilities.size(); ++k)
            diff = std::max(diff, std::abs(exported[i].probabilities[k] - r.predictions[i].probabilities[k]));
    return diff;
}

void copyModel(const QString& from, const QString& to)
{
    QDir().mkpath(to);
    for (const char* name : {ExportedModel::kModelFile, ExportedModel::kSidecarFile})
        QVERIFY(QFile::copy(QDir(from).filePath(name), QDir(to).filePath(name)));
}

} // namespace

class TestFaceTraining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void faceSettingRoundTripsAndBadNamesAreRefused()
    {
        TrainingConfig c;
        QCOMPARE(c.face, QStringLiteral("whole"));
        c.face = QStringLiteral("aligned");
        QCOMPARE(c.toJson().value("face").toString(), QStringLiteral("aligned"));
        QCOMPARE(TrainingConfig::fromJson(c.toJson()).face, QStringLiteral("aligned"));
        // Configurations recorded before the setting existed train on the whole image.
        QJsonObject old = c.toJson();
        old.remove("face");
        QCOMPARE(TrainingConfig::fromJson(old).face, QStringLiteral("whole"));

        QJsonObject bad = c.toJson();
        bad["face"] = "crop";
        try {
            TrainingConfig::fromJson(bad);
            QFAIL("face \"crop\" was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("crop") && e.message().contains("whole, box or aligned"),
                     qPrintable(e.message()));
        }
        c.face = QStringLiteral("Box");
        QVERIFY_THROWS_EXCEPTION(Error, c.validate());
    }

    // Runs on a pretrained backbone scale faces as the model's own library does; others keep the
    // fast area sampling; records from before the setting existed were all area.
    void faceSamplingFollowsTheBackbone()
    {
        TrainingConfig c;
        QCOMPARE(c.toJson().value("face_sampling").toString(), QStringLiteral("area"));
        c.backbone = QStringLiteral("emotion");
        QCOMPARE(c.toJson().value("face_sampling").toString(), QStringLiteral("tfjs"));
        QCOMPARE(faceSamplingOfSidecar(QJsonObject{{"config", QJsonObject{{"backbone", "emotion"}}}}),
                 FaceSampling::Area);
        QCOMPARE(faceSamplingOfSidecar(QJsonObject{{"config", c.toJson()}}), FaceSampling::Tfjs);
        try {
            faceSamplingOfSidecar(QJsonObject{{"config", QJsonObject{{"face_sampling", "cubic"}}}});
            QFAIL("face sampling \"cubic\" was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("cubic") && e.message().contains("area or tfjs"), qPrintable(e.message()));
        }
    }

    // tfjs sampling gives the pretrained models' own input (tfjs/FaceModelInput.h), rounded to 8
    // bits, from a file: gray for gray models (their luma, from the colour image), RGB otherwise.
    // A fine stripe pattern tells it from area sampling, which averages the stripes away.
    void tfjsSamplingIsTheModelsOwnInput()
    {
        cv::Mat image(300, 350, CV_8UC3);
        for (int y = 0; y < image.rows; ++y)
            for (int x = 0; x < image.cols; ++x)
                image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar((x * 7) % 256), uchar(((x / 2) % 2) * 200 + y / 6),
                                                      uchar((x + y) % 256));
        const QString path = tmp_.filePath("stripes.png"); // lossless: the file holds exactly `image`
        QVERIFY(cv::imwrite(path.toStdString(), image));
        for (const bool gray : {true, false}) {
            const cv::Mat tfjs = loadFaceImage(path, 64, gray, FaceSampling::Tfjs);
            QCOMPARE(tfjs.channels(), gray ? 1 : 3);
            QCOMPARE(tfjs.rows, 64);
            const std::vector<float> expected = faceModelInput(image, 64, gray);
            QCOMPARE(expected.size(), tfjs.total() * size_t(tfjs.channels()));
            double worst = 0;
            for (size_t i = 0; i < expected.size(); ++i) {
                const double model = gray ? (expected[i] + 1) / 2 : expected[i]; // gray models get [-1, 1]
                worst = std::max(worst, std::abs(tfjs.data[i] / 255.0 - model));
            }
            QVERIFY2(worst <= 0.5 / 255 + 1e-6, qPrintable(QString::number(worst)));

            const cv::Mat area = loadFaceImage(path, 64, gray, FaceSampling::Area);
            QCOMPARE(area.size(), tfjs.size());
            QVERIFY(cv::norm(area, tfjs, cv::NORM_INF) > 40);
            // The framed path (no detector: the whole image) samples the same way.
            QCOMPARE(cv::norm(loadFaceImage(path, 64, gray, FaceFraming::Whole, nullptr, FaceSampling::Tfjs), tfjs,
                              cv::NORM_INF),
                     0.0);
        }
    }

    // Generated faces (the cascade finds no face in most: those fall back to the whole image, as
    // documented): the run records "box" and the export reproduces the run's evaluation.
    void boxFramingIsRecordedAndReproducedOnGeneratedFaces()
    {
        const TrainingData data = test::writeSyntheticFaces(tmp_.filePath("synthetic"), 120, 99);
        TrainingJob job(data, smallConfig("box"), tmp_.filePath("run-box"));
        const TrainingResult r = job.run();
        QVERIFY2(r.status == TrainingStatus::Finished, qPrintable(r.error));
        const QJsonObject sidecar = readJson(QDir(r.modelDir).filePath(ExportedModel::kSidecarFile));
        QCOMPARE(sidecar["config"].toObject()["face"].toString(), QStringLiteral("box"));
        QCOMPARE(sidecar["input"].toObject()["face"].toString(), QStringLiteral("box"));

        const ExportedModel model = ExportedModel::load(r.modelDir);
        QCOMPARE(faceFramingOfSidecar(model.sidecar()), FaceFraming::Box);
        QStringList files;
        for (const auto& p : r.predictions) files << data.samples[p.sample].path;
        QVERIFY(!files.isEmpty());
        const auto exported = model.predictFiles(files);
        QCOMPARE(exported.size(), r.predictions.size());
        const float diff = maxDifference(exported, r);
        QVERIFY2(diff < 1e-4f, qPrintable(QString::number(diff)));

        // A sidecar with a framing this version does not know is refused when loading, naming it.
        const QString broken = tmp_.filePath("broken-model");
        copyModel(r.modelDir, broken);
        QJsonObject edited = sidecar;
        QJsonObject config = edited["config"].toObject();
        config["face"] = "sideways";
        edited["config"] = config;
        writeJson(QDir(broken).filePath(ExportedModel::kSidecarFile), edited);
        try {
            ExportedModel::load(broken);
            QFAIL("a model with face \"sideways\" was loaded");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("sideways") && e.message().contains("model.json"), qPrintable(e.message()));
        }
    }

    // faces-dev crops pasted at random places on larger grey canvases: here the framing changes the
    // pixels a lot. Trained "aligned", the exported model gives the run's own validation and test
    // probabilities; the same network told "whole" gives others, so the framing is really applied
    // when predicting. `exemplar-cli predict` reports the framing and a box per face.
    void alignedFramingIsAppliedByExportAndPredict()
    {
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        QFile labels(facesDev + "/labels.csv");
        QVERIFY(labels.open(QIODevice::ReadOnly));
        const QStringList header = QString::fromUtf8(labels.readLine()).trimmed().split(',');
        const int fileCol = int(header.indexOf("file")), exprCol = int(header.indexOf("expression")),
                  idCol = int(header.indexOf("identity"));
        QVERIFY(fileCol >= 0 && exprCol >= 0 && idCol >= 0);
        TrainingData data;
        data.task = "expression";
        data.classNames = {"happiness", "surprise"};
        const QString dir = tmp_.filePath("photos");
        QDir().mkpath(dir);
        std::mt19937 rng(3);
        int perClass[2] = {0, 0};
        while (!labels.atEnd() && (perClass[0] < 35 || perClass[1] < 35)) {
            const QStringList row = QString::fromUtf8(labels.readLine()).trimmed().split(',');
            if (row.size() <= std::max({fileCol, exprCol, idCol})) continue;
            const int label = int(data.classNames.indexOf(row[exprCol]));
            if (label < 0 || perClass[label] >= 35) continue;
            const cv::Mat face = cv::imread((facesDev + "/images/" + row[fileCol]).toStdString(), cv::IMREAD_GRAYSCALE);
            if (face.empty()) continue;
            cv::Mat canvas(300, 400, CV_8UC1);
            cv::randu(canvas, cv::Scalar(70), cv::Scalar(190));
            cv::GaussianBlur(canvas, canvas, cv::Size(0, 0), 5);
            const int side = 130 + int(rng() % 40);
            const cv::Rect at(int(rng() % (400 - side)), int(rng() % (300 - side)), side, side);
            cv::resize(face, canvas(at), at.size(), 0, 0, cv::INTER_AREA);
            // Grayscale JPEG: predict decodes colour and the trainer grey; with one channel both
            // see the same pixels, so the detections are the same.
            const QString path = QDir(dir).filePath(QString("p%1.jpg").arg(data.samples.size(), 3, 10, QLatin1Char('0')));
            QVERIFY(cv::imwrite(path.toStdString(), canvas, {cv::IMWRITE_JPEG_QUALITY, 92}));
            data.samples.push_back({path, label, row[idCol], qint64(data.samples.size() + 1)});
            ++perClass[label];
        }
        QCOMPARE(perClass[0] + perClass[1], 70);

        TrainingConfig config = smallConfig("aligned");
        config.imageSize = 48;
        TrainingJob job(data, config, tmp_.filePath("run-aligned"));
        const TrainingResult r = job.run();
        QVERIFY2(r.status == TrainingStatus::Finished, qPrintable(r.error));
        QStringList files;
        for (const auto& p : r.predictions) files << data.samples[p.sample].path;
        QVERIFY(files.size() >= 10);

        const ExportedModel model = ExportedModel::load(r.modelDir);
        const auto exported = model.predictFiles(files);
        QCOMPARE(exported.size(), r.predictions.size());
        const float diff = maxDifference(exported, r);
        QVERIFY2(diff < 1e-4f, qPrintable(QString::number(diff)));

        const QString asWhole = tmp_.filePath("model-as-whole");
        copyModel(r.modelDir, asWhole);
        QJsonObject sidecar = model.sidecar();
        QJsonObject c = sidecar["config"].toObject();
        c["face"] = "whole";
        sidecar["config"] = c;
        writeJson(QDir(asWhole).filePath(ExportedModel::kSidecarFile), sidecar);
        const float wholeDiff = maxDifference(ExportedModel::load(asWhole).predictFiles(files), r);
        qInfo("largest probability difference, aligned model told 'whole': %.4f", wholeDiff);
        QVERIFY2(wholeDiff > 1e-3f, qPrintable(QString::number(wholeDiff)));

        // The CLI reads the framing from the sidecar and classifies the face found in each photo,
        // with its box. (Its per-face crops are cut from its own colour decode: probabilities came
        // within 0.0014-0.006 of the run's, too close to the 'whole' difference to assert on.)
        const test::CliResult cli = test::runCli(QStringList{"predict", "--model", r.modelDir, "--json"} + files);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.describe()));
        const QJsonObject out = cli.json();
        QCOMPARE(out["face"].toString(), QStringLiteral("aligned"));
        int withBox = 0;
        QSet<QString> answered;
        for (const auto& v : out["predictions"].toArray()) {
            answered.insert(v.toObject()["file"].toString());
            if (v.toObject().contains("box")) ++withBox;
        }
        QCOMPARE(answered.size(), files.size());
        QVERIFY2(withBox >= files.size() / 2, qPrintable(QString("%1 boxes for %2 photos").arg(withBox).arg(files.size())));
    }

    void cliTrainRefusesAnUnknownFraming()
    {
        const test::CliResult r = test::runCli({"train", "--catalog", tmp_.filePath("none.exemplar"), "--task", "t",
                                                "--out", tmp_.filePath("out"), "--face", "crop"});
        QVERIFY2(r.exitCode == 64, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("crop") && r.err.contains("whole, box or aligned"), qPrintable(r.describe()));
    }
};

QTEST_GUILESS_MAIN(TestFaceTraining)
#include "test_face_training.moc"
