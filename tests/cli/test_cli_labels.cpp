// exemplar-cli on labels and folders: export-labels then import --labels into a new catalogue
// gives the same export back (CSV and JSON); spreadsheets given to --labels; relink of a moved
// folder (dry run, refusal, success, check clean); the import's per-step progress and summary.
#include "core/catalogue/Catalogue.h"
#include "core/import/LabelsExport.h"
#include "tests/support/CliRun.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace exemplar;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// images/<n>.jpg and labels.csv (expression, sex, identity).
void makeDataset(const QString& dir, int count)
{
    QByteArray csv = "file,expression,sex,identity\n";
    const char* expressions[] = {"neutral", "happiness", "anger"};
    for (int i = 0; i < count; ++i) {
        const QString name = QStringLiteral("p%1/face%2.jpg").arg(i % 2).arg(i, 3, 10, QLatin1Char('0'));
        test::writeSyntheticImage(dir + QStringLiteral("/images/") + name, 40, 40, i);
        if (i == count - 1) continue; // one image without labels
        csv += name.toUtf8() + ',' + expressions[i % 3] + ',' + (i % 2 ? "male" : "female") + ",person" + QByteArray::number(i % 3) + '\n';
    }
    test::writeTextFile(dir + QStringLiteral("/labels.csv"), csv);
}

QStringList importArgs(const QString& catalog, const QString& images)
{
    return {QStringLiteral("import"), QStringLiteral("--catalog"), catalog, QStringLiteral("--images"), images, QStringLiteral("--no-detect-faces")};
}

} // namespace

class TestCliLabels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exportImportRoundTrip_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("csv") << QStringLiteral("csv");
        QTest::newRow("json") << QStringLiteral("json");
    }

    void exportImportRoundTrip()
    {
        QFETCH(QString, format);
        QTemporaryDir dir;
        makeDataset(dir.path(), 7);
        const QString images = dir.filePath(QStringLiteral("images"));
        const QString first = dir.filePath(QStringLiteral("a.exemplar"));
        test::CliResult r = test::runCli(importArgs(first, images) << QStringLiteral("--labels") << dir.filePath(QStringLiteral("labels.csv")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // A curator's label and an exemplar flag, so that provenance and flags are part of the trip.
        r = test::runCli({QStringLiteral("label"), QStringLiteral("--catalog"), first, QStringLiteral("--task"), QStringLiteral("expression"),
                          QStringLiteral("--class"), QStringLiteral("anger"), dir.filePath(QStringLiteral("images/p0/face000.jpg"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        {
            Catalogue c = Catalogue::open(first, Catalogue::OpenMode::MustExist);
            const auto task = c.task(QStringLiteral("expression"));
            c.toggleExemplar({c.allImages()[1].id}, task->id, QStringLiteral("curator"));
        }
        const QString exported = dir.filePath(QStringLiteral("export.") + format);
        r = test::runCli({QStringLiteral("export-labels"), QStringLiteral("--catalog"), first, QStringLiteral("--out"), exported});
        QVERIFY2(r.exitCode == 0 && r.err.contains("7 images, 2 tasks"), qPrintable(r.describe()));

        const QString second = dir.filePath(QStringLiteral("b.exemplar"));
        r = test::runCli(importArgs(second, images) << QStringLiteral("--labels") << exported);
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("Summary: 7 images imported") && r.out.contains("12 labels set") && r.out.contains("2 tasks created"),
                 qPrintable(r.describe()));
        const Catalogue copy = Catalogue::open(second, Catalogue::OpenMode::ReadOnly);
        QCOMPARE(copy.tasks().size(), 2); // no folder / *_exemplar / *_provenance tasks
        QCOMPARE(labelsExportBytes(copy, labelsFormatForPath(exported)), readAll(exported));
        QVERIFY(readAll(exported).contains("curator"));
    }

    void importSummaryAndProgressSteps()
    {
        QTemporaryDir dir;
        makeDataset(dir.path(), 5);
        test::writeTextFile(dir.filePath(QStringLiteral("images/broken.jpg")), "not an image");
        const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
        const QString images = dir.filePath(QStringLiteral("images"));
        test::CliResult r = test::runCli(importArgs(cat, images) << QStringLiteral("--labels") << dir.filePath(QStringLiteral("labels.csv")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("Summary: 5 images imported, 0 already catalogued, 1 skipped, 8 labels set, 2 tasks created"),
                 qPrintable(r.describe()));
        QVERIFY2(r.out.contains("1 x "), qPrintable(r.describe())); // the skip, counted by reason
        QVERIFY2(!r.out.contains("0/0") && !r.err.contains("0/0"), qPrintable(r.describe()));
        // Nothing new: no "0/0" step either, and the summary says so.
        r = test::runCli(importArgs(cat, images) << QStringLiteral("--json"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QJsonObject summary = r.json()[QStringLiteral("summary")].toObject();
        QCOMPARE(summary[QStringLiteral("images_added")].toInt(), 0);
        QCOMPARE(summary[QStringLiteral("already_catalogued")].toInt(), 5);
        QVERIFY(summary.contains(QStringLiteral("seconds")));
        r = test::runCli(importArgs(cat, images));
        QVERIFY2(r.out.contains("Summary: 0 images imported, 5 already catalogued") && !r.out.contains("0/0") && !r.err.contains("0/0"),
                 qPrintable(r.describe()));
    }

    void progressOnATerminalNamesEveryStep()
    {
        // The progress lines only show on a terminal: run the command under a pseudo-terminal.
        const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
        if (script.isEmpty())
            QSKIP("the 'script' tool (util-linux) is not installed; it gives the command a terminal");
        QTemporaryDir dir;
        makeDataset(dir.path(), 6);
        const QStringList args = importArgs(dir.filePath(QStringLiteral("c.exemplar")), dir.filePath(QStringLiteral("images")))
                                 << QStringLiteral("--labels") << dir.filePath(QStringLiteral("labels.csv"));
        QStringList quoted{test::cliPath()};
        for (const QString& a : args) quoted << QLatin1Char('\'') + a + QLatin1Char('\'');
        QProcess process;
        process.start(script, {QStringLiteral("-qec"), quoted.join(QLatin1Char(' ')), QStringLiteral("/dev/null")});
        QVERIFY(process.waitForFinished(60000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(process.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("Scanning folder ... 6 images")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Reading images (thumbnails) [")) && out.contains(QStringLiteral("6/6 images")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Reading labels [")) && out.contains(QStringLiteral("5/5 rows")), qPrintable(out));
        QVERIFY2(!out.contains(QStringLiteral("/0 ")) && !out.contains(QStringLiteral("0/0")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Summary: 6 images imported")), qPrintable(out));
    }

    void spreadsheetsGivenToLabels()
    {
        QTemporaryDir dir;
        makeDataset(dir.path(), 3);
        const QString images = dir.filePath(QStringLiteral("images"));
        const QString workbook = dir.filePath(QStringLiteral("labels.xlsx"));
        test::writeXlsx(workbook, {{QStringLiteral("Sheet1"), test::xlsxRowsXml({{QStringLiteral("file"), QStringLiteral("expression")},
                                                                                  {QStringLiteral("p0/face000.jpg"), QStringLiteral("happiness")}})}});
        const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
        test::CliResult r = test::runCli(importArgs(cat, images) << QStringLiteral("--labels") << workbook);
        QVERIFY2(r.exitCode == 0 && r.out.contains("1 label set"), qPrintable(r.describe()));

        // The Adult Faces workbook: refused before anything is imported, with the right option named.
        const QString adult = dir.filePath(QStringLiteral("Adult Faces.xlsx"));
        test::writeXlsx(adult, {{QStringLiteral("Final Values"), test::xlsxRowsXml({{QStringLiteral("Filename"), QStringLiteral("Emotion")},
                                                                                     {QStringLiteral("p0/face000.jpg"), QStringLiteral("1")}})}});
        const QString fresh = dir.filePath(QStringLiteral("fresh.exemplar"));
        r = test::runCli(importArgs(fresh, images) << QStringLiteral("--labels") << adult);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("Adult Faces.xlsx") && r.err.contains("--annotations") && !r.err.contains("PK"), qPrintable(r.describe()));
        QVERIFY2(!QFileInfo::exists(fresh), "a refused import must not create the catalogue");
    }

    void relinkMovedFolder()
    {
        QTemporaryDir dir;
        makeDataset(dir.path(), 4);
        const QString base = QFileInfo(dir.path()).canonicalFilePath();
        const QString images = base + QStringLiteral("/images");
        const QString cat = dir.filePath(QStringLiteral("c.exemplar"));
        test::CliResult r = test::runCli(importArgs(cat, images) << QStringLiteral("--labels") << dir.filePath(QStringLiteral("labels.csv")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QByteArray before = labelsExportBytes(Catalogue::open(cat, Catalogue::OpenMode::ReadOnly), LabelsFormat::Json);
        // The catalogue's own check, in process (the CLI's check is run where its output matters).
        const auto checkOk = [&] { return Catalogue::open(cat, Catalogue::OpenMode::ReadOnly).check().ok; };

        const QString moved = base + QStringLiteral("/archive/faces");
        QVERIFY(QDir().mkpath(base + QStringLiteral("/archive")));
        QVERIFY(QDir().rename(images, moved));
        r = test::runCli({QStringLiteral("check"), QStringLiteral("--catalog"), cat});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.contains("exemplar-cli relink --catalog") && r.out.contains("--root " + images.toUtf8()), qPrintable(r.describe()));

        const QStringList relink{QStringLiteral("relink"), QStringLiteral("--catalog"), cat, QStringLiteral("--root"), images, QStringLiteral("--to")};
        r = test::runCli(relink + QStringList{moved, QStringLiteral("--dry-run")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("4 images: 4 found") && r.out.contains("nothing changed"), qPrintable(r.describe()));
        QVERIFY(!checkOk()); // still broken

        const QString wrong = base + QStringLiteral("/wrong");
        QVERIFY(QDir().mkpath(wrong));
        r = test::runCli(relink + QStringList{wrong});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("none of the 4") && r.err.contains("--force"), qPrintable(r.describe()));
        QVERIFY(!checkOk());

        r = test::runCli(relink + QStringList{moved, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QCOMPARE(r.json()[QStringLiteral("found")].toInt(), 4);
        QCOMPARE(r.json()[QStringLiteral("missing")].toInt(), 0);
        r = test::runCli({QStringLiteral("check"), QStringLiteral("--catalog"), cat});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));

        // Every label, flag and identity is still there; only the folder changed.
        QByteArray expected = before;
        expected.replace(images.toUtf8(), moved.toUtf8());
        QCOMPARE(labelsExportBytes(Catalogue::open(cat, Catalogue::OpenMode::ReadOnly), LabelsFormat::Json), expected);
    }
};

QTEST_GUILESS_MAIN(TestCliLabels)
#include "test_cli_labels.moc"
