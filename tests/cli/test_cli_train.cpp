// exemplar-cli train/predict end to end on generated faces: Ctrl-C stops a training run cleanly
// (recorded as cancelled, catalogue intact), the same command resumes from the checkpoint, and the
// exported model answers `predict` without the catalogue.
#include "core/catalogue/Catalogue.h"
#include "tests/learning/SyntheticFaces.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace exemplar;

using test::CliResult;
using test::runCli;

class TestCliTrain : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString catalog_;
    QStringList images_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        // Smiles are "happiness", frowns "sadness"; identities keep a person on one side of the split.
        const auto faces = test::writeSyntheticFaces(tmp_.filePath(QStringLiteral("images")), 150, 99);
        QByteArray csv = "file,expression,identity\n";
        for (const auto& s : faces.samples) {
            csv += QFileInfo(s.path).fileName().toUtf8() + (s.label == 0 ? ",happiness," : ",sadness,")
                   + s.identity.toUtf8() + '\n';
            images_ << s.path;
        }
        test::writeTextFile(tmp_.filePath(QStringLiteral("labels.csv")), csv);
        catalog_ = tmp_.filePath(QStringLiteral("faces.exemplar"));
        const CliResult r = runCli({QStringLiteral("import"), QStringLiteral("--catalog"), catalog_,
                                 QStringLiteral("--images"), tmp_.filePath(QStringLiteral("images")),
                                 QStringLiteral("--labels"), tmp_.filePath(QStringLiteral("labels.csv"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    }

    void ctrlCCancelsAndTheSameCommandResumes()
    {
        const QString work = tmp_.filePath(QStringLiteral("run"));
        auto trainArgs = [&](int epochs) {
            return QStringList{QStringLiteral("train"), QStringLiteral("--catalog"), catalog_,
                               QStringLiteral("--task"), QStringLiteral("expression"),
                               QStringLiteral("--classes"), QStringLiteral("happiness,sadness"),
                               QStringLiteral("--out"), work, QStringLiteral("--size"), QStringLiteral("32"),
                               QStringLiteral("--epochs"), QString::number(epochs), QStringLiteral("--seed"),
                               QStringLiteral("5"), QStringLiteral("--json")};
        };
        QProcess p;
        p.start(test::cliPath(), trainArgs(500));
        QVERIFY(p.waitForStarted());
        // Interrupt after two finished epochs, i.e. with a checkpoint on disk and far from the end.
        QByteArray err;
        QElapsedTimer timer;
        timer.start();
        while (!err.contains("epoch 2/500") && timer.elapsed() < 240000 && p.state() == QProcess::Running) {
            p.waitForReadyRead(200);
            err += p.readAllStandardError();
        }
        QVERIFY2(err.contains("epoch 2/500"), err.right(2000).constData());
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains("Cancelled after epoch"), err.right(2000).constData());
        const QJsonObject cancelled = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(cancelled[QStringLiteral("status")].toString(), QStringLiteral("cancelled"));
        const int epochsDone = cancelled[QStringLiteral("epochs_run")].toInt();
        QVERIFY2(epochsDone >= 2 && epochsDone < 500, qPrintable(QString::number(epochsDone)));
        {
            const Catalogue cat = Catalogue::open(catalog_, Catalogue::OpenMode::ReadOnly);
            const auto run = cat.run(qint64(cancelled[QStringLiteral("run_id")].toInt()));
            QVERIFY(run.has_value());
            QCOMPARE(run->status, QStringLiteral("cancelled"));
            QCOMPARE(int(cat.epochs(run->id).size()), epochsDone);
            QCOMPARE(cat.imageCount(), int(images_.size()));
        }
        const CliResult check = runCli({QStringLiteral("check"), QStringLiteral("--catalog"), catalog_});
        QVERIFY2(check.exitCode == 0, qPrintable(check.describe()));

        // The same command (with a nearer end) carries on from the checkpoint instead of starting over.
        const CliResult resumed = runCli(trainArgs(epochsDone + 2));
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.describe()));
        const QJsonObject done = resumed.json();
        QVERIFY(done[QStringLiteral("resumed")].toBool());
        QCOMPARE(done[QStringLiteral("status")].toString(), QStringLiteral("finished"));
        QCOMPARE(done[QStringLiteral("epochs_run")].toInt(), epochsDone + 2);

        // The exported model classifies files on its own (no catalogue).
        const QString modelDir = done[QStringLiteral("model_dir")].toString();
        const CliResult predicted = runCli({QStringLiteral("predict"), QStringLiteral("--model"), modelDir,
                                         images_[0], images_[1], QStringLiteral("--json")});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.describe()));
        const QJsonDocument doc = QJsonDocument::fromJson(predicted.out);
        const QJsonArray rows = doc.isArray() ? doc.array() : doc.object()[QStringLiteral("predictions")].toArray();
        QCOMPARE(rows.size(), 2);
        for (const auto& row : rows) {
            const QString cls = row.toObject()[QStringLiteral("class")].toString();
            QVERIFY2(cls == QStringLiteral("happiness") || cls == QStringLiteral("sadness"),
                     QJsonDocument(row.toObject()).toJson().constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
