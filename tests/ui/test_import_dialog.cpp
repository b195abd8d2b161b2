// The GUI import: folder + annotation file with the mapping preview, progress in a worker thread,
// cancel, and the report of skipped files; checked against the catalogue afterwards.
#include "UiTestSupport.h"
#include "tests/support/TestSupport.h"
#include "ui/import/ImportDialog.h"

#include <QCheckBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTreeWidget>

using namespace exemplar;
using namespace exemplar::test;
using ui::ImportDialog;

namespace {

// A folder of `n` small images plus one file that only pretends to be a JPEG.
QString makePhotoFolder(const QTemporaryDir& dir, int n)
{
    const QString folder = dir.filePath(QStringLiteral("photos"));
    for (int i = 0; i < n; ++i)
        writeSyntheticImage(QStringLiteral("%1/face_%2.jpg").arg(folder).arg(i, 3, 10, QLatin1Char('0')), 64, 64, i);
    writeTextFile(folder + QStringLiteral("/broken.jpg"), "this is not a jpeg");
    return folder;
}

QString newCatalogue(const QTemporaryDir& dir)
{
    const QString path = dir.filePath(QStringLiteral("new.exemplar"));
    Catalogue::open(path, Catalogue::OpenMode::CreateIfMissing);
    return path;
}

} // namespace

class ImportDialogTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void folderAndLabelsCsvWithPreviewAndReport()
    {
        QTemporaryDir dir;
        const QString folder = makePhotoFolder(dir, 12);
        QByteArray csv = "file,expression,labeler\n";
        for (int i = 0; i < 12; ++i)
            csv += QStringLiteral("face_%1.jpg,%2,ann\n").arg(i, 3, 10, QLatin1Char('0')).arg(i % 3 ? "happiness" : "neutral").toUtf8();
        writeTextFile(dir.filePath(QStringLiteral("labels.csv")), csv);
        const QString path = newCatalogue(dir);

        ImportDialog dialog(path);
        dialog.setFolder(folder);
        dialog.setAnnotations(ImportDialog::Annotations::LabelsCsv, dir.filePath(QStringLiteral("labels.csv")));
        QVERIFY(dialog.refreshPreview());
        QCOMPARE(dialog.previewRows(), 2); // expression (task) and labeler (attribute)
        QTreeWidgetItem* expression = dialog.previewTree()->topLevelItem(0);
        QVERIFY(expression->text(0).startsWith(QStringLiteral("expression")));
        QCOMPARE(expression->childCount(), 2); // happiness, neutral
        QCOMPARE(expression->child(0)->text(0), QStringLiteral("happiness"));
        QCOMPARE(expression->child(0)->text(1), QStringLiteral("8"));

        QSignalSpy finished(&dialog, &ImportDialog::importFinished);
        QSignalSpy progress(&dialog, &ImportDialog::progressChanged);
        QVERIFY(dialog.startImport());
        QVERIFY(dialog.isRunning() || finished.size() == 1);
        QVERIFY(finished.wait(30000) || finished.size() == 1);
        QVERIFY(dialog.changedCatalogue());
        // Every step shows its progress, named, and nothing counts "0 of 0".
        QStringList texts;
        for (const QList<QVariant>& p : progress)
            texts << p.front().toString();
        for (const QString& step : {QStringLiteral("Step 1 of 3 · Scanning folder"), QStringLiteral("Step 2 of 3 · Reading images: 13 of 13"),
                                    QStringLiteral("Step 3 of 3 · Reading labels: 12 of 12")})
            QVERIFY2(std::any_of(texts.begin(), texts.end(), [&](const QString& t) { return t.startsWith(step); }),
                     qPrintable(texts.join(QLatin1Char('\n'))));
        for (const QString& t : texts)
            QVERIFY2(!t.contains(QStringLiteral(" 0 of 0")), qPrintable(t));

        const ImportReport& r = dialog.lastReport();
        QCOMPARE(r.added, 12);
        QCOMPARE(r.labelsSet, 12);
        QVERIFY(r.skipped >= 1);
        QVERIFY2(dialog.reportText().contains(QStringLiteral("broken.jpg")), qPrintable(dialog.reportText()));
        QCOMPARE(dialog.tasksCreated(), QStringList{QStringLiteral("expression")});
        const QString summary = dialog.summaryText();
        QVERIFY2(summary.contains(QStringLiteral("12 photos imported")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Labels set: 12")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Tasks created: 1 (expression)")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("Skipped: %1").arg(r.skipped)), qPrintable(summary));

        Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
        QCOMPARE(cat.imageCount(), 12);
        const TaskInfo task = *cat.task(QStringLiteral("expression"));
        int happy = 0;
        for (const Label& l : cat.labelsOfTask(task.id)) {
            QCOMPARE(l.provenance, Provenance::Imported);
            happy += l.classId == task.classByName(QStringLiteral("happiness"))->id;
        }
        QCOMPARE(happy, 8);
    }

    void adultFacesMappingPreviewAndImport()
    {
        QTemporaryDir dir;
        const QString folder = makePhotoFolder(dir, 6);
        writeTextFile(dir.filePath(QStringLiteral("annotations.csv")),
                      "Filename,Emotion,Gender\n"
                      "face_000.jpg,1,0\nface_001.jpg,1,1\nface_002.jpg,0,1\n"
                      "face_003.jpg,5,0\nface_004.jpg,1.33,1\nface_005.jpg,2,0\n");
        const QString path = newCatalogue(dir);
        ImportDialog dialog(path);
        dialog.setFolder(folder);
        dialog.setAnnotations(ImportDialog::Annotations::AdultFaces, dir.filePath(QStringLiteral("annotations.csv")));
        QVERIFY(dialog.refreshPreview());
        QCOMPARE(dialog.previewRows(), 2); // Emotion and Gender
        QTreeWidgetItem* emotion = dialog.previewTree()->topLevelItem(0);
        QHash<QString, QPair<QString, QString>> seen; // raw -> (count, class)
        for (int i = 0; i < emotion->childCount(); ++i)
            seen.insert(emotion->child(i)->text(0), {emotion->child(i)->text(1), emotion->child(i)->text(2)});
        QCOMPARE(seen.value(QStringLiteral("1")).first, QStringLiteral("2"));
        QCOMPARE(seen.value(QStringLiteral("1")).second, QStringLiteral("happiness"));
        QVERIFY(seen.value(QStringLiteral("1.33")).second.contains(QStringLiteral("no label")));

        // A custom mapping: only happiness vs. the rest.
        dialog.setMappingText(QStringLiteral("[Emotion -> smile]\n1 = smiling\n0 = not smiling\n2 = not smiling\n5 = not smiling\n"));
        QVERIFY(dialog.refreshPreview());
        QCOMPARE(dialog.previewRows(), 1);
        QSignalSpy finished(&dialog, &ImportDialog::importFinished);
        QVERIFY(dialog.startImport());
        QVERIFY(finished.wait(30000) || finished.size() == 1);

        Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
        const auto smile = cat.task(QStringLiteral("smile"));
        QVERIFY(smile.has_value());
        QCOMPARE(smile->classes.size(), 2);
        int smiling = 0, labelled = 0;
        for (const Label& l : cat.labelsOfTask(smile->id)) {
            ++labelled;
            smiling += l.classId == smile->classByName(QStringLiteral("smiling"))->id;
        }
        QCOMPARE(smiling, 2);  // face_000, face_001 (1.33 is not a code)
        QCOMPARE(labelled, 5);
    }

    void cancelKeepsACompleteCatalogue()
    {
        QTemporaryDir dir;
        const QString folder = makePhotoFolder(dir, 400);
        const QString path = newCatalogue(dir);
        ImportDialog dialog(path);
        dialog.setFolder(folder);
        QSignalSpy finished(&dialog, &ImportDialog::importFinished);
        QVERIFY(dialog.startImport());
        dialog.cancelImport();
        QVERIFY(finished.wait(30000) || finished.size() == 1);
        QVERIFY(dialog.lastReport().cancelled);
        QVERIFY(dialog.summaryText().startsWith(QStringLiteral("<b>Cancelled")));
        Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
        QCOMPARE(cat.imageCount(), dialog.lastReport().added);
        QVERIFY(cat.imageCount() < 400);
        QVERIFY(cat.check().ok);
    }

    void detectionChoiceReachesTheImportAndTheSummaryStays()
    {
        QTemporaryDir dir;
        const QString folder = makePhotoFolder(dir, 6);
        const QString path = newCatalogue(dir);
        ImportDialog dialog(path);
        QSignalSpy measured(&dialog, &ImportDialog::detectionCostMeasured);
        dialog.setFolder(folder);
        QVERIFY(measured.wait(30000) || measured.size() == 1);
        if (dialog.detectionCost().photos == 0)
            QSKIP(qPrintable(QStringLiteral("face detection unavailable here: %1").arg(dialog.detectionCost().problem)));
        QCOMPARE(dialog.detectionCost().photos, 4);
        const QString cost = dialog.findChild<QLabel*>(QStringLiteral("detectCostLabel"))->text();
        QVERIFY2(cost.contains(QStringLiteral("photos/s on this machine")), qPrintable(cost));

        // Off: the folder import is told so, and no face is checked.
        dialog.findChild<QCheckBox*>(QStringLiteral("detectFacesCheck"))->setChecked(false);
        QVERIFY(!dialog.folderOptions().detectFaces);
        QSignalSpy finished(&dialog, &ImportDialog::importFinished);
        QVERIFY(dialog.startImport());
        QVERIFY(finished.wait(30000) || finished.size() == 1);
        const ImportReport off = dialog.lastReport();
        QCOMPARE(off.added, 6);
        QCOMPARE(off.facesTightCrop + off.facesFound + off.facesNone + off.facesFailed, 0);
        auto* summary = dialog.findChild<QLabel*>(QStringLiteral("importSummary"));
        QVERIFY(summary->isVisibleTo(&dialog));
        QVERIFY2(summary->text().contains(QStringLiteral("6 photos imported")), qPrintable(summary->text()));
        QVERIFY2(summary->text().contains(QStringLiteral("Faces: not detected")), qPrintable(summary->text()));
        QVERIFY2(summary->text().contains(QStringLiteral("1 × ")), qPrintable(summary->text())); // broken.jpg, with its reason

        // On: every new photo gets a face check.
        QTemporaryDir more;
        const QString second = more.filePath(QStringLiteral("more"));
        for (int i = 0; i < 5; ++i) // other seeds than the first folder's: not duplicates
            writeSyntheticImage(QStringLiteral("%1/other_%2.jpg").arg(second).arg(i), 64, 64, 100 + i);
        dialog.setFolder(second);
        dialog.setDetectFaces(true);
        QVERIFY(dialog.folderOptions().detectFaces);
        QVERIFY(dialog.startImport());
        QVERIFY(finished.wait(30000) || finished.size() == 2);
        const ImportReport on = dialog.lastReport();
        QCOMPARE(on.added, 5);
        QCOMPARE(on.facesTightCrop + on.facesFound + on.facesNone + on.facesFailed, 5);
        QVERIFY2(summary->text().contains(QStringLiteral("Faces: ")) && !summary->text().contains(QStringLiteral("not detected")),
                 qPrintable(summary->text()));
        QVERIFY(summary->isVisibleTo(&dialog)); // stays until the dialog is closed
        // With its summary the dialog still fits a 768-pixel-high screen (less a panel and title bar).
        QVERIFY2(dialog.minimumSizeHint().height() <= 768 - 48 - 32, qPrintable(QString::number(dialog.minimumSizeHint().height())));
    }

    void studioReloadsAfterImport()
    {
        StudioFixture f(10);
        QTemporaryDir dir;
        const QString folder = makePhotoFolder(dir, 5);
        ImportDialog dialog(f.cataloguePath);
        dialog.setFolder(folder);
        QSignalSpy finished(&dialog, &ImportDialog::importFinished);
        QVERIFY(dialog.startImport());
        QVERIFY(finished.wait(30000) || finished.size() == 1);
        f.session()->reload();
        QCOMPARE(f.model()->rowCount(), 15);
        QVERIFY(f.model()->relativePath(f.model()->imageIdAt(14)).startsWith(QStringLiteral("face_")));
    }
};

QTEST_MAIN(ImportDialogTest)
#include "test_import_dialog.moc"
