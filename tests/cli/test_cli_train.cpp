// exemplar-cli train/predict end to end on generated faces: Ctrl-C stops a training run cleanly
// (recorded as cancelled, catalogue intact), the same command resumes from the checkpoint, and the
// exported model answers `predict` without the catalogue.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/ScoreStore.h"
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
#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace exemplar;

using test::CliResult;
using test::runCli;

namespace {

struct TerminalRun {
    int exitCode = -1;
    QByteArray out;      // stdout, a file
    QByteArray terminal; // what stderr drew on a pseudo-terminal
};

// Runs exemplar-cli with stderr on a pseudo-terminal (as when a user watches it) and stdout into a
// file (as when a script reads --json), to see what each gets.
TerminalRun runWithTerminalStderr(const QStringList& args, const QString& outFile)
{
    TerminalRun run;
    const int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return run;
    const QByteArray terminalName = ptsname(master);
    std::vector<QByteArray> argBytes{QFile::encodeName(test::cliPath())};
    for (const QString& a : args) argBytes.push_back(a.toLocal8Bit());
    std::vector<char*> argv;
    for (QByteArray& a : argBytes) argv.push_back(a.data());
    argv.push_back(nullptr);
    const QByteArray outPath = QFile::encodeName(outFile);
    const pid_t pid = fork();
    if (pid == 0) {
        const int terminal = open(terminalName.constData(), O_RDWR | O_NOCTTY);
        const int out = open(outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, STDOUT_FILENO);
        dup2(terminal, STDERR_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    QElapsedTimer timer;
    timer.start();
    char buffer[4096];
    while (timer.elapsed() < 120000) { // read until the child's side of the terminal closes
        pollfd fd{master, POLLIN, 0};
        if (poll(&fd, 1, 200) <= 0) continue;
        const ssize_t n = read(master, buffer, sizeof buffer);
        if (n <= 0) break;
        run.terminal.append(buffer, qsizetype(n));
    }
    int status = 0;
    if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
    close(master);
    QFile f(outFile);
    if (f.open(QIODevice::ReadOnly)) run.out = f.readAll();
    return run;
}

} // namespace

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

    // A tiny run trained by the CLI; eval, predict and score take its folder for --model; a model
    // that cannot beat chance says so; confusion columns are labelled; progress only on a terminal.
    void runFolderAsModelChanceAndProgress()
    {
        const QString work = tmp_.filePath(QStringLiteral("tiny-run"));
        const CliResult trained = runCli({QStringLiteral("train"), QStringLiteral("--catalog"), catalog_,
                                          QStringLiteral("--task"), QStringLiteral("expression"), QStringLiteral("--classes"),
                                          QStringLiteral("happiness,sadness"), QStringLiteral("--out"), work,
                                          QStringLiteral("--size"), QStringLiteral("32"), QStringLiteral("--epochs"),
                                          QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1"),
                                          QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.describe()));
        QVERIFY2(trained.err.contains(" on 1 thread\n") && !trained.err.contains("1 threads"), trained.err.constData());
        QVERIFY2(trained.out.contains("Test:       accuracy"), trained.out.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("rows: true class, columns: predicted class\\)\n +true \\\\ predicted +happiness +sadness\n +happiness( +\\d+){2}\n +sadness( +\\d+){2}\n"))
                     .match(QString::fromUtf8(trained.out)).hasMatch(),
                 trained.out.constData());

        const QString labels = tmp_.filePath(QStringLiteral("labels.csv")), images = tmp_.filePath(QStringLiteral("images"));
        const QStringList evalArgs{QStringLiteral("eval"), QStringLiteral("--model"), work, QStringLiteral("--images"), images};
        CliResult evaluated = runCli(evalArgs + QStringList{QStringLiteral("--labels"), labels, QStringLiteral("--json")});
        QVERIFY2(evaluated.exitCode == 0, qPrintable(evaluated.describe()));
        QCOMPARE(evaluated.json()[QStringLiteral("model")].toString(), QDir(work).absoluteFilePath(QStringLiteral("model")));
        QCOMPARE(evaluated.json()[QStringLiteral("count")].toInt(), int(images_.size()));
        QVERIFY(evaluated.json()[QStringLiteral("above_chance")].isBool());
        QVERIFY2(!evaluated.err.contains("Evaluating ["), evaluated.err.constData()); // no terminal, no progress

        const CliResult predicted = runCli({QStringLiteral("predict"), QStringLiteral("--model"), work, images_[0]});
        QVERIFY2(predicted.exitCode == 0 && predicted.out.startsWith(images_[0].toUtf8() + '\t'), qPrintable(predicted.describe()));

        // A folder without a model: both places looked at are named.
        const QString empty = tmp_.filePath(QStringLiteral("no-model"));
        QVERIFY(QDir().mkpath(empty));
        for (const QStringList& args :
             {QStringList{QStringLiteral("eval"), QStringLiteral("--images"), images, QStringLiteral("--labels"), labels},
              QStringList{QStringLiteral("predict"), images_[0]}}) {
            const CliResult r = runCli(args + QStringList{QStringLiteral("--model"), empty});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains((empty + QStringLiteral("/model.json")).toUtf8())
                         && r.err.contains((empty + QStringLiteral("/model/model.json")).toUtf8()),
                     r.err.constData());
        }

        // score takes the run folder too, and knows the run it came from.
        const CliResult scored = runCli({QStringLiteral("score"), QStringLiteral("--catalog"), catalog_,
                                         QStringLiteral("--model"), work, QStringLiteral("--json")});
        QVERIFY2(scored.exitCode == 0, qPrintable(scored.describe()));
        QVERIFY2(scored.json().contains(QStringLiteral("run_id")), scored.out.constData());

        // Labels the model cannot beat chance on: within the faces it calls each class, half are
        // labelled one class and half the other, so each class's recall is what the other's is not.
        QHash<int, QStringList> filesPredictedAs;
        {
            const Catalogue cat = Catalogue::open(catalog_, Catalogue::OpenMode::ReadOnly);
            const ScoreStore store(cat);
            const auto scores = store.scores(qint64(scored.json()[QStringLiteral("scoring_id")].toInteger()));
            QVector<qint64> ids;
            for (const auto& sc : scores) ids << sc.imageId;
            const auto records = cat.images(ids);
            for (int i = 0; i < scores.size(); ++i) {
                const auto& p = scores[i].probabilities;
                filesPredictedAs[int(std::max_element(p.begin(), p.end()) - p.begin())] << records[i].absolutePath;
            }
        }
        QByteArray csv = "file,expression,identity\n";
        for (QStringList files : filesPredictedAs) {
            if (files.size() % 2) files.removeLast();
            for (int i = 0; i < files.size(); ++i)
                csv += QFileInfo(files[i]).fileName().toUtf8() + (i % 2 ? ",sadness," : ",happiness,") + "person"
                       + QByteArray::number(i % 12) + '\n';
        }
        const QString chanceLabels = tmp_.filePath(QStringLiteral("chance-labels.csv"));
        test::writeTextFile(chanceLabels, csv);
        evaluated = runCli(evalArgs + QStringList{QStringLiteral("--labels"), chanceLabels, QStringLiteral("--json")});
        QVERIFY2(evaluated.exitCode == 0, qPrintable(evaluated.describe()));
        QCOMPARE(evaluated.json()[QStringLiteral("balanced_accuracy")].toDouble(), 0.5);
        QCOMPARE(evaluated.json()[QStringLiteral("above_chance")].toBool(), false);
        evaluated = runCli(evalArgs + QStringList{QStringLiteral("--labels"), chanceLabels});
        QVERIFY2(evaluated.exitCode == 0, qPrintable(evaluated.describe()));
        const QStringList lines = QString::fromUtf8(evaluated.out).split(QLatin1Char('\n'));
        QVERIFY2(lines.size() > 2 && lines[0].startsWith(QStringLiteral("accuracy "))
                     && lines[1].startsWith(QStringLiteral("not above chance: the 95% interval "))
                     && lines[1].endsWith(QStringLiteral("includes 0.500 (1 of 2 classes)")),
                 evaluated.out.constData());

        // On a terminal: a progress line with count and rate on stderr; stdout holds only the JSON.
        const TerminalRun watched = runWithTerminalStderr(
            evalArgs + QStringList{QStringLiteral("--labels"), labels, QStringLiteral("--json")},
            tmp_.filePath(QStringLiteral("eval-out.json")));
        QCOMPARE(watched.exitCode, 0);
        QJsonParseError parseError;
        QVERIFY2(QJsonDocument::fromJson(watched.out, &parseError).isObject(), watched.out.constData());
        QVERIFY2(QRegularExpression(QStringLiteral("Evaluating \\[[#.]+\\] \\d+/%1 faces, [0-9.]+ faces/s")
                                        .arg(images_.size()))
                     .match(QString::fromUtf8(watched.terminal)).hasMatch(),
                 watched.terminal.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
