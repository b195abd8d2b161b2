// Training from a catalogue: the dataset follows the task's labels, and a run is recorded with
// its config, split, epochs, test metrics, predictions and model path. Also drives exemplar-cli
// train / predict / eval end to end when the CLI is built.
#include "SyntheticFaces.h"
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/ExportedModel.h"
#include "tests/support/TestSupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace exemplar;
using namespace exemplar::learning;

class TestCatalogueTraining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString catalogPath_;
    TrainingData faces_;

    TrainingConfig smallConfig() const
    {
        TrainingConfig c;
        c.imageSize = 32;
        c.width = 8;
        c.depth = 3;
        c.epochs = 6;
        c.batchSize = 32;
        c.learningRate = 3e-3;
        c.patience = 0;
        c.validationFraction = 0.2;
        c.testFraction = 0.2;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        faces_ = test::writeSyntheticFaces(tmp_.filePath("faces"), 240, 99);
        catalogPath_ = tmp_.filePath("faces.exemplar");
        Catalogue c = Catalogue::open(catalogPath_);
        const qint64 root = c.ensureRoot(tmp_.filePath("faces"));
        std::vector<NewImage> images;
        for (const auto& s : faces_.samples) {
            QFile f(s.path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            NewImage n;
            n.rootId = root;
            n.relativePath = QFileInfo(s.path).fileName();
            n.contentHash = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
            n.width = n.height = 72;
            n.identity = s.identity;
            images.push_back(n);
        }
        const auto added = c.addImages(images);
        const TaskInfo task = c.ensureTask("mouth", {"smile", "frown", "neutral"});
        QVector<LabelEdit> edits;
        for (size_t i = 0; i < added.size(); ++i) {
            LabelEdit e;
            e.imageId = added[i].imageId;
            e.taskId = task.id;
            e.classId = task.classes[faces_.samples[i].label].id;
            e.exemplar = i % 4 == 0;
            edits << e;
        }
        c.applyLabelEdits(edits, "synthetic labels");
    }

    void datasetFollowsTheCatalogue()
    {
        const Catalogue c = Catalogue::open(catalogPath_, Catalogue::OpenMode::MustExist);
        // "neutral" has no images: left out when all classes are asked for, an error when named.
        const CatalogueDataset all = trainingDataFromCatalogue(c, {"mouth", {}, false});
        QCOMPARE(all.data.classNames, (QStringList{"smile", "frown"}));
        QCOMPARE(int(all.data.samples.size()), 240);
        QCOMPARE(all.counts[0] + all.counts[1], 240);
        for (const auto& s : all.data.samples) {
            QVERIFY(QFileInfo::exists(s.path));
            QVERIFY(s.imageId > 0);
            QVERIFY(s.identity.startsWith("person"));
        }
        const CatalogueDataset reversed = trainingDataFromCatalogue(c, {"mouth", {"frown", "smile"}, false});
        QCOMPARE(reversed.data.classNames, (QStringList{"frown", "smile"}));
        QCOMPARE(reversed.counts[0], all.counts[1]);
        const CatalogueDataset exemplars = trainingDataFromCatalogue(c, {"mouth", {}, true});
        QCOMPARE(int(exemplars.data.samples.size()), 60);
        QVERIFY_THROWS_EXCEPTION(Error, trainingDataFromCatalogue(c, {"mouth", {"smile", "neutral"}, false}));
        QVERIFY_THROWS_EXCEPTION(Error, trainingDataFromCatalogue(c, {"mouth", {"smile", "grin"}, false}));
        QVERIFY_THROWS_EXCEPTION(Error, trainingDataFromCatalogue(c, {"age", {}, false}));
    }

    // With auxiliary classes, the task's other classes' images come after the chosen ones'.
    void auxiliaryClassesComeFromTheTask()
    {
        Catalogue c = Catalogue::open(catalogPath_, Catalogue::OpenMode::MustExist);
        const TaskInfo task = c.ensureTask("mouth-aux", {"smile", "frown", "neutral", "unused"});
        const CatalogueDataset plain = trainingDataFromCatalogue(c, {"mouth", {}, false});
        QVector<LabelEdit> edits;
        for (size_t i = 0; i < plain.data.samples.size(); ++i) {
            LabelEdit e;
            e.imageId = plain.data.samples[i].imageId;
            e.taskId = task.id;
            e.classId = task.classes[i % 5 == 0 ? 2 : plain.data.samples[i].label].id;
            edits << e;
        }
        c.applyLabelEdits(edits, "synthetic labels with neutral faces");
        const CatalogueDataset without = trainingDataFromCatalogue(c, {"mouth-aux", {"smile", "frown"}, false});
        QVERIFY(without.data.auxiliaryClassNames.isEmpty());
        QCOMPARE(int(without.data.samples.size()), 192);
        DatasetSelection selection{"mouth-aux", {"smile", "frown"}, false};
        selection.auxiliaryClasses = true;
        const CatalogueDataset with = trainingDataFromCatalogue(c, selection);
        QCOMPARE(with.data.classNames, (QStringList{"smile", "frown"}));
        QCOMPARE(with.data.auxiliaryClassNames, QStringList{"neutral"}); // "unused" has no images
        QCOMPARE(with.auxiliaryCounts, QVector<int>{48});
        QCOMPARE(with.counts, without.counts);
        QCOMPARE(int(with.data.samples.size()), 240);
        for (size_t i = 0; i < with.data.samples.size(); ++i) {
            // The chosen classes' samples first and unchanged, so the split of the task is too.
            if (i < without.data.samples.size()) QCOMPARE(with.data.samples[i].path, without.data.samples[i].path);
            else QCOMPARE(with.data.samples[i].label, 2);
        }
    }

    void runIsRecorded()
    {
        Catalogue c = Catalogue::open(catalogPath_, Catalogue::OpenMode::MustExist);
        const CatalogueDataset dataset = trainingDataFromCatalogue(c, {"mouth", {}, false});
        const QString work = tmp_.filePath("run-recorded");
        RunRecorder recorder(c, dataset, smallConfig(), work);
        TrainingCallbacks cb;
        cb.onEpoch = [&](const EpochProgress& e) { recorder.recordEpoch(e); };
        TrainingJob job(dataset.data, smallConfig(), work, cb);
        const TrainingResult result = job.run();
        QVERIFY2(result.status == TrainingStatus::Finished, qPrintable(result.error));
        recorder.finish(result);

        const auto run = c.run(recorder.runId());
        QVERIFY(run.has_value());
        QCOMPARE(run->status, QStringLiteral("finished"));
        QVERIFY(run->durationSeconds > 0);
        QCOMPARE(QFileInfo(run->modelPath), QFileInfo(result.modelDir));
        const QJsonObject metrics = QJsonDocument::fromJson(run->testMetricsJson.toUtf8()).object();
        QCOMPARE(metrics["balanced_accuracy"].toDouble(), result.test.balancedAccuracy);
        QVERIFY(metrics["confusion"].toObject()["matrix"].toArray().size() == 2);
        QCOMPARE(TrainingConfig::fromJson(QJsonDocument::fromJson(run->configJson.toUtf8()).object()).toJson(),
                 smallConfig().toJson());
        QVERIFY(run->softwareJson.contains("libtorch"));
        QCOMPARE(c.epochs(recorder.runId()).size(), 6);

        const auto split = c.runSplit(recorder.runId());
        QCOMPARE(split.size(), 240);
        QHash<QString, SplitPart> partOf;
        const auto images = c.images([&] { QVector<qint64> ids; for (const auto& s : split) ids << s.imageId; return ids; }());
        for (int i = 0; i < split.size(); ++i) {
            const auto it = partOf.constFind(images[i].identity);
            if (it != partOf.cend()) QVERIFY(*it == split[i].part);
            partOf.insert(images[i].identity, split[i].part);
        }
        const auto predictions = c.runPredictions(recorder.runId());
        QCOMPARE(predictions.size(), int(result.predictions.size()));
        int testCorrect = 0, testCount = 0;
        for (const auto& p : predictions) {
            QCOMPARE(p.probabilities.size(), 2);
            QVERIFY(p.trueClassId == dataset.classIds[0] || p.trueClassId == dataset.classIds[1]);
            if (p.part == SplitPart::Test) {
                ++testCount;
                testCorrect += p.trueClassId == p.predictedClassId;
            }
        }
        QCOMPARE(testCount, result.test.count);
        QCOMPARE(double(testCorrect) / testCount, result.test.accuracy);
    }

    void cliTrainPredictEval()
    {
        if (!QFileInfo::exists(test::cliPath())) QSKIP("exemplar-cli is not built");
        const QString work = tmp_.filePath("cli-run");
        const QString configFile = tmp_.filePath("config.json");
        TrainingConfig config = smallConfig();
        config.epochs = 12; // as in test_training: enough for the held-out identities
        test::writeTextFile(configFile, QJsonDocument(config.toJson()).toJson());
        QProcess train;
        train.start(test::cliPath(), {"train", "--catalog", catalogPath_, "--task", "mouth", "--classes",
                                      "smile,frown", "--out", work, "--config", configFile, "--json"});
        QVERIFY(train.waitForFinished(300000));
        QVERIFY2(train.exitCode() == 0, train.readAllStandardError().constData());
        const QJsonObject out = QJsonDocument::fromJson(train.readAllStandardOutput()).object();
        QCOMPARE(out["status"].toString(), QStringLiteral("finished"));
        const QString modelDir = out["model_dir"].toString();
        QVERIFY(QFileInfo::exists(modelDir + "/model.pt"));
        const double testBalanced = out["test"].toObject()["balanced_accuracy"].toDouble();
        // This test checks the wiring; test_training asserts the learning quality (>= 0.9).
        QVERIFY2(testBalanced > 0.7, qPrintable(QString::number(testBalanced)));
        {
            Catalogue c = Catalogue::open(catalogPath_, Catalogue::OpenMode::MustExist);
            const auto run = c.run(qint64(out["run_id"].toDouble()));
            QVERIFY(run && run->status == "finished");
        }

        QProcess predict;
        predict.start(test::cliPath(), {"predict", "--model", modelDir, "--json", faces_.samples[0].path,
                                        faces_.samples[1].path});
        QVERIFY(predict.waitForFinished(60000));
        QCOMPARE(predict.exitCode(), 0);
        const QJsonArray preds = QJsonDocument::fromJson(predict.readAllStandardOutput()).object()["predictions"].toArray();
        QCOMPARE(preds.size(), 2);
        QVERIFY(QStringList({"smile", "frown"}).contains(preds[0].toObject()["class"].toString()));

        // eval on a labels CSV: rows with another label are counted, not evaluated.
        QByteArray csv = "file,mouth,identity\n";
        for (const auto& s : faces_.samples)
            csv += QFileInfo(s.path).fileName().toUtf8() + "," + faces_.classNames[s.label].toUtf8() + "," + s.identity.toUtf8() + "\n";
        csv += "face_0000.png,yawn,x\n";
        test::writeTextFile(tmp_.filePath("labels.csv"), csv);
        QProcess eval;
        eval.start(test::cliPath(), {"eval", "--model", modelDir, "--images", tmp_.filePath("faces"), "--labels",
                                     tmp_.filePath("labels.csv"), "--task", "mouth", "--json"});
        QVERIFY(eval.waitForFinished(120000));
        QVERIFY2(eval.exitCode() == 0, eval.readAllStandardError().constData());
        const QJsonObject m = QJsonDocument::fromJson(eval.readAllStandardOutput()).object();
        QCOMPARE(m["count"].toInt(), 240);
        QCOMPARE(m["left_out"].toObject()["not_a_model_class"].toInt(), 1);
        QVERIFY2(m["balanced_accuracy"].toDouble() > 0.7, qPrintable(QString::number(m["balanced_accuracy"].toDouble())));
        for (const char* key : {"accuracy", "balanced_accuracy", "macro_f1", "per_class", "confusion"})
            QVERIFY2(m.contains(key), key);
        // The identity column makes the interval resample people, not faces.
        QSet<QString> people;
        for (const auto& s : faces_.samples) people.insert(s.identity);
        QVERIFY(people.size() > 2 && people.size() < 240);
        const QJsonObject interval = m["balanced_accuracy_interval"].toObject();
        QCOMPARE(interval["people"].toInt(), int(people.size()));
        QVERIFY(!interval.contains("people_unknown"));
        QVERIFY(interval["low"].toDouble() <= m["balanced_accuracy"].toDouble());
        QVERIFY(interval["high"].toDouble() >= m["balanced_accuracy"].toDouble());

        // Without identities each face is resampled alone, and the text says so.
        QByteArray anonymous = "file,mouth\n";
        for (const auto& s : faces_.samples)
            anonymous += QFileInfo(s.path).fileName().toUtf8() + "," + faces_.classNames[s.label].toUtf8() + "\n";
        test::writeTextFile(tmp_.filePath("anonymous.csv"), anonymous);
        QProcess evalText;
        evalText.start(test::cliPath(), {"eval", "--model", modelDir, "--images", tmp_.filePath("faces"), "--labels",
                                         tmp_.filePath("anonymous.csv"), "--task", "mouth"});
        QVERIFY(evalText.waitForFinished(120000));
        QVERIFY2(evalText.exitCode() == 0, evalText.readAllStandardError().constData());
        const QString text = QString::fromUtf8(evalText.readAllStandardOutput());
        QVERIFY2(text.contains(QRegularExpression(
                     R"(balanced accuracy [01]\.\d{3} \(95% interval [01]\.\d{3}-[01]\.\d{3} over 240 faces, people unknown \(each face counted alone\)\))")),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(R"(smile\s+[01]\.\d{3}\s+[01]\.\d{3})")), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestCatalogueTraining)
#include "test_catalogue_training.moc"
