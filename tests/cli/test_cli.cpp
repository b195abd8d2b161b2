// exemplar-cli end to end: runs the built executable on generated data and asserts on its output
// and on the catalogue afterwards.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/FaceStore.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace exemplar;

namespace {

// images/<name>.jpg for each name, plus labels.csv with expression and identity columns.
void makeDataset(const QString& dir, int count)
{
    QByteArray csv = "file,expression,identity,labeler\n";
    const char* classes[] = {"neutral", "happiness", "sadness"};
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("face%1.jpg").arg(i, 3, 10, QLatin1Char('0'));
        test::writeSyntheticImage(dir + QStringLiteral("/images/") + name, 48, 48, i);
        csv += name.toUtf8() + ',' + classes[i % 3] + ",person" + QByteArray::number(i % 4) + ",lab1\n";
    }
    test::writeTextFile(dir + QStringLiteral("/labels.csv"), csv);
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usageErrors();
    void importStatsAndReimport();
    void labelByFile();
    void exportEscapesFormulas();
    void checkReportsMissingFiles();
    void refusesDamagedCatalogueUntouched();
    void ctrlCStopsImportSafely();
    void detectFacesChecksImportedImages();
    void everyHelpStartsWithUsage();
};

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(test::cliPath()).isExecutable(), qPrintable(test::cliPath() + QStringLiteral(" is not built")));
}

void TestCli::usageErrors()
{
    QCOMPARE(test::runCli({}).exitCode, 64);
    QCOMPARE(test::runCli({QStringLiteral("no-such-command")}).exitCode, 64);
    const test::CliResult r = test::runCli({QStringLiteral("stats")});
    QCOMPARE(r.exitCode, 64);
    QVERIFY(r.err.contains("--catalog"));
    const test::CliResult missing = test::runCli({QStringLiteral("stats"), QStringLiteral("--catalog"), QStringLiteral("/nonexistent/x.exemplar")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("/nonexistent/x.exemplar"), missing.err.constData());
}

void TestCli::importStatsAndReimport()
{
    QTemporaryDir dir;
    makeDataset(dir.path(), 12);
    test::writeTextFile(dir.filePath(QStringLiteral("images/broken.jpg")), QByteArray("\xff\xd8\xff\xe0 not really a jpeg"));
    const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
    const QStringList importArgs{QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"),
                                 dir.filePath(QStringLiteral("images")), QStringLiteral("--labels"),
                                 dir.filePath(QStringLiteral("labels.csv")), QStringLiteral("--json")};
    test::CliResult r = test::runCli(importArgs);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QJsonObject j = r.json();
    QCOMPARE(j[QStringLiteral("images")].toObject()[QStringLiteral("added")].toInt(), 12);
    QCOMPARE(j[QStringLiteral("images")].toObject()[QStringLiteral("skipped")].toInt(), 1);
    const QJsonArray issues = j[QStringLiteral("images")].toObject()[QStringLiteral("issues")].toArray();
    QCOMPARE(issues.size(), 1);
    QVERIFY(issues[0].toObject()[QStringLiteral("file")].toString().contains(QStringLiteral("broken.jpg")));
    QCOMPARE(j[QStringLiteral("labels")].toObject()[QStringLiteral("labelsSet")].toInt(), 12);

    r = test::runCli({QStringLiteral("stats"), QStringLiteral("--catalog"), cat, QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    j = r.json();
    QCOMPARE(j[QStringLiteral("images")].toInt(), 12);
    QCOMPARE(j[QStringLiteral("images_with_identity")].toInt(), 12);
    const QJsonObject task = j[QStringLiteral("tasks")].toArray()[0].toObject();
    QCOMPARE(task[QStringLiteral("name")].toString(), QStringLiteral("expression"));
    QCOMPARE(task[QStringLiteral("labelled")].toInt(), 12);
    for (const auto& c : task[QStringLiteral("classes")].toArray())
        QCOMPARE(c.toObject()[QStringLiteral("imported")].toInt(), 4);

    const test::CliResult text = test::runCli({QStringLiteral("stats"), QStringLiteral("--catalog"), cat});
    QVERIFY(text.out.contains("Task 'expression': 12 labelled, 0 unlabelled"));

    r = test::runCli(importArgs); // a re-run adds nothing new
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(r.json()[QStringLiteral("images")].toObject()[QStringLiteral("added")].toInt(), 0);
    QCOMPARE(Catalogue::open(cat, Catalogue::OpenMode::ReadOnly).imageCount(), 12);
}

void TestCli::labelByFile()
{
    QTemporaryDir dir;
    makeDataset(dir.path(), 6);
    const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
    QCOMPARE(test::runCli({QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"), dir.filePath(QStringLiteral("images")),
                     QStringLiteral("--labels"), dir.filePath(QStringLiteral("labels.csv"))}).exitCode, 0);
    test::CliResult r = test::runCli({QStringLiteral("label"), QStringLiteral("--catalog"), cat, QStringLiteral("--task"), QStringLiteral("expression"),
                       QStringLiteral("--class"), QStringLiteral("sadness"), QStringLiteral("--exemplar"), QStringLiteral("--author"), QStringLiteral("alice"),
                       QStringLiteral("face000.jpg"), dir.filePath(QStringLiteral("images/face001.jpg"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    {
        const Catalogue c = Catalogue::open(cat, Catalogue::OpenMode::ReadOnly);
        const TaskInfo t = *c.task(QStringLiteral("expression"));
        for (const ImageRecord& img : c.allImages()) {
            const auto l = c.label(img.id, t.id);
            if (img.fileName() == QLatin1String("face000.jpg") || img.fileName() == QLatin1String("face001.jpg")) {
                QCOMPARE(l->classId, t.classByName(QStringLiteral("sadness"))->id);
                QVERIFY(l->exemplar);
                QCOMPARE(l->provenance, Provenance::Curator);
                QCOMPARE(l->author, QStringLiteral("alice"));
            }
        }
    }
    r = test::runCli({QStringLiteral("label"), QStringLiteral("--catalog"), cat, QStringLiteral("--task"), QStringLiteral("expression"),
                QStringLiteral("--class"), QStringLiteral("nonsense"), QStringLiteral("face000.jpg")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("no class 'nonsense'"), r.err.constData());
    r = test::runCli({QStringLiteral("label"), QStringLiteral("--catalog"), cat, QStringLiteral("--task"), QStringLiteral("expression"),
                QStringLiteral("--clear"), QStringLiteral("face000.jpg"), QStringLiteral("not-there.jpg")});
    QCOMPARE(r.exitCode, 1); // one file unknown: reported, the known one still cleared
    QVERIFY(r.err.contains("not-there.jpg"));
    const Catalogue c = Catalogue::open(cat, Catalogue::OpenMode::ReadOnly);
    const auto id = c.findImages([] { ImageQuery q; q.fileNameContains = QStringLiteral("face000"); return q; }());
    QVERIFY(!c.label(id.front(), c.task(QStringLiteral("expression"))->id));
}

void TestCli::exportEscapesFormulas()
{
    QTemporaryDir dir;
    test::writeSyntheticImage(dir.filePath(QStringLiteral("images/a.jpg")), 40, 40, 1);
    test::writeSyntheticImage(dir.filePath(QStringLiteral("images/b.jpg")), 40, 40, 2);
    test::writeTextFile(dir.filePath(QStringLiteral("labels.csv")), "file,mood,identity\na.jpg,=HYPERLINK(\"x\"),@alice\nb.jpg,\"calm, mostly\",bob\n");
    const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
    test::CliResult r = test::runCli({QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"), dir.filePath(QStringLiteral("images")),
                       QStringLiteral("--labels"), dir.filePath(QStringLiteral("labels.csv"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString out = dir.filePath(QStringLiteral("export.csv"));
    r = test::runCli({QStringLiteral("export-labels"), QStringLiteral("--catalog"), cat, QStringLiteral("--out"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray csv = f.readAll();
    // After the #exemplar-labels record (tasks and classes, for import to read back) comes the table.
    QVERIFY2(csv.startsWith("\"#exemplar-labels ") && csv.contains("\nfile,folder,identity,mood,mood_exemplar,mood_provenance\n"),
             csv.constData());
    QVERIFY2(csv.contains("a.jpg,") && csv.contains(",'@alice,\"'=HYPERLINK(\"\"x\"\")\",0,imported\n"), csv.constData());
    QVERIFY2(csv.contains(",bob,\"calm, mostly\",0,imported\n"), csv.constData());
}

void TestCli::checkReportsMissingFiles()
{
    QTemporaryDir dir;
    makeDataset(dir.path(), 3);
    const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
    QCOMPARE(test::runCli({QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"), dir.filePath(QStringLiteral("images"))}).exitCode, 0);
    test::CliResult r = test::runCli({QStringLiteral("check"), QStringLiteral("--catalog"), cat, QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY(r.json()[QStringLiteral("ok")].toBool());
    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("images/face001.jpg"))));
    r = test::runCli({QStringLiteral("check"), QStringLiteral("--catalog"), cat});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.out.contains("face001.jpg") && r.out.contains("advice"), r.out.constData());
}

void TestCli::refusesDamagedCatalogueUntouched()
{
    QTemporaryDir dir;
    const QString cat = dir.filePath(QStringLiteral("bad.exemplar"));
    test::writeTextFile(cat, QByteArray(2048, '\x01'));
    makeDataset(dir.path(), 2);
    const test::CliResult r = test::runCli({QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"), dir.filePath(QStringLiteral("images"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("bad.exemplar") && r.err.contains("not an Exemplar catalogue"), r.err.constData());
    QFile f(cat);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(2048, '\x01'));
    const test::CliResult check = test::runCli({QStringLiteral("check"), QStringLiteral("--catalog"), cat});
    QCOMPARE(check.exitCode, 2);
}

void TestCli::ctrlCStopsImportSafely()
{
    QTemporaryDir dir;
    const int total = 1500;
    for (int i = 0; i < total; ++i)
        test::writeSyntheticImage(dir.filePath(QStringLiteral("images/%1.jpg").arg(i)), 420, 420, i);
    const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
    const QStringList args{QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"),
                           dir.filePath(QStringLiteral("images")), QStringLiteral("--threads"), QStringLiteral("1"),
                           QStringLiteral("--no-detect-faces"), QStringLiteral("--json")}; // detection is not what is tested: it would only slow the run
    QProcess p;
    p.start(test::cliPath(), args);
    QVERIFY(p.waitForStarted());
    // Interrupt once the first batch is committed, i.e. in the middle of the import.
    QElapsedTimer timer;
    timer.start();
    int seen = 0;
    while (seen == 0 && timer.elapsed() < 60000 && p.state() == QProcess::Running) {
        QTest::qWait(20);
        try {
            seen = Catalogue::open(cat, Catalogue::OpenMode::ReadOnly).imageCount();
        } catch (const Error&) {
            // not created or not migrated yet
        }
    }
    QVERIFY2(seen > 0 && seen < total, qPrintable(QStringLiteral("import was not caught mid-way (%1 images seen)").arg(seen)));
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 130);
    const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    QVERIFY(j[QStringLiteral("cancelled")].toBool());
    const int afterCancel = Catalogue::open(cat, Catalogue::OpenMode::ReadOnly).imageCount();
    QVERIFY(afterCancel < total);
    QCOMPARE(test::runCli({QStringLiteral("check"), QStringLiteral("--catalog"), cat}).exitCode, 0);
    const test::CliResult again = test::runCli(args);
    QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
    QCOMPARE(again.json()[QStringLiteral("images")].toObject()[QStringLiteral("added")].toInt(), total - afterCancel);
    QCOMPARE(Catalogue::open(cat, Catalogue::OpenMode::ReadOnly).imageCount(), total);
}

void TestCli::detectFacesChecksImportedImages()
{
    QTemporaryDir dir;
    makeDataset(dir.path(), 5);
    const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
    test::CliResult r = test::runCli({QStringLiteral("import"), QStringLiteral("--catalog"), cat, QStringLiteral("--images"),
                                      dir.filePath(QStringLiteral("images")), QStringLiteral("--no-detect-faces")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(FaceStore(Catalogue::open(cat, Catalogue::OpenMode::ReadOnly)).uncheckedImages().size(), 5);

    const QStringList detect{QStringLiteral("detect-faces"), QStringLiteral("--catalog"), cat, QStringLiteral("--threads"),
                             QStringLiteral("1")};
    r = test::runCli(detect + QStringList{QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QJsonObject j = r.json();
    QCOMPARE(j[QStringLiteral("checked")].toInt(), 5);
    int statuses = 0;
    for (const auto& v : j[QStringLiteral("statuses")].toObject()) statuses += v.toInt();
    QCOMPARE(statuses, 5);
    QCOMPARE(j[QStringLiteral("catalogue")].toObject()[QString::fromLatin1(FaceStore::kUnchecked)].toInt(), 0);
    {
        const Catalogue c = Catalogue::open(cat, Catalogue::OpenMode::ReadOnly);
        const FaceStore faces(c);
        QVERIFY(faces.uncheckedImages().isEmpty());
        for (const ImageRecord& image : c.allImages()) QVERIFY(faces.check(image.id).has_value());
    }

    // Nothing left to check; --redo checks every image again.
    r = test::runCli(detect);
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.startsWith("faces: 0 images checked") && r.out.contains("0 never checked"), r.out.constData());
    r = test::runCli(detect + QStringList{QStringLiteral("--redo"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(r.json()[QStringLiteral("checked")].toInt(), 5);
}

void TestCli::everyHelpStartsWithUsage()
{
    const test::CliResult usage = test::runCli({QStringLiteral("--help")});
    QCOMPARE(usage.exitCode, 0);
    QStringList commands;
    const QString listing = QString::fromUtf8(usage.out);
    for (const QString& line : listing.section(QStringLiteral("Commands:\n"), 1).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        if (line.startsWith(QStringLiteral("  "))) commands << line.simplified().section(QLatin1Char(' '), 0, 0);
    QVERIFY2(commands.size() >= 13 && commands.contains(QStringLiteral("detect-faces")), qPrintable(listing));

    // docs/cli.md holds the detail that help leaves out, one section per command.
    QFile docs(QFileInfo(QStringLiteral(__FILE__)).dir().filePath(QStringLiteral("../../docs/cli.md")));
    QVERIFY2(docs.open(QIODevice::ReadOnly), qPrintable(docs.fileName()));
    const QString manual = QString::fromUtf8(docs.readAll());

    for (const QString& command : commands) {
        const test::CliResult help = test::runCli({command, QStringLiteral("--help")});
        QVERIFY2(help.exitCode == 0, qPrintable(command + QStringLiteral(": ") + help.describe()));
        const QString text = QString::fromUtf8(help.out);
        const QString usageLine = QStringLiteral("Usage: exemplar-cli %1 [options]").arg(command);
        QVERIFY2(text.startsWith(usageLine), qPrintable(text.left(200)));
        // Then a short first paragraph: one to three sentences, before the options.
        const QStringList paragraphs = text.split(QStringLiteral("\n\n"));
        QVERIFY2(paragraphs.size() >= 3 && paragraphs[2].startsWith(QStringLiteral("Options:")), qPrintable(text));
        const QString summary = paragraphs[1].simplified();
        const qsizetype sentences = summary.count(QRegularExpression(QStringLiteral("[.!?](\\s|$)")));
        QVERIFY2(!summary.isEmpty() && sentences >= 1 && sentences <= 3, qPrintable(command + QStringLiteral(": ") + summary));
        QVERIFY2(text.contains(QStringLiteral("docs/cli.md")), qPrintable(text));
        QVERIFY2(manual.contains(QStringLiteral("\n## %1\n").arg(command)),
                 qPrintable(QStringLiteral("docs/cli.md has no section '## %1'").arg(command)));
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
