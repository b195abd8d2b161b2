// Transfer learning from a pretrained TF.js graph (issue #8), on data the test generates:
// - a tiny graph "pretrained" to see stripe orientation (its first layer holds edge filters) is
//   fine-tuned on faces whose class is the orientation of faint stripes; at the same (small) number
//   of steps it must beat a network trained from scratch;
// - the exported fine-tuned model gives the same probabilities as the in-memory network did and
//   still loads once the pretrained files are gone;
// - the backbone choice round-trips through the configuration JSON;
// - missing pretrained models give an error naming the folders searched and how to install them,
//   in training and in `exemplar-cli baseline` / `train --backbone`.
#include "core/catalogue/ScoreStore.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/OutOfFold.h"
#include "core/learning/TrainingJob.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"
#include "tests/learning/ExportAgreement.h"
#include "tests/learning/StripesGraph.h"
#include "tests/learning/SyntheticCatalogue.h"
#include "tests/learning/TfjsGraphJson.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <optional>
#include <random>

using namespace exemplar;
using namespace exemplar::learning;
using exemplar::test::writeStripesGraph;

namespace {

constexpr int kSide = 32; // the graph's input and the training image size

// Faces (ellipse, eyes, a random mouth) covered by faint stripes over noise; class 0 has
// horizontal stripes, class 1 vertical ones. Each identity keeps its face shape and tone.
TrainingData writeStripedFaces(const QString& dir, int count, unsigned seed)
{
    QDir().mkpath(dir);
    std::mt19937 rng(seed);
    auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
    TrainingData data;
    data.task = QStringLiteral("stripes");
    data.classNames = {QStringLiteral("horizontal"), QStringLiteral("vertical")};
    const int side = 72;
    double tone = 0, faceW = 0, faceH = 0;
    for (int i = 0; i < count; ++i) {
        if (i % 3 == 0) {
            tone = uni(120, 200);
            faceW = uni(0.30, 0.38);
            faceH = uni(0.38, 0.46);
        }
        const int label = int(rng() % 2);
        cv::Mat img(side, side, CV_32FC1);
        cv::randu(img, cv::Scalar(0), cv::Scalar(90));
        const cv::Point2d c(side * (0.5 + uni(-0.06, 0.06)), side * (0.5 + uni(-0.06, 0.06)));
        const cv::Size axes(int(side * faceW), int(side * faceH));
        cv::ellipse(img, c, axes, 0, 0, 360, cv::Scalar(tone), cv::FILLED, cv::LINE_AA);
        cv::circle(img, c + cv::Point2d(-axes.width * 0.45, -axes.height * 0.3), 3, cv::Scalar(30), cv::FILLED);
        cv::circle(img, c + cv::Point2d(axes.width * 0.45, -axes.height * 0.3), 3, cv::Scalar(30), cv::FILLED);
        cv::ellipse(img, c + cv::Point2d(0, axes.height * 0.4), cv::Size(axes.width / 2, axes.height / 5), 0,
                    rng() % 2 ? 0 : 180, rng() % 2 ? 180 : 360, cv::Scalar(20), 3);
        const double period = uni(8, 12), phase = uni(0, 2 * M_PI), amplitude = uni(12, 20);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x)
                img.at<float>(y, x) += float(amplitude * std::sin(2 * M_PI * (label == 0 ? y : x) / period + phase));
        cv::Mat noise(side, side, CV_32FC1);
        cv::randn(noise, 0, 14);
        img += noise;
        cv::Mat out;
        img.convertTo(out, CV_8UC1);
        const QString path = QDir(dir).filePath(QStringLiteral("face_%1.png").arg(i, 4, 10, QLatin1Char('0')));
        cv::imwrite(path.toStdString(), out);
        data.samples.push_back({path, label, QStringLiteral("person%1").arg(i / 3), i + 1});
    }
    return data;
}

// What a class-bias fit's log says of its cross-validated choice.
struct BiasChoice {
    bool kept = false;
    double withBiases = 0, asIs = 0;
};
std::optional<BiasChoice> biasChoice(const QString& log)
{
    static const QRegularExpression re(QStringLiteral("Class biases (kept|left out) by \\d-fold cross-validation by "
                                                      "identity.*with fitted biases ([0-9.]+), the model as it is ([0-9.]+)"));
    const auto m = re.match(log);
    if (!m.hasMatch()) return std::nullopt;
    return BiasChoice{m.captured(1) == QLatin1String("kept"), m.captured(2).toDouble(), m.captured(3).toDouble()};
}

TrainingConfig smallConfig()
{
    TrainingConfig c;
    c.imageSize = kSide;
    c.width = 8;
    c.depth = 3;
    c.epochs = 2;
    c.headEpochs = 1;
    c.batchSize = 32;
    c.learningRate = 1e-2;
    c.patience = 0;
    c.seed = 5;
    c.validationFraction = 0.2;
    c.testFraction = 0.2;
    c.threads = 2;
    return c;
}

} // namespace

class TestBackboneTraining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    TrainingData data_;
    QString modelsDir_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        data_ = writeStripedFaces(tmp_.filePath("faces"), 400, 77);
        modelsDir_ = tmp_.filePath("models");
        writeStripesGraph(modelsDir_, QStringLiteral("emotion"));
        qputenv("EXEMPLAR_MODELS_DIR", modelsDir_.toUtf8());
        // The user's own installed models must not stand in for the test's once it removes them.
        qputenv("XDG_DATA_HOME", tmp_.filePath("xdg-data").toUtf8());
        QCOMPARE(findPretrainedModel(QStringLiteral("emotion")), modelsDir_ + "/emotion.json");
    }

    void backboneRoundTripsThroughJson()
    {
        TrainingConfig c;
        QCOMPARE(c.backbone, QStringLiteral("none"));
        c.backbone = QStringLiteral("gender");
        c.headEpochs = 5;
        c.fineTuneFactor = 0.25;
        const QJsonObject j = c.toJson();
        QCOMPARE(j["backbone"].toString(), QStringLiteral("gender"));
        const TrainingConfig back = TrainingConfig::fromJson(j);
        QCOMPARE(back.backbone, QStringLiteral("gender"));
        QCOMPARE(back.headEpochs, 5);
        QCOMPARE(back.fineTuneFactor, 0.25);
        QJsonObject old = j;
        old.remove("backbone"); // runs recorded before backbones existed
        QCOMPARE(TrainingConfig::fromJson(old).backbone, QStringLiteral("none"));
        // Distillation and auxiliary classes are on by default, but a run recorded before they
        // existed trained without them, and reads back so.
        QCOMPARE(c.distillFrom, QStringLiteral("auto"));
        QVERIFY(c.auxiliaryClasses);
        QCOMPARE(TrainingConfig::fromJson(j).distillFrom, QStringLiteral("auto"));
        old.remove("distill_from");
        old.remove("auxiliary_classes");
        QCOMPARE(TrainingConfig::fromJson(old).distillFrom, QStringLiteral("none"));
        QVERIFY(!TrainingConfig::fromJson(old).auxiliaryClasses);
        QJsonObject bad = j;
        bad["backbone"] = "vgg16";
        QVERIFY_THROWS_EXCEPTION(Error, TrainingConfig::fromJson(bad));
        bad = j;
        bad["grayscale"] = false; // both face models take one gray channel
        QVERIFY_THROWS_EXCEPTION(Error, TrainingConfig::fromJson(bad));
    }

    void fineTuningBeatsScratchAndExportsSelfContained()
    {
        TrainingConfig scratch = smallConfig();
        TrainingConfig tuned = smallConfig();
        tuned.backbone = QStringLiteral("emotion");
        const TrainingResult s = TrainingJob(data_, scratch, tmp_.filePath("run-scratch")).run();
        const TrainingResult t = TrainingJob(data_, tuned, tmp_.filePath("run-tuned")).run();
        QCOMPARE(QString::fromLatin1(statusName(s.status)), QStringLiteral("finished"));
        QCOMPARE(QString::fromLatin1(statusName(t.status)), QStringLiteral("finished"));
        QCOMPARE(s.epochsRun, t.epochsRun); // equal steps
        qInfo("test balanced accuracy after %d epochs: scratch %.3f, fine-tuned %.3f", t.epochsRun,
              s.test.balancedAccuracy, t.test.balancedAccuracy);
        for (const auto* r : {&s, &t})
            for (const EpochProgress& e : r->history)
                qInfo("%s epoch %d: loss %.3f, validation balanced accuracy %.3f", r == &s ? "scratch" : "fine-tuned",
                      e.epoch, e.trainLoss, e.valBalancedAccuracy);
        // Two epochs: one for the new layers, one with the pretrained layers unfrozen. Scratch is
        // still near chance after so few steps; the pretrained edge features already separate the
        // classes. (With more epochs scratch catches up on this easy set: 0.90 after 3.)
        QVERIFY(t.test.balancedAccuracy >= 0.80);
        QVERIFY(t.test.balancedAccuracy > s.test.balancedAccuracy + 0.1);

        // The export: no pretrained files needed, same probabilities as the in-memory network.
        QVERIFY(QDir(modelsDir_).removeRecursively());
        QVERIFY(findPretrainedModel(QStringLiteral("emotion")).isEmpty());
        const ExportedModel model = ExportedModel::load(t.modelDir);
        QCOMPARE(model.sidecar()["config"].toObject()["backbone"].toString(), QStringLiteral("emotion"));
        QCOMPARE(model.sidecar()["network"].toObject()["backbone"].toString(), QStringLiteral("emotion"));
        // Faces scaled as the pretrained model's own library does, in training and in the export
        // alike (the comparison below would fail if the export scaled them differently).
        QCOMPARE(model.sidecar()["config"].toObject()["face_sampling"].toString(), QStringLiteral("tfjs"));
        QCOMPARE(model.sidecar()["input"].toObject()["sampling"].toString(), QStringLiteral("tfjs"));
        QCOMPARE(model.faceSampling(), FaceSampling::Tfjs);
        QStringList files;
        std::vector<const SamplePrediction*> expected;
        for (const SamplePrediction& p : t.predictions) {
            files << data_.samples[size_t(p.sample)].path;
            expected.push_back(&p);
        }
        QVERIFY(files.size() > 100);
        const auto predictions = model.predictFiles(files);
        QCOMPARE(int(predictions.size()), files.size());
        double worst = 0;
        for (size_t i = 0; i < predictions.size(); ++i) {
            QCOMPARE(predictions[i].classIndex, expected[i]->predicted);
            for (size_t k = 0; k < 2; ++k)
                worst = std::max(worst, double(std::abs(predictions[i].probabilities[k] - expected[i]->probabilities[k])));
        }
        qInfo("largest probability difference, exported vs in-memory: %g", worst);
        QVERIFY(worst < 1e-5);
        // Scoring (probabilities and embedding in one pass) gives the same probabilities, and the
        // embedding is the pooled pretrained features the head reads.
        QVERIFY(model.hasEmbedding());
        const auto scored = model.scoreFiles(files.mid(0, 8));
        const int features = model.sidecar()["network"].toObject()["features"].toInt();
        QVERIFY(features > 0);
        for (size_t i = 0; i < scored.size(); ++i) {
            QCOMPARE(int(scored[i].embedding.size()), features);
            for (size_t k = 0; k < 2; ++k)
                QVERIFY(std::abs(scored[i].probabilities[k] - predictions[i].probabilities[k]) < 1e-6);
        }
        QVERIFY(scored[0].embedding != scored[1].embedding); // features of the face, not a constant
        writeStripesGraph(modelsDir_, QStringLiteral("emotion"));
    }

    // Distillation: with a teacher that knows the stripes and curator labels that are pure noise,
    // a network trained from scratch learns the stripes from the teacher alone; without the
    // teacher it cannot. A teacher that does not know the task's classes is refused by name.
    void distillationTeachesWhatTheTeacherKnows()
    {
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR");
        const QString knowing = tmp_.filePath("knowing-models");
        writeStripesGraph(knowing, QStringLiteral("emotion"), true);
        qputenv("EXEMPLAR_MODELS_DIR", knowing.toUtf8());
        TrainingData noisy = data_;
        noisy.classNames = {QStringLiteral("happiness"), QStringLiteral("sadness")}; // horizontal, vertical
        std::mt19937 rng(12);
        for (auto& s : noisy.samples) s.label = int(rng() % 2);
        auto accuracyOnTruth = [&](const TrainingResult& r) {
            int right = 0, n = 0;
            for (const SamplePrediction& p : r.predictions) {
                right += p.predicted == data_.samples[size_t(p.sample)].label ? 1 : 0;
                ++n;
            }
            return n ? double(right) / n : 0.0;
        };
        TrainingConfig c = smallConfig();
        c.epochs = 15;
        c.learningRate = 3e-3;
        c.labelSmoothing = 0;
        c.distillFrom = QStringLiteral("none");
        const TrainingResult alone = TrainingJob(noisy, c, tmp_.filePath("run-noisy")).run();
        c.distillFrom = QStringLiteral("emotion");
        c.distillWeight = 1.0;
        const TrainingResult taught = TrainingJob(noisy, c, tmp_.filePath("run-taught")).run();
        const TrainingResult teacher = evaluateZeroShot(noisy, c);

        // "auto" (the default) chooses a teacher by its balanced accuracy on the validation faces:
        // the knowing model with honest labels, but not a model that only knows the class names.
        TrainingData honest = data_;
        honest.classNames = noisy.classNames;
        QStringList log;
        const TrainingCallbacks logged{.onMessage = [&](const QString& m) { log << m; }};
        TrainingConfig automatic = smallConfig();
        QCOMPARE(automatic.distillFrom, QStringLiteral("auto"));
        const TrainingResult chosen = TrainingJob(honest, automatic, tmp_.filePath("run-auto"), logged).run();
        const QString chosenLog = log.join('\n');
        log.clear();
        const QString ignorant = tmp_.filePath("ignorant-models");
        writeStripesGraph(ignorant, QStringLiteral("emotion"), false);
        qputenv("EXEMPLAR_MODELS_DIR", ignorant.toUtf8());
        const TrainingResult unchosen = TrainingJob(honest, automatic, tmp_.filePath("run-auto-ignorant"), logged).run();
        const QString unchosenLog = log.join('\n');
        qputenv("EXEMPLAR_MODELS_DIR", saved);
        QVERIFY2(chosen.status == TrainingStatus::Finished, qPrintable(chosen.error));
        QCOMPARE(chosen.teacher, QStringLiteral("emotion"));
        QVERIFY2(chosenLog.contains("Teacher candidate: the emotion model scores") &&
                     chosenLog.contains("Labelling the training images with the emotion model"),
                 qPrintable(chosenLog));
        QVERIFY2(unchosen.status == TrainingStatus::Finished, qPrintable(unchosen.error));
        QVERIFY(unchosen.teacher.isEmpty());
        QVERIFY2(unchosenLog.contains("not used") && !unchosenLog.contains("Labelling the training images"),
                 qPrintable(unchosenLog));
        QVERIFY2(alone.status == TrainingStatus::Finished, qPrintable(alone.error));
        QVERIFY2(taught.status == TrainingStatus::Finished, qPrintable(taught.error));
        const double a = accuracyOnTruth(alone), t = accuracyOnTruth(taught), z = accuracyOnTruth(teacher);
        qInfo("accuracy on the true stripes: noisy labels alone %.3f, with the teacher %.3f, the teacher itself %.3f",
              a, t, z);
        QVERIFY(a <= 0.70);
        QVERIFY(t >= 0.80);
        QVERIFY(t >= z - 0.10);
        QCOMPARE(ExportedModel::load(taught.modelDir).sidecar()["config"].toObject()["distill_from"].toString(),
                 QStringLiteral("emotion"));

        // The arbitrary "emotion" model knows no "horizontal" or "vertical".
        TrainingConfig strangers = smallConfig();
        strangers.distillFrom = QStringLiteral("emotion");
        const TrainingResult refused = TrainingJob(data_, strangers, tmp_.filePath("run-refused")).run();
        QCOMPARE(QString::fromLatin1(statusName(refused.status)), QStringLiteral("failed"));
        QVERIFY2(refused.error.contains("horizontal, vertical") && refused.error.contains("cannot teach"),
                 qPrintable(refused.error));
    }

    // Class biases only (backbone_fit class_biases): a model that knows the stripes but leans
    // heavily towards "happy" is calibrated in one pass, without touching its layers; the export,
    // which averages over the nine test-time views in TorchScript, gives the in-memory
    // probabilities. A model that does not know the chosen classes is refused before decoding.
    void classBiasesCalibrateABiasedModel()
    {
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR");
        const QString biased = tmp_.filePath("biased-models");
        writeStripesGraph(biased, QStringLiteral("emotion"), true, 40.f);
        qputenv("EXEMPLAR_MODELS_DIR", biased.toUtf8());
        TrainingData honest = data_;
        honest.classNames = {QStringLiteral("happiness"), QStringLiteral("sadness")}; // horizontal, vertical
        TrainingConfig c = smallConfig();
        c.backbone = QStringLiteral("emotion");
        c.backboneFit = QStringLiteral("class_biases");
        QStringList log;
        const TrainingCallbacks logged{.onMessage = [&](const QString& m) { log << m; }};
        const TrainingResult zeroShot = evaluateZeroShot(honest, c);
        const TrainingResult calibrated = TrainingJob(honest, c, tmp_.filePath("run-calibrated"), logged).run();
        QVERIFY2(calibrated.status == TrainingStatus::Finished, qPrintable(calibrated.error));
        qInfo("test balanced accuracy: zero-shot %.3f, class biases fitted %.3f", zeroShot.test.balancedAccuracy,
              calibrated.test.balancedAccuracy);
        QVERIFY(zeroShot.test.balancedAccuracy <= 0.6); // it calls (nearly) everything happy
        QVERIFY(calibrated.test.balancedAccuracy >= 0.8);
        QCOMPARE(calibrated.epochsRun, 1);
        QCOMPARE(int(calibrated.history.size()), 1);
        QVERIFY(calibrated.teacher.isEmpty()); // no teacher in this mode, though distill_from is auto
        const QString text = log.join('\n');
        QVERIFY2(text.contains("fitting one bias per class") && text.contains("Class biases fitted on"), qPrintable(text));
        QVERIFY2(!text.contains("Teacher candidate"), qPrintable(text));
        // The biases are kept because they do better on people their fit did not see.
        const auto choice = biasChoice(text);
        QVERIFY2(choice.has_value(), qPrintable(text));
        QVERIFY(choice->kept && choice->withBiases > choice->asIs);

        const ExportedModel model = ExportedModel::load(calibrated.modelDir);
        QCOMPARE(model.sidecar()["network"].toObject()["test_time_views"].toInt(), 9);
        QCOMPARE(model.sidecar()["config"].toObject()["backbone_fit"].toString(), QStringLiteral("class_biases"));
        const test::ExportAgreement agreement = test::exportAgreement(model, calibrated, data_);
        QCOMPARE(agreement.answers, agreement.compared);
        QCOMPARE(agreement.classDisagreements, 0);
        qInfo("largest probability difference, exported (9 views) vs in-memory: %g", agreement.largestDifference);
        QVERIFY(agreement.largestDifference < 1e-5);

        // A model that knows the stripes without leaning: the biases are kept only if the
        // cross-validation says they beat the model as it is; otherwise it is left untouched.
        const QString honestModels = tmp_.filePath("honest-models");
        writeStripesGraph(honestModels, QStringLiteral("emotion"), true, 0.f);
        qputenv("EXEMPLAR_MODELS_DIR", honestModels.toUtf8());
        log.clear();
        const TrainingResult honestRun = TrainingJob(honest, c, tmp_.filePath("run-honest"), logged).run();
        QVERIFY2(honestRun.status == TrainingStatus::Finished, qPrintable(honestRun.error));
        const QString honestText = log.join('\n');
        const auto honestChoice = biasChoice(honestText);
        QVERIFY2(honestChoice.has_value(), qPrintable(honestText));
        qInfo("unbiased model: with fitted biases %.3f, as it is %.3f: %s", honestChoice->withBiases, honestChoice->asIs,
              honestChoice->kept ? "kept" : "left out");
        QCOMPARE(honestChoice->kept, honestChoice->withBiases > honestChoice->asIs);
        QCOMPARE(honestText.contains("kept as it is"), !honestChoice->kept);
        qputenv("EXEMPLAR_MODELS_DIR", biased.toUtf8());

        // The stripes' own class names are not among the model's: refused, naming them.
        TrainingData strangers = data_;
        const TrainingResult refused = TrainingJob(strangers, c, tmp_.filePath("run-calibrated-refused")).run();
        qputenv("EXEMPLAR_MODELS_DIR", saved);
        QCOMPARE(QString::fromLatin1(statusName(refused.status)), QStringLiteral("failed"));
        QVERIFY2(refused.error.contains("horizontal, vertical") && refused.error.contains("class biases"),
                 qPrintable(refused.error));
        // And without a pretrained model there is nothing to calibrate.
        TrainingConfig scratch = smallConfig();
        scratch.backboneFit = QStringLiteral("class_biases");
        QVERIFY_THROWS_EXCEPTION(Error, scratch.validate());
        QJsonObject json = c.toJson();
        QCOMPARE(TrainingConfig::fromJson(json).backboneFit, QStringLiteral("class_biases"));
        json.remove("backbone_fit"); // runs recorded before the key existed fine-tuned
        QCOMPARE(TrainingConfig::fromJson(json).backboneFit, QStringLiteral("fine_tune"));
        json["backbone_fit"] = "everything";
        QVERIFY_THROWS_EXCEPTION(Error, TrainingConfig::fromJson(json));
    }

    // Linear head (backbone_fit linear_head): a model whose classifier knows nothing of the stripes
    // (its head weights are arbitrary) but whose features see edges learns classes it has never
    // heard of in one pass, its penalty chosen by cross-validation by identity; the export (nine
    // test-time views in TorchScript) gives the in-memory probabilities.
    void linearHeadLearnsClassesTheModelDoesNotKnow()
    {
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR");
        const QString models = tmp_.filePath("linear-head-models");
        writeStripesGraph(models, QStringLiteral("emotion"));
        qputenv("EXEMPLAR_MODELS_DIR", models.toUtf8());
        TrainingConfig c = smallConfig();
        c.backbone = QStringLiteral("emotion");
        c.backboneFit = QStringLiteral("linear_head");
        QVERIFY(!c.usesAuxiliaryClasses());
        QVERIFY(unmappedTaskClasses(c.backbone, data_.classNames).size() == 2); // horizontal, vertical: unknown
        QStringList log;
        const TrainingCallbacks logged{.onMessage = [&](const QString& m) { log << m; }};
        const TrainingResult r = TrainingJob(data_, c, tmp_.filePath("run-linear-head"), logged).run();
        QVERIFY2(r.status == TrainingStatus::Finished, qPrintable(r.error));
        qInfo("test balanced accuracy, linear head: %.3f", r.test.balancedAccuracy);
        QVERIFY(r.test.balancedAccuracy >= 0.85);
        QCOMPARE(r.epochsRun, 1);
        QVERIFY(r.teacher.isEmpty());
        const QString text = log.join('\n');
        QVERIFY2(text.contains("every layer kept: fitting a linear classifier") && !text.contains("new layers only") &&
                     text.contains(QRegularExpression("Penalty [0-9.]+ chosen by 5-fold cross-validation by identity")) &&
                     text.contains("Linear head fitted on"),
                 qPrintable(text));

        QVERIFY(QDir(models).removeRecursively()); // the export needs no pretrained files
        qputenv("EXEMPLAR_MODELS_DIR", saved);
        const ExportedModel model = ExportedModel::load(r.modelDir);
        QCOMPARE(model.sidecar()["network"].toObject()["test_time_views"].toInt(), 9);
        const QJsonObject config = model.sidecar()["config"].toObject();
        QCOMPARE(config["backbone_fit"].toString(), QStringLiteral("linear_head"));
        QCOMPARE(networkLabel(config), QStringLiteral("emotion linear head"));
        QCOMPARE(plannedEpochs(config), 1);
        const test::ExportAgreement agreement = test::exportAgreement(model, r, data_);
        QCOMPARE(agreement.answers, agreement.compared);
        QCOMPARE(agreement.classDisagreements, 0);
        qInfo("largest probability difference, exported (9 views) vs in-memory: %g", agreement.largestDifference);
        QVERIFY(agreement.largestDifference < 1e-5);

        TrainingConfig scratch = smallConfig();
        scratch.backboneFit = QStringLiteral("linear_head");
        QVERIFY_THROWS_EXCEPTION(Error, scratch.validate()); // nothing pretrained to put a head on
        QCOMPARE(TrainingConfig::fromJson(c.toJson()).backboneFit, QStringLiteral("linear_head"));
    }

    // The one-pass fits keep a time limit as gradient training does: with far too little time they
    // score one chunk of the training faces (every class in it), fit on those, try one penalty,
    // and still validate, test and export; unlimited, they fit on every training face.
    void onePassFitsKeepATimeLimit()
    {
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR");
        const QString models = tmp_.filePath("time-limit-models");
        writeStripesGraph(models, QStringLiteral("emotion"), true, 40.f); // knows the stripes, leans to happy
        qputenv("EXEMPLAR_MODELS_DIR", models.toUtf8());
        TrainingData data = data_;
        data.classNames = {QStringLiteral("happiness"), QStringLiteral("sadness")}; // horizontal, vertical
        const QRegularExpression scored(QStringLiteral("(\\d+) of the (\\d+) training faces scored"));
        for (const QString fit : {QStringLiteral("linear_head"), QStringLiteral("class_biases")}) {
            TrainingConfig c = smallConfig();
            c.backbone = QStringLiteral("emotion");
            c.backboneFit = fit;
            c.maxMinutes = 1e-4; // 6 ms
            QStringList log;
            const TrainingCallbacks logged{.onMessage = [&](const QString& m) { log << m; }};
            const TrainingResult r = TrainingJob(data, c, tmp_.filePath("run-limited-" + fit), logged).run();
            QVERIFY2(r.status == TrainingStatus::Finished, qPrintable(r.error));
            const QString text = log.join('\n');
            const auto match = scored.match(text);
            QVERIFY2(match.hasMatch() && text.contains("Time limit of 0.0001 minutes"), qPrintable(text));
            const int fitted = match.captured(1).toInt(), offered = match.captured(2).toInt();
            qInfo("%s: fitted on %d of %d training faces, test balanced accuracy %.3f", qPrintable(fit), fitted, offered,
                  r.test.balancedAccuracy);
            QCOMPARE(fitted, 128); // one chunk of faces at 32 px (facesPerChunk)
            QVERIFY(offered > fitted);
            QVERIFY(text.contains(QStringLiteral("fitted on %1 training faces").arg(fitted)));
            if (fit == QLatin1String("linear_head"))
                QVERIFY2(text.contains("the time limit left no room for the 4 weakest"), qPrintable(text));
            QVERIFY(r.stoppedEarly);
            QCOMPARE(r.epochsRun, 1);
            QVERIFY(r.test.balancedAccuracy >= 0.75); // the stripes are easy: one balanced chunk suffices
            QCOMPARE(ExportedModel::load(r.modelDir).sidecar()["config"].toObject()["backbone_fit"].toString(), fit);

            c.maxMinutes = 0;
            log.clear();
            // Scoring reports its progress (faces scored of those to score), with no loss to plot.
            std::vector<BatchProgress> progress;
            const TrainingCallbacks watched{.onBatch = [&](const BatchProgress& b) { progress.push_back(b); },
                                            .onMessage = [&](const QString& m) { log << m; }};
            const TrainingResult unlimited = TrainingJob(data, c, tmp_.filePath("run-unlimited-" + fit), watched).run();
            QCOMPARE(int(progress.size()), (offered + 127) / 128);
            for (size_t i = 0; i < progress.size(); ++i) {
                QVERIFY(progress[i].scoring);
                QCOMPARE(progress[i].batches, offered);
                QCOMPARE(progress[i].batch, std::min(offered, int(i + 1) * 128));
                QVERIFY(progress[i].imagesPerSecond > 0 && progress[i].etaSeconds >= 0);
            }
            QVERIFY2(unlimited.status == TrainingStatus::Finished, qPrintable(unlimited.error));
            const QString all = log.join('\n');
            QVERIFY2(!all.contains("Time limit") && !all.contains("left no room") &&
                         all.contains(QStringLiteral("fitted on %1 training faces").arg(offered)),
                     qPrintable(all));
            QVERIFY(!unlimited.stoppedEarly);
        }
        qputenv("EXEMPLAR_MODELS_DIR", saved);
    }

    // Cross-validation with a one-pass fit (Find exemplars, `exemplar-cli review`): every face is
    // decoded once and scored by the pretrained model once for all the folds (FoldCache); each
    // fold's run holds its held-out faces as its test part, and what is stored for them is what
    // that fold's exported model gives their files, embeddings included. Gradient-trained folds
    // share the decoding and their teacher's labels.
    void crossValidationScoresEachFaceOnce()
    {
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR");
        const QString models = tmp_.filePath("fold-models");
        writeStripesGraph(models, QStringLiteral("emotion"));
        qputenv("EXEMPLAR_MODELS_DIR", models.toUtf8());
        const QString catalogPath = tmp_.filePath("folds.exemplar");
        const auto set = test::makeSyntheticCatalogue(catalogPath, tmp_.filePath("fold-faces"), 150, 31, 0, 0);
        Catalogue catalogue = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
        // Class names the pretrained model knows, so that class biases can be fitted too.
        catalogue.renameClass(set.task.classes[0].id, QStringLiteral("happiness"));
        catalogue.renameClass(set.task.classes[1].id, QStringLiteral("sadness"));
        const DatasetSelection selection{"mouth", {}, false};
        QHash<QString, qint64> idOfFile;
        for (const auto& s : trainingDataFromCatalogue(catalogue, selection).data.samples) idOfFile.insert(s.path, s.imageId);
        QCOMPARE(idOfFile.size(), 150);
        const auto foldRequest = [&](const TrainingConfig& config, const QString& workDir) {
            OutOfFoldRequest request;
            request.selection = selection;
            request.folds = 3;
            request.config = config;
            request.workDir = tmp_.filePath(workDir);
            return request;
        };

        for (const QString fit : {QStringLiteral("class_biases"), QStringLiteral("linear_head")}) {
            TrainingConfig config = smallConfig();
            config.backbone = QStringLiteral("emotion");
            config.backboneFit = fit;
            const OutOfFoldRequest request = foldRequest(config, "folds-" + fit);
            const OutOfFoldOutcome outcome = runOutOfFold(catalogue, request);
            QCOMPARE(outcome.scored, 150);
            QCOMPARE(outcome.facesDecoded, 150);
            QCOMPARE(outcome.facesScoredByPretrainedModel, 150);

            ScoreStore store(catalogue);
            const auto scoring = store.latest(set.task.id, ScoreStore::kOutOfFoldKind);
            QVERIFY(scoring && scoring->id == outcome.scoringId);
            QHash<qint64, ImageScore> stored;
            for (const ImageScore& s : store.scores(scoring->id)) stored.insert(s.imageId, s);
            int compared = 0;
            double largest = 0, largestInEmbedding = 0;
            for (int f = 1; f <= request.folds; ++f) {
                const QString dir = QStringLiteral("%1/fold-%2").arg(request.workDir).arg(f);
                QFile splitFile(dir + "/split.json");
                QVERIFY(splitFile.open(QIODevice::ReadOnly));
                QStringList heldOut;
                for (const QJsonValue item : QJsonDocument::fromJson(splitFile.readAll()).array())
                    if (item["part"].toString() == QLatin1String("test")) heldOut << item["file"].toString();
                QVERIFY(!heldOut.isEmpty());
                const auto exported = ExportedModel::load(dir + "/model").scoreFiles(heldOut);
                QCOMPARE(exported.size(), size_t(heldOut.size()));
                for (const auto& p : exported) {
                    QVERIFY(stored.contains(idOfFile.value(p.file)));
                    const ImageScore& s = stored[idOfFile.value(p.file)];
                    QCOMPARE(size_t(s.probabilities.size()), p.probabilities.size());
                    QCOMPARE(size_t(s.embedding.size()), p.embedding.size());
                    QVERIFY(!p.embedding.empty());
                    for (size_t k = 0; k < p.probabilities.size(); ++k)
                        largest = std::max(largest, double(std::abs(s.probabilities[qsizetype(k)] - p.probabilities[k])));
                    for (size_t k = 0; k < p.embedding.size(); ++k)
                        largestInEmbedding =
                            std::max(largestInEmbedding, double(std::abs(s.embedding[qsizetype(k)] - p.embedding[k])));
                    ++compared;
                }
            }
            qInfo("%s: largest difference, stored vs the fold's exported model: probabilities %g, embeddings %g",
                  qPrintable(fit), largest, largestInEmbedding);
            QCOMPARE(compared, 150); // every face held out once
            QVERIFY(largest < 1e-5);
            QVERIFY(largestInEmbedding < 1e-4);
        }

        // Gradient-trained folds distilling from the model: the teacher labels each training face
        // once for all folds (faces in some fold's training part), the held-out faces are scored by
        // the exported fold models, and the pretrained model is not asked for anything else.
        TrainingConfig teaching = smallConfig();
        teaching.distillFrom = QStringLiteral("emotion");
        teaching.auxiliaryClasses = false;
        const OutOfFoldRequest distilled = foldRequest(teaching, "folds-distilled");
        const OutOfFoldOutcome outcome = runOutOfFold(catalogue, distilled);
        QCOMPARE(outcome.scored, 150);
        QCOMPARE(outcome.facesDecoded, 150);
        QCOMPARE(outcome.facesScoredByPretrainedModel, 0);
        QSet<QString> trainedOn;
        for (int f = 1; f <= distilled.folds; ++f) {
            QFile splitFile(QStringLiteral("%1/fold-%2/split.json").arg(distilled.workDir).arg(f));
            QVERIFY(splitFile.open(QIODevice::ReadOnly));
            for (const QJsonValue item : QJsonDocument::fromJson(splitFile.readAll()).array())
                if (item["part"].toString() == QLatin1String("train")) trainedOn.insert(item["file"].toString());
        }
        qInfo("distilled folds: %d faces labelled by the teacher, %d in some fold's training part",
              outcome.facesLabelledByTeacher, int(trainedOn.size()));
        QVERIFY(trainedOn.size() > 100);
        QCOMPARE(outcome.facesLabelledByTeacher, int(trainedOn.size()));
        qputenv("EXEMPLAR_MODELS_DIR", saved);

        // Test-only faces must be other people than the rest: a person on both sides is refused.
        TrainingData mixed = data_;
        mixed.testOnly.assign(mixed.samples.size(), false);
        mixed.testOnly[0] = true;
        QCOMPARE(mixed.samples[1].identity, mixed.samples[0].identity);
        const TrainingResult refused = TrainingJob(mixed, smallConfig(), tmp_.filePath("run-mixed")).run();
        QCOMPARE(QString::fromLatin1(statusName(refused.status)), QStringLiteral("failed"));
        QVERIFY2(refused.error.contains(mixed.samples[0].identity) && refused.error.contains("test-only"),
                 qPrintable(refused.error));
    }

    void missingModelsSayWhereAndHow()
    {
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR");
        const QString empty = tmp_.filePath("no-models");
        QDir().mkpath(empty);
        qputenv("EXEMPLAR_MODELS_DIR", empty.toUtf8());
        qputenv("XDG_DATA_HOME", empty.toUtf8());
        TrainingConfig c = smallConfig();
        c.backbone = QStringLiteral("emotion");
        const TrainingResult r = TrainingJob(data_, c, tmp_.filePath("run-missing")).run();
        QCOMPARE(QString::fromLatin1(statusName(r.status)), QStringLiteral("failed"));
        QVERIFY2(r.error.contains(empty) && r.error.contains("fetch-models.sh"), qPrintable(r.error));

        for (const QStringList& args :
             {QStringList{"baseline", "--catalog", tmp_.filePath("none.exemplar"), "--task", "expression"},
              QStringList{"train", "--catalog", tmp_.filePath("none.exemplar"), "--task", "expression", "--out",
                          tmp_.filePath("cli-run"), "--backbone", "gender"}}) {
            QProcess cli;
            cli.start(test::cliPath(), args);
            QVERIFY(cli.waitForFinished(60000));
            const QString err = QString::fromUtf8(cli.readAllStandardError());
            QVERIFY2(cli.exitCode() != 0, qPrintable(err));
            QVERIFY2(err.contains("not installed") && err.contains(empty) && err.contains("fetch-models.sh"),
                     qPrintable(err));
        }
        qputenv("EXEMPLAR_MODELS_DIR", saved);
        qunsetenv("XDG_DATA_HOME");
    }
};

QTEST_GUILESS_MAIN(TestBackboneTraining)
#include "test_backbone_training.moc"
