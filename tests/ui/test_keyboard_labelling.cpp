// Drives the curation window with the keyboard (digits, E, 0, arrows, multi-selection, undo/redo)
// and checks what the catalogue stored, through a separate connection.
#include "UiTestSupport.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/preview/PreviewPanel.h"

#include <QSignalSpy>
#include <functional>

using namespace exemplar;
using namespace exemplar::test;

class KeyboardLabellingTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void digitSetsClassOfCurrentFaceAndAdvances()
    {
        StudioFixture f;
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        f.gallery()->selectRow(0);
        const qint64 first = f.model()->imageIdAt(0);
        const qint64 second = f.model()->imageIdAt(1);

        QTest::keyClick(f.gallery(), Qt::Key_2);
        QCOMPARE(f.gallery()->currentIndex().row(), 1); // moved on to the next face
        QTest::keyClick(f.gallery(), Qt::Key_4);
        QCOMPARE(f.gallery()->currentIndex().row(), 2);

        Catalogue disk = f.reopen();
        const auto l1 = disk.label(first, expr.id);
        QVERIFY(l1 && l1->classId);
        QCOMPARE(*l1->classId, expr.classes[1].id); // digit 2 = second class
        QCOMPARE(l1->provenance, Provenance::Curator);
        const auto l2 = disk.label(second, expr.id);
        QVERIFY(l2 && l2->classId);
        QCOMPARE(*l2->classId, expr.classes[3].id);
        // The preview follows the current face and lists its label history, the new change included.
        QCOMPARE(f.view()->preview()->imageId(), f.model()->imageIdAt(2));
        f.gallery()->selectRow(0);
        QCOMPARE(f.view()->preview()->imageId(), first);
        const int history = static_cast<int>(disk.labelHistory(first).size());
        QVERIFY(history >= 1);
        QCOMPARE(f.view()->preview()->historyRows(), history);
        QVERIFY(f.view()->preview()->labelsText().contains(expr.classes[1].name));
    }

    void digitBeyondClassesChangesNothing()
    {
        StudioFixture f;
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        QCOMPARE(expr.classes.size(), 5);
        f.gallery()->selectRow(3);
        const qint64 id = f.model()->imageIdAt(3);
        const auto before = f.reopen().label(id, expr.id);
        const int changesBefore = static_cast<int>(f.reopen().changes(1000).size());
        QTest::keyClick(f.gallery(), Qt::Key_9);
        QCOMPARE(f.gallery()->currentIndex().row(), 3);
        Catalogue disk = f.reopen();
        QCOMPARE(disk.changes(1000).size(), changesBefore);
        QCOMPARE(disk.label(id, expr.id).has_value(), before.has_value());
    }

    void batchLabellingOfMultiSelection()
    {
        StudioFixture f;
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        f.gallery()->selectRow(2);
        // Shift+Right three times extends the selection to rows 2..5.
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(f.gallery(), Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(f.gallery()->targetRows(), (QVector<int>{2, 3, 4, 5}));
        QTest::keyClick(f.gallery(), Qt::Key_3);
        QCOMPARE(f.gallery()->currentIndex().row(), 5); // no advance for a batch

        Catalogue disk = f.reopen();
        for (int row = 2; row <= 5; ++row) {
            const auto l = disk.label(f.model()->imageIdAt(row), expr.id);
            QVERIFY(l && l->classId);
            QCOMPARE(*l->classId, expr.classes[2].id);
        }
        // The batch is one undoable change.
        QCOMPARE(disk.changes(1).first().labelCount, 4);

        QTest::keyClick(f.gallery(), Qt::Key_E);
        disk = f.reopen();
        for (int row = 2; row <= 5; ++row)
            QVERIFY(disk.label(f.model()->imageIdAt(row), expr.id)->exemplar);
        QTest::keyClick(f.gallery(), Qt::Key_E); // all are exemplars: toggles them all off
        disk = f.reopen();
        for (int row = 2; row <= 5; ++row)
            QVERIFY(!disk.label(f.model()->imageIdAt(row), expr.id)->exemplar);
        // The tile shows the curator's class.
        const auto tile = f.model()->index(4).data(ui::GalleryModel::ActiveLabelRole).value<ui::TileLabel>();
        QCOMPARE(tile.className, expr.classes[2].name);
        QCOMPARE(tile.provenance, Provenance::Curator);
    }

    void selectAllAndLabelEveryFace()
    {
        StudioFixture f(300);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        f.gallery()->selectRow(0);
        QTest::keyClick(f.gallery(), Qt::Key_A, Qt::ControlModifier);
        QCOMPARE(f.gallery()->targetRows().size(), 300);
        QTest::keyClick(f.gallery(), Qt::Key_3);
        const QHash<qint64, Label> labels = f.reopen().labelsOfTask(expr.id);
        QCOMPARE(labels.size(), 300);
        for (const Label& l : labels)
            QCOMPARE(l.classId, std::optional<qint64>(expr.classes[2].id));
        for (int row : {0, 150, 299})
            QCOMPARE(f.model()->index(row).data(ui::GalleryModel::ActiveLabelRole).value<ui::TileLabel>().className,
                     expr.classes[2].name);
        QTest::keyClick(f.gallery(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(f.reopen().labelsOfTask(expr.id).size() < 300);
    }

    void zeroClearsTheClass()
    {
        StudioFixture f;
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        f.gallery()->selectRow(0);
        QTest::keyClick(f.gallery(), Qt::Key_1);
        f.gallery()->selectRow(0);
        QTest::keyClick(f.gallery(), Qt::Key_0);
        const auto l = f.reopen().label(f.model()->imageIdAt(0), expr.id);
        QVERIFY(!l || !l->classId);
        QVERIFY(!f.model()->index(0).data(ui::GalleryModel::ActiveLabelRole).isValid()
                || f.model()->index(0).data(ui::GalleryModel::ActiveLabelRole).value<ui::TileLabel>().classPosition < 0);
    }

    void arrowsAndPagesMove()
    {
        StudioFixture f;
        f.gallery()->selectRow(0);
        QTest::keyClick(f.gallery(), Qt::Key_Right);
        QCOMPARE(f.gallery()->currentIndex().row(), 1);
        QTest::keyClick(f.gallery(), Qt::Key_Down);
        const int perRow = f.gallery()->currentIndex().row() - 1;
        QVERIFY2(perRow > 1, "several tiles per row in a 1200 px window");
        QTest::keyClick(f.gallery(), Qt::Key_PageDown);
        QVERIFY(f.gallery()->currentIndex().row() > 1 + perRow);
        QTest::keyClick(f.gallery(), Qt::Key_End);
        QCOMPARE(f.gallery()->currentIndex().row(), f.model()->rowCount() - 1);
        QTest::keyClick(f.gallery(), Qt::Key_Home);
        QCOMPARE(f.gallery()->currentIndex().row(), 0);
    }

    void undoRedoWithShortcutsSurviveRestart()
    {
        StudioFixture f;
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        f.gallery()->selectRow(0);
        const qint64 id = f.model()->imageIdAt(0);
        const auto original = f.reopen().label(id, expr.id);
        QTest::keyClick(f.gallery(), Qt::Key_5);
        QCOMPARE(*f.reopen().label(id, expr.id)->classId, expr.classes[4].id);

        QTest::keyClick(f.gallery(), Qt::Key_Z, Qt::ControlModifier);
        auto afterUndo = f.reopen().label(id, expr.id);
        QCOMPARE(afterUndo.has_value(), original.has_value());
        if (original)
            QCOMPARE(afterUndo->classId, original->classId);
        QTest::keyClick(f.gallery(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(*f.reopen().label(id, expr.id)->classId, expr.classes[4].id);

        // Close the studio and start it again: the history is in the catalogue.
        f.openWindow();
        QVERIFY(f.session()->canUndo());
        QTest::keyClick(f.gallery(), Qt::Key_Z, Qt::ControlModifier);
        afterUndo = f.reopen().label(id, expr.id);
        QCOMPARE(afterUndo.has_value(), original.has_value());
        if (original)
            QCOMPARE(afterUndo->classId, original->classId);
        // ...and the tile shows the restored label.
        const QVariant tile = f.model()->index(f.model()->rowOf(id)).data(ui::GalleryModel::ActiveLabelRole);
        QCOMPARE(tile.isValid() && tile.value<ui::TileLabel>().classPosition >= 0, original && original->classId);
        QTest::keyClick(f.gallery(), Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(*f.reopen().label(id, expr.id)->classId, expr.classes[4].id);
    }

    void unlabelledAndClassKeysMoveWithinWhatIsShown()
    {
        StudioFixture f(200);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        const QHash<qint64, Label> labels = f.reopen().labelsOfTask(expr.id);
        const int changesBefore = static_cast<int>(f.reopen().changes(1000).size());
        // A search hides most faces: the keys must only visit what is shown.
        QVERIFY(f.view()->filters()->setSearchText(QStringLiteral("-Alex -file:bea")));
        const int shown = f.model()->rowCount();
        QVERIFY(shown > 100 && shown < 200);
        auto rowsWhere = [&](const std::function<bool(const std::optional<Label>&)>& keep) {
            QVector<int> rows;
            for (int r = 0; r < shown; ++r) {
                const qint64 id = f.model()->imageIdAt(r);
                if (keep(labels.contains(id) ? std::optional<Label>(labels[id]) : std::nullopt))
                    rows << r;
            }
            return rows;
        };
        const QVector<int> unlabelled = rowsWhere([](const auto& l) { return !l || !l->classId; });
        QVERIFY(unlabelled.size() >= 3);
        auto inView = [&] {
            return f.gallery()->viewport()->rect().intersects(f.gallery()->visualRect(f.gallery()->currentIndex()));
        };

        f.gallery()->selectRow(0);
        for (int row : unlabelled) { // forward through every unlabelled face...
            if (row == 0)
                continue; // the current face is not "next"
            QTest::keyClick(f.gallery(), Qt::Key_U);
            QCOMPARE(f.gallery()->currentIndex().row(), row);
            QVERIFY(inView());
        }
        QTest::keyClick(f.gallery(), Qt::Key_U); // ...then round to the first again
        QCOMPARE(f.gallery()->currentIndex().row(), unlabelled.first());
        QTest::keyClick(f.gallery(), Qt::Key_U, Qt::ShiftModifier); // and back, wrapping the other way
        QCOMPARE(f.gallery()->currentIndex().row(), unlabelled.last());
        QVERIFY(inView());
        QTest::keyClick(f.gallery(), Qt::Key_U, Qt::ShiftModifier);
        QCOMPARE(f.gallery()->currentIndex().row(), unlabelled[unlabelled.size() - 2]);

        // Alt+3: the third assignable class, numbered as the labelling digits are.
        const qint64 third = f.session()->assignableClasses()[2].id;
        const QVector<int> ofThird = rowsWhere([&](const auto& l) { return l && l->classId == third; });
        QVERIFY(ofThird.size() >= 2);
        f.gallery()->selectRow(shown - 1);
        for (int k = 0; k <= ofThird.size(); ++k) {
            QTest::keyClick(f.gallery(), Qt::Key_3, Qt::AltModifier);
            QCOMPARE(f.gallery()->currentIndex().row(), ofThird[k % ofThird.size()]);
            QVERIFY(inView());
        }
        QCOMPARE(f.reopen().changes(1000).size(), changesBefore); // moving never labels

        // Nothing of that class among the shown faces: the face stays and the status bar says why.
        f.view()->filters()->setClassFilter(f.session()->assignableClasses()[0].id);
        f.gallery()->selectRow(0);
        QSignalSpy said(f.session(), &ui::CurationSession::message);
        QTest::keyClick(f.gallery(), Qt::Key_3, Qt::AltModifier);
        QCOMPARE(f.gallery()->currentIndex().row(), 0);
        QCOMPARE(said.size(), 1);
        QVERIFY(said.first().first().toString().contains(f.session()->assignableClasses()[2].name));
    }

    void switchingTaskLabelsThatTask()
    {
        StudioFixture f;
        const TaskInfo glasses = f.task(QStringLiteral("glasses"));
        f.session()->setActiveTask(glasses.id);
        f.gallery()->selectRow(0);
        const qint64 id = f.model()->imageIdAt(0);
        QTest::keyClick(f.gallery(), Qt::Key_1);
        QCOMPARE(*f.reopen().label(id, glasses.id)->classId, glasses.classes[0].id);
        QVERIFY(f.view()->preview()->labelsText().contains(QStringLiteral("glasses")));
    }
};

QTEST_MAIN(KeyboardLabellingTest)
#include "test_keyboard_labelling.moc"
