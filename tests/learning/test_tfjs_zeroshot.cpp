// The zero-shot baseline: class mapping by name, and an evaluation that uses exactly the split
// training would use, reports undecodable files, and only classifies held-out images.
#include "core/catalogue/Catalogue.h"
#include "core/learning/Split.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/learning/tfjs/ZeroShotRun.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace exemplar;
using namespace exemplar::learning;

class TestTfjsZeroShot : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mapsClassesByNameAndSynonym()
    {
        const QStringList task{QStringLiteral("Happiness"), QStringLiteral("sadness"), QStringLiteral("contempt"),
                               QStringLiteral("anger"), QStringLiteral("surprise")};
        // angry disgust fear happy sad surprise neutral
        QCOMPARE(mapPretrainedClasses(QStringLiteral("emotion"), task), (std::vector<int>{3, -1, -1, 0, 1, 4, -1}));
        QCOMPARE(mapPretrainedClasses(QStringLiteral("gender"), {QStringLiteral("male"), QStringLiteral("female")}),
                 (std::vector<int>{1, 0}));
        bool threw = false;
        try {
            pretrainedModelClasses(QStringLiteral("vgg"));
        } catch (const Error& e) {
            threw = e.message().contains(QStringLiteral("unknown"));
        }
        QVERIFY(threw);
    }

    void refusesTasksTheModelCannotAnswer()
    {
        TrainingData data;
        data.classNames = {QStringLiteral("happiness"), QStringLiteral("contempt")};
        QString error;
        try {
            ZeroShotOptions options;
            options.modelJson = QStringLiteral("/nonexistent/emotion.json"); // must not get that far
            evaluateZeroShot(data, TrainingConfig{}, options);
        } catch (const Error& e) {
            error = e.message();
        }
        QVERIFY2(error.contains(QStringLiteral("at least two")), qPrintable(error));
    }

    void evaluatesHeldOutImagesOfTheTrainingSplit()
    {
        const QString model = findPretrainedModel(QStringLiteral("emotion"));
        if (model.isEmpty()) QSKIP(qPrintable(pretrainedModelsHowTo()));
        QTemporaryDir dir;
        TrainingData data;
        data.task = QStringLiteral("expression");
        data.classNames = {QStringLiteral("happiness"), QStringLiteral("sadness"), QStringLiteral("surprise")};
        for (int i = 0; i < 60; ++i) {
            const QString file = dir.path() + QStringLiteral("/%1.jpg").arg(i);
            exemplar::test::writeSyntheticImage(file, 70 + i % 5, 64, i);
            data.samples.push_back({file, i % 3, QStringLiteral("person%1").arg(i / 2), 0});
        }
        const QString broken = dir.path() + QStringLiteral("/broken.jpg");
        exemplar::test::writeTextFile(broken, "not a jpeg");
        data.samples.push_back({broken, 0, QStringLiteral("someone"), 0});

        TrainingConfig config;
        config.seed = 7;
        config.validationFraction = 0.2;
        config.testFraction = 0.3;
        const TrainingResult r = evaluateZeroShot(data, config);
        QCOMPARE(r.status, TrainingStatus::Finished);
        QCOMPARE(r.modelDir, model);
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].file, broken);
        QVERIFY(!r.usable.back());

        // The split is the one training computes over the decodable samples.
        const std::vector<TrainingSample> usable(data.samples.begin(), data.samples.end() - 1);
        const std::vector<SplitPart> expected = splitByIdentity(usable, 3, {0.2, 0.3}, 7);
        int test = 0, validation = 0;
        for (size_t i = 0; i < usable.size(); ++i) {
            QCOMPARE(r.split[i], expected[i]);
            test += expected[i] == SplitPart::Test;
            validation += expected[i] == SplitPart::Validation;
        }
        QCOMPARE(r.test.count, test);
        QCOMPARE(r.validation.count, validation);
        QCOMPARE(int(r.predictions.size()), test + validation);
        for (const SamplePrediction& p : r.predictions) {
            QVERIFY(r.split[size_t(p.sample)] != SplitPart::Train);
            QCOMPARE(p.part, r.split[size_t(p.sample)]);
            QCOMPARE(p.truth, data.samples[size_t(p.sample)].label);
            double sum = 0;
            for (float v : p.probabilities) sum += v;
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
            QCOMPARE(p.predicted, int(std::max_element(p.probabilities.begin(), p.probabilities.end()) -
                                      p.probabilities.begin()));
        }
    }
    void recordsTheBaselineAsARun()
    {
        if (findPretrainedModel(QStringLiteral("emotion")).isEmpty()) QSKIP(qPrintable(pretrainedModelsHowTo()));
        QTemporaryDir dir;
        Catalogue c = Catalogue::open(dir.filePath(QStringLiteral("faces.exemplar")));
        const qint64 root = c.ensureRoot(dir.path());
        std::vector<NewImage> images;
        for (int i = 0; i < 40; ++i) {
            const QString file = dir.filePath(QStringLiteral("%1.png").arg(i));
            exemplar::test::writeSyntheticImage(file, 64, 64, 100 + i);
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            NewImage n;
            n.rootId = root;
            n.relativePath = QFileInfo(file).fileName();
            n.contentHash = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
            n.width = n.height = 64;
            n.identity = QStringLiteral("person%1").arg(i / 2);
            images.push_back(n);
        }
        const auto added = c.addImages(images);
        const TaskInfo task = c.ensureTask(QStringLiteral("expression"), {QStringLiteral("happiness"), QStringLiteral("sadness")});
        QVector<LabelEdit> edits;
        for (size_t i = 0; i < added.size(); ++i) {
            LabelEdit e;
            e.imageId = added[i].imageId;
            e.taskId = task.id;
            e.classId = task.classes[int(i % 2)].id;
            edits << e;
        }
        c.applyLabelEdits(edits, QStringLiteral("synthetic labels"));

        const CatalogueDataset dataset = trainingDataFromCatalogue(c, {QStringLiteral("expression"), {}, false});
        TrainingConfig config;
        config.validationFraction = 0.25;
        config.testFraction = 0.25;
        const qint64 runId = recordZeroShotRun(c, dataset, config);
        const std::optional<RunRecord> run = c.run(runId);
        QVERIFY(run);
        QCOMPARE(run->status, QStringLiteral("finished"));
        QVERIFY2(run->name.contains(QStringLiteral("zero-shot emotion")), qPrintable(run->name));
        QCOMPARE(run->modelPath, findPretrainedModel(QStringLiteral("emotion")));
        // Recorded as what it is: the model and its input, nothing fitted, the caller's split.
        const QJsonObject recorded = QJsonDocument::fromJson(run->configJson.toUtf8()).object();
        QVERIFY(isZeroShotRun(recorded));
        QCOMPARE(recorded["backbone"].toString(), QStringLiteral("emotion"));
        QCOMPARE(recorded["image_size"].toInt(), 64);
        QCOMPARE(recorded["grayscale"].toBool(), true);
        QCOMPARE(recorded["test_fraction"].toDouble(), 0.25);
        QCOMPARE(networkLabel(recorded), QStringLiteral("emotion zero-shot"));
        QCOMPARE(plannedEpochs(recorded), 0);
        QVERIFY(!isZeroShotRun(config.toJson()));
        const QJsonObject metrics = QJsonDocument::fromJson(run->testMetricsJson.toUtf8()).object();
        QVERIFY(metrics.contains(QStringLiteral("balanced_accuracy")));
        // 20 people (two faces each): the interval is over the test part's people.
        QVERIFY(metrics["balanced_accuracy_interval"].toObject()["people"].toInt() >= 2);
        QVERIFY(metrics["balanced_accuracy_interval"].toObject()["people"].toInt() <= 20);
        QCOMPARE(c.runSplit(runId).size(), 40);
        int heldOut = 0;
        for (const SplitAssignment& a : c.runSplit(runId)) heldOut += a.part != SplitPart::Train;
        QCOMPARE(c.runPredictions(runId).size(), heldOut);
        QCOMPARE(metrics.value(QStringLiteral("count")).toInt(), c.runPredictions(runId).size() -
                     metrics.value(QStringLiteral("validation")).toObject().value(QStringLiteral("count")).toInt());
    }
};

QTEST_GUILESS_MAIN(TestTfjsZeroShot)
#include "test_tfjs_zeroshot.moc"
