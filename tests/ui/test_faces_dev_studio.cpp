// The studio on the real faces-dev photos: GUI import of images + labels.csv, then the gallery,
// filters and balance chart must agree with labels.csv itself. Skipped when faces-dev is absent.
#include "UiTestSupport.h"
#include "tests/support/TestSupport.h"
#include "ui/balance/BalanceChart.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/import/ImportDialog.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTreeWidget>

using namespace exemplar;
using namespace exemplar::test;

class FacesDevStudioTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void importThenCurateRealFaces()
    {
        EXEMPLAR_REQUIRE_FACES_DEV(facesDev);
        QStandardPaths::setTestModeEnabled(true);
        // What labels.csv says, read independently of the importer (its cells hold no commas).
        QFile csv(facesDev + QStringLiteral("/labels.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> header = csv.readLine().trimmed().split(',');
        const int fileCol = static_cast<int>(header.indexOf("file"));
        const int exprCol = static_cast<int>(header.indexOf("expression"));
        QVERIFY(fileCol >= 0 && exprCol >= 0);
        QHash<QString, int> perExpression;
        int rows = 0, ajCook = 0;
        while (!csv.atEnd()) {
            const QList<QByteArray> cells = csv.readLine().trimmed().split(',');
            if (cells.size() < header.size())
                continue;
            ++rows;
            ++perExpression[QString::fromUtf8(cells[exprCol])];
            ajCook += cells[fileCol].startsWith("AJ_Cook_");
        }
        const int files = static_cast<int>(QDir(facesDev + QStringLiteral("/images")).entryList({QStringLiteral("*.jpg")}, QDir::Files).size());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("faces-dev.exemplar"));
        Catalogue::open(path, Catalogue::OpenMode::CreateIfMissing);
        {
            ui::ImportDialog dialog(path);
            dialog.setFolder(facesDev + QStringLiteral("/images"));
            dialog.setAnnotations(ui::ImportDialog::Annotations::LabelsCsv, facesDev + QStringLiteral("/labels.csv"));
            QVERIFY(dialog.refreshPreview());
            QTreeWidgetItem* expression = nullptr;
            for (int i = 0; i < dialog.previewRows(); ++i)
                if (dialog.previewTree()->topLevelItem(i)->text(0).startsWith(QStringLiteral("expression")))
                    expression = dialog.previewTree()->topLevelItem(i);
            QVERIFY(expression);
            QCOMPARE(expression->childCount(), perExpression.size());
            for (int i = 0; i < expression->childCount(); ++i)
                QCOMPARE(expression->child(i)->text(1).toInt(), perExpression.value(expression->child(i)->text(0)));

            QSignalSpy finished(&dialog, &ui::ImportDialog::importFinished);
            QVERIFY(dialog.startImport());
            QVERIFY(finished.wait(240000) || finished.size() == 1);
            QCOMPARE(dialog.lastReport().added, files);
        }

        StudioFixture f(path);
        QCOMPARE(f.model()->rowCount(), files);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        ui::BalanceChart* chart = f.view()->balance();
        const QVector<qint64> bars = chart->barClassIds();
        int charted = 0;
        for (int i = 0; i < bars.size(); ++i) {
            const QString name = expr.classById(bars[i])->name;
            QCOMPARE(int(chart->barValue(i, Provenance::Imported)), perExpression.value(name));
            charted += int(chart->barValue(i, Provenance::Imported));
        }
        QCOMPARE(charted, rows);

        const qint64 surprise = expr.classByName(QStringLiteral("surprise"))->id;
        f.view()->filters()->setClassFilter(surprise);
        QCOMPARE(f.model()->rowCount(), perExpression.value(QStringLiteral("surprise")));
        f.view()->filters()->setClassFilter(ui::FilterPanel::AnyClass);
        f.view()->filters()->setFileNameFilter(QStringLiteral("AJ_Cook"));
        QCOMPARE(f.model()->rowCount(), ajCook);

        // Relabel the first AJ_Cook face as "fear" with the keyboard: the fear bar gains a curator label.
        int fearDigit = 0;
        const QVector<ClassInfo> assignable = f.session()->assignableClasses();
        for (int i = 0; i < assignable.size(); ++i)
            if (assignable[i].name == QLatin1String("fear"))
                fearDigit = i + 1;
        QVERIFY(fearDigit >= 1 && fearDigit <= 9);
        const int fearBar = static_cast<int>(bars.indexOf(expr.classByName(QStringLiteral("fear"))->id));
        f.gallery()->selectRow(0);
        const qint64 id = f.model()->imageIdAt(0);
        QTest::keyClick(f.gallery(), Qt::Key(Qt::Key_0 + fearDigit));
        const auto stored = f.reopen().label(id, expr.id);
        QCOMPARE(stored->classId, std::optional<qint64>(expr.classByName(QStringLiteral("fear"))->id));
        QCOMPARE(stored->provenance, Provenance::Curator);
        QCOMPARE(int(chart->barValue(fearBar, Provenance::Curator)), 1);
    }
};

QTEST_MAIN(FacesDevStudioTest)
#include "test_faces_dev_studio.moc"
