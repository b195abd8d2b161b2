// importFolder and importClassFolders on folders generated here: every kind of bad file is
// skipped and reported, re-imports add only what is new, same bytes are one image, cancel keeps a
// consistent catalogue.
#include "core/catalogue/Catalogue.h"
#include "core/imaging/ContentHash.h"
#include "core/import/Importers.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtEndian>
#include <opencv2/imgcodecs.hpp>

using namespace exemplar;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString problemOf(const ImportReport& report, const QString& file)
{
    for (const auto& i : report.issues)
        if (i.file == file) return i.problem;
    return {};
}

QByteArray pngBombHeader()
{
    QByteArray png("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", 16);
    char size[8];
    qToBigEndian<quint32>(50000, size);
    qToBigEndian<quint32>(50000, size + 4);
    png += QByteArray(size, 8) + QByteArray("\x08\x02\x00\x00\x00\x00\x00\x00\x00", 9) + QByteArray(1000, 'z');
    return png;
}

QByteArray jpegBombHeader()
{
    return QByteArray("\xFF\xD8\xFF\xC0\x00\x11\x08\xC3\x50\xC3\x50\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 21) + QByteArray(500, 'q');
}

void writeBytes(const QString& path, const QByteArray& bytes) { test::writeTextFile(path, bytes); }

} // namespace

class TestImportFolder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void importsGoodFilesAndReportsEveryBadOne()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        test::writeSyntheticImage(images + "/a.jpg", 350, 350, 1);
        test::writeSyntheticImage(images + "/b.PNG", 200, 100, 2);
        test::writeSyntheticImage(images + "/sub/c.bmp", 64, 48, 3);
        test::writeSyntheticImage(images + "/sub/deeper/d.tiff", 80, 80, 4);
        const bool webp = cv::haveImageWriter("x.webp");
        if (webp) test::writeSyntheticImage(images + "/e.webp", 90, 70, 5);
        test::writeSyntheticImage(images + "/whole.jpg", 300, 200, 6);
        const QByteArray whole = readAll(images + "/whole.jpg");
        QFile::remove(images + "/whole.jpg");
        writeBytes(images + "/bad/truncated.jpg", whole.left(whole.size() / 2));
        writeBytes(images + "/bad/corrupt.jpg", whole.left(600) + QByteArray(whole.size(), '\x5a') + QByteArray("\xFF\xD9", 2));
        // A PNG whose chunk chain is intact but whose pixel data is damaged: only the decoder notices.
        test::writeSyntheticImage(images + "/png.png", 100, 100, 8);
        QByteArray png = readAll(images + "/png.png");
        QFile::remove(images + "/png.png");
        const qsizetype idat = png.indexOf("IDAT");
        QVERIFY(idat > 0);
        for (qsizetype k = idat + 8; k < idat + 40; ++k) png[k] = char(png[k] ^ 0x55);
        writeBytes(images + "/bad/corrupt.png", png);
        writeBytes(images + "/bad/empty.jpg", QByteArray());
        writeBytes(images + "/bad/text.png", "this is not an image\n");
        writeBytes(images + "/bad/bomb.png", pngBombHeader());
        writeBytes(images + "/bad/bomb.jpg", jpegBombHeader());
        test::writeSyntheticImage(images + "/bad/huge.png", 400, 400, 7); // refused by the size limit below
        writeBytes(images + "/notes.txt", "not looked at");

        const qint64 hugeBytes = QFileInfo(images + "/bad/huge.png").size();
        FolderImportOptions options;
        options.maxFileBytes = hugeBytes - 1;
        QVERIFY(QFileInfo(images + "/a.jpg").size() < options.maxFileBytes);
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        QVector<ImportProgress> progress;
        const ImportReport report = importFolder(catalogue, images, options, [&](const ImportProgress& p) { progress.append(p); });

        const int good = webp ? 5 : 4;
        QCOMPARE(report.scanned, good + 8);
        QCOMPARE(report.added, good);
        QCOMPARE(report.skipped, 8);
        QCOMPARE(report.duplicates, 0);
        QCOMPARE(report.issues.size(), 8);
        QVERIFY(!report.cancelled);
        QVERIFY2(problemOf(report, "bad/truncated.jpg").contains("truncated"), qPrintable(problemOf(report, "bad/truncated.jpg")));
        QVERIFY2(problemOf(report, "bad/corrupt.jpg").contains("corrupt"), qPrintable(problemOf(report, "bad/corrupt.jpg")));
        QVERIFY2(problemOf(report, "bad/corrupt.png").contains("cannot decode"), qPrintable(problemOf(report, "bad/corrupt.png")));
        QVERIFY(problemOf(report, "bad/empty.jpg").contains("empty file"));
        QVERIFY(problemOf(report, "bad/text.png").contains("not an image"));
        QVERIFY2(problemOf(report, "bad/bomb.png").contains("50000x50000"), qPrintable(problemOf(report, "bad/bomb.png")));
        QVERIFY(problemOf(report, "bad/bomb.png").contains("decompression bomb"));
        QVERIFY(problemOf(report, "bad/bomb.jpg").contains("50000x50000"));
        QVERIFY(problemOf(report, "bad/huge.png").contains("too large"));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().done, progress.last().total);

        QCOMPARE(catalogue.imageCount(), good);
        const auto all = catalogue.allImages();
        QCOMPARE(all.first().relativePath, QString("a.jpg")); // path order
        QCOMPARE(all.first().width, 350);
        QCOMPARE(all.first().height, 350);
        QCOMPARE(all.first().contentHash, contentHashHex(readAll(images + "/a.jpg")));
        QCOMPARE(all.first().fileSize, QFileInfo(images + "/a.jpg").size());
        bool sawDeep = false;
        for (const auto& image : all) {
            const QByteArray thumb = catalogue.thumbnail(image.id);
            const cv::Mat m = cv::imdecode(std::vector<uchar>(thumb.begin(), thumb.end()), cv::IMREAD_COLOR);
            QVERIFY2(!m.empty(), qPrintable(image.relativePath));
            QVERIFY(std::max(m.cols, m.rows) <= kThumbnailMaxSide);
            sawDeep = sawDeep || image.relativePath == "sub/deeper/d.tiff";
        }
        QVERIFY(sawDeep);

        const auto log = catalogue.importsLog();
        QCOMPARE(log.size(), 1);
        QCOMPARE(log.first().kind, QString("folder"));
        QCOMPARE(log.first().added, good);
        QCOMPARE(log.first().skipped, 8);
        const QJsonObject json = QJsonDocument::fromJson(report.toJson().toUtf8()).object();
        QCOMPARE(json.value("added").toInt(), good);
        QCOMPARE(json.value("issues").toArray().size(), 8);
        QCOMPARE(json.value("issues").toArray().first().toObject().keys(), (QStringList{"file", "problem"}));
    }

    void reimportAddsOnlyWhatIsNew()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        for (int i = 0; i < 6; ++i) test::writeSyntheticImage(images + QString("/p%1.jpg").arg(i), 120, 90, 10 + i);
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        QCOMPARE(importFolder(catalogue, images).added, 6);

        // Known paths are not read again: overwriting one with junk goes unnoticed.
        writeBytes(images + "/p0.jpg", "junk");
        test::writeSyntheticImage(images + "/new/q.png", 50, 50, 99);
        const ImportReport again = importFolder(catalogue, images);
        QCOMPARE(again.scanned, 7);
        QCOMPARE(again.alreadyPresent, 6);
        QCOMPARE(again.added, 1);
        QCOMPARE(again.skipped, 0);
        QVERIFY(again.issues.isEmpty());
        QCOMPARE(catalogue.imageCount(), 7);

        const ImportReport third = importFolder(catalogue, images);
        QCOMPARE(third.added, 0);
        QCOMPARE(third.alreadyPresent, 7);
        QCOMPARE(catalogue.importsLog().size(), 3);

        // A subfolder of a root is imported into that root, not as a second root.
        test::writeSyntheticImage(images + "/new/r.jpg", 60, 60, 100);
        QCOMPARE(importFolder(catalogue, images + "/new").added, 1);
        QCOMPARE(catalogue.roots().size(), 1);
        QVERIFY(catalogue.relativePathsInRoot(catalogue.roots().first().id).contains("new/r.jpg"));
    }

    void sameBytesUnderAnotherNameAreDuplicates()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        test::writeSyntheticImage(images + "/a.jpg", 100, 100, 1);
        QDir().mkpath(images + "/z");
        QVERIFY(QFile::copy(images + "/a.jpg", images + "/z/a-copy.jpg"));
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        FolderImportOptions options;
        options.batchSize = 1; // the copy is compared against the catalogue, not the same batch
        const ImportReport first = importFolder(catalogue, images, options);
        QCOMPARE(first.added, 1);
        QCOMPARE(first.duplicates, 1);
        QVERIFY2(problemOf(first, "z/a-copy.jpg").contains("duplicate"), qPrintable(problemOf(first, "z/a-copy.jpg")));
        QVERIFY(problemOf(first, "z/a-copy.jpg").contains("a.jpg"));
        QCOMPARE(catalogue.imageCount(), 1);

        // Same within one batch, and a copy that arrives in a later import.
        QVERIFY(QFile::copy(images + "/a.jpg", images + "/z/b-copy.jpg"));
        QVERIFY(QFile::copy(images + "/a.jpg", images + "/z/c-copy.jpg"));
        const ImportReport second = importFolder(catalogue, images);
        QCOMPARE(second.added, 0);
        QCOMPARE(second.duplicates, 3); // the first copy is re-read: it was never catalogued
        QCOMPARE(catalogue.imageCount(), 1);
    }

    void resultsDoNotDependOnThreads()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        for (int i = 0; i < 30; ++i) test::writeSyntheticImage(images + QString("/d%1/i%2.jpg").arg(i % 3).arg(i), 90, 70, i);
        QVERIFY(QFile::copy(images + "/d0/i0.jpg", images + "/d2/zz.jpg"));
        QStringList orders[2];
        for (int run = 0; run < 2; ++run) {
            auto catalogue = Catalogue::open(dir.filePath(QString("c%1.exemplar").arg(run)));
            FolderImportOptions options;
            options.threads = run == 0 ? 1 : 4;
            options.batchSize = 7;
            const ImportReport r = importFolder(catalogue, images, options);
            QCOMPARE(r.added, 30);
            QCOMPARE(r.duplicates, 1);
            for (const auto& image : catalogue.allImages()) orders[run].append(image.relativePath);
        }
        QCOMPARE(orders[0], orders[1]);
        QStringList sorted = orders[0];
        sorted.sort();
        QCOMPARE(orders[0], sorted);
    }

    void progressNamesEachStep()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        for (int i = 0; i < 10; ++i) test::writeSyntheticImage(images + QString("/i%1.png").arg(i), 32, 32, i);
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        FolderImportOptions options;
        options.detectFaces = false;
        QVector<ImportProgress> updates;
        const auto record = [&](const ImportProgress& p) { updates.append(p); };
        importFolder(catalogue, images, options, record);
        QVERIFY(!updates.isEmpty());
        // Scanning first, with no total (a count of files found), then reading with a known total.
        QCOMPARE(updates.first().step, ImportStep::Scanning);
        int lastScanned = 0;
        for (const auto& p : updates) {
            if (p.step == ImportStep::Scanning) {
                QCOMPARE(p.total, 0);
                lastScanned = p.done;
            } else {
                QCOMPARE(p.step, ImportStep::Images);
                QCOMPARE(p.total, 10);
            }
        }
        QCOMPARE(lastScanned, 10);
        QCOMPARE(updates.last().step, ImportStep::Images);
        QCOMPARE(updates.last().done, 10);
        QCOMPARE(importStepName(ImportStep::Scanning), QString("Scanning folder"));

        // Nothing new to read: the reading step is not reported at all (no "0 of 0").
        updates.clear();
        importFolder(catalogue, images, options, record);
        for (const auto& p : updates) QCOMPARE(p.step, ImportStep::Scanning);
    }

    void cancelKeepsCommittedBatches()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        for (int i = 0; i < 60; ++i) test::writeSyntheticImage(images + QString("/i%1.png").arg(i, 2, 10, QChar('0')), 40, 40, i);
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        CancelFlag cancel;
        FolderImportOptions options;
        options.batchSize = 5;
        options.threads = 2;
        const ImportReport report = importFolder(catalogue, images, options, [&](const ImportProgress& p) {
            if (p.step == ImportStep::Images && p.done >= 12) cancel.cancel();
        }, &cancel);
        // Progress is always reported after a committed batch (5, 10, 15): the cancel seen at 15
        // stops the import there, keeping the three committed batches.
        QVERIFY(report.cancelled);
        QCOMPARE(report.added, 15);
        QCOMPARE(catalogue.imageCount(), report.added);
        QVERIFY(catalogue.check().ok);
        const ImportReport rest = importFolder(catalogue, images, options);
        QCOMPARE(rest.alreadyPresent, report.added);
        QCOMPARE(rest.added, 60 - report.added);
        QCOMPARE(catalogue.imageCount(), 60);
    }

    void cancelBeforeStartAddsNothing()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        for (int i = 0; i < 10; ++i) test::writeSyntheticImage(images + QString("/i%1.jpg").arg(i), 40, 40, i);
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        CancelFlag cancel;
        cancel.cancel();
        const ImportReport report = importFolder(catalogue, images, {}, {}, &cancel);
        QVERIFY(report.cancelled);
        QCOMPARE(report.added, 0);
        QCOMPARE(catalogue.imageCount(), 0);
    }

    void exifOrientationIsApplied()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath("images");
        test::writeSyntheticImage(images + "/plain.jpg", 200, 100, 1);
        // The same pixels with an EXIF orientation of 6 (display rotated 90 degrees clockwise).
        const QByteArray exif("\xFF\xE1\x00\x22" "Exif\x00\x00" "MM\x00\x2A\x00\x00\x00\x08"
                              "\x00\x01" "\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00" "\x00\x00\x00\x00", 36);
        const QByteArray plain = readAll(images + "/plain.jpg");
        writeBytes(images + "/rotated.jpg", plain.left(2) + exif + plain.mid(2));
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        QCOMPARE(importFolder(catalogue, images).added, 2);
        const qint64 rootId = catalogue.roots().first().id;
        const auto plainRecord = catalogue.image(*catalogue.imageIdByPath(rootId, "plain.jpg"));
        const auto rotatedRecord = catalogue.image(*catalogue.imageIdByPath(rootId, "rotated.jpg"));
        QCOMPARE(plainRecord->width, 200);
        QCOMPARE(plainRecord->height, 100);
        QCOMPARE(rotatedRecord->width, 100);
        QCOMPARE(rotatedRecord->height, 200);
        const QByteArray thumb = catalogue.thumbnail(rotatedRecord->id);
        const cv::Mat m = cv::imdecode(std::vector<uchar>(thumb.begin(), thumb.end()), cv::IMREAD_UNCHANGED);
        QCOMPARE(m.cols, 80);
        QCOMPARE(m.rows, 160);
    }

    void missingFolderIsAnError()
    {
        QTemporaryDir dir;
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        try {
            importFolder(catalogue, dir.filePath("nope"));
            QFAIL("no error for a missing folder");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("nope"), qPrintable(e.message()));
        }
    }

    void classFolders()
    {
        QTemporaryDir dir;
        const QString root = dir.filePath("by-class");
        test::writeSyntheticImage(root + "/sad/s1.jpg", 60, 60, 1);
        test::writeSyntheticImage(root + "/happy/h1.jpg", 60, 60, 2);
        test::writeSyntheticImage(root + "/happy/more/h2.jpg", 60, 60, 3);
        test::writeSyntheticImage(root + "/loose.jpg", 60, 60, 4);
        auto catalogue = Catalogue::open(dir.filePath("c.exemplar"));
        const ImportReport report = importClassFolders(catalogue, root, "mood");
        QCOMPARE(report.added, 4);
        QCOMPARE(report.labelsSet, 3);
        QVERIFY(problemOf(report, "loose.jpg").contains("not in a class folder"));
        const auto task = catalogue.task("mood");
        QVERIFY(task);
        QCOMPARE(task->classes.size(), 2);
        QCOMPARE(task->classes[0].name, QString("happy")); // sorted
        QCOMPARE(task->classes[1].name, QString("sad"));
        const auto labels = catalogue.labelsOfTask(task->id);
        QCOMPARE(labels.size(), 3);
        const qint64 rootId = catalogue.roots().first().id;
        const qint64 h2 = *catalogue.imageIdByPath(rootId, "happy/more/h2.jpg");
        QCOMPARE(labels.value(h2).classId, std::optional<qint64>(task->classes[0].id));
        QCOMPARE(labels.value(h2).provenance, Provenance::Imported);
        QCOMPARE(catalogue.changes().size(), 1); // one undoable change

        // A curator's correction survives a re-import; a new class folder adds a class.
        const qint64 s1 = *catalogue.imageIdByPath(rootId, "sad/s1.jpg");
        catalogue.setClass({s1}, task->id, task->classes[0].id);
        test::writeSyntheticImage(root + "/angry/a1.jpg", 60, 60, 5);
        const ImportReport again = importClassFolders(catalogue, root, "mood");
        QCOMPARE(again.added, 1);
        QCOMPARE(again.labelsSet, 1);
        QVERIFY2(problemOf(again, "sad/s1.jpg").contains("curator"), qPrintable(again.toJson()));
        QCOMPARE(catalogue.label(s1, task->id)->classId, std::optional<qint64>(task->classes[0].id));
        QVERIFY(catalogue.task("mood")->classByName("angry"));
        QVERIFY(catalogue.undo());
        QVERIFY(!catalogue.label(*catalogue.imageIdByPath(rootId, "angry/a1.jpg"), task->id));
    }
};

QTEST_GUILESS_MAIN(TestImportFolder)
#include "test_import_folder.moc"
