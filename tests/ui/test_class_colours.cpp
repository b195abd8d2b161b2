// Class colours: fixed defaults for well-known names, stable colours for other names whatever the
// class order, the curator's choice in the task editor stored in the catalogue (and seen by every
// view after reopening), and the schema migration that added the column.
#include "UiTestSupport.h"
#include "core/catalogue/ClassColourStore.h"
#include "core/catalogue/Database.h"
#include "ui/ClassColors.h"
#include "ui/balance/BalanceChart.h"
#include "ui/tasks/TaskEditorDialog.h"

#include <QToolButton>

using namespace exemplar;
using namespace exemplar::test;

namespace {

ClassInfo cls(qint64 id, const QString& name, int position) { return {id, name, position, false}; }

int rowOf(const TaskInfo& task, const QString& name)
{
    for (int i = 0; i < task.classes.size(); ++i)
        if (task.classes[i].name == name)
            return i;
    return -1;
}

QHash<qint64, QColor> coloursOf(const ui::CurationSession* session, const TaskInfo& task)
{
    QHash<qint64, QColor> out;
    for (const ClassInfo& c : task.classes)
        out.insert(c.id, session->classColour(c.id));
    return out;
}

} // namespace

class ClassColoursTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wellKnownNamesHaveMeaningfulDefaults()
    {
        QCOMPARE(ui::knownClassColour(QStringLiteral("happiness")), QColor(0xE69F00)); // warm orange
        QCOMPARE(ui::knownClassColour(QStringLiteral("Happy")), QColor(0xE69F00));
        QCOMPARE(ui::knownClassColour(QStringLiteral("sadness")), QColor(0x0072B2));   // blue
        QCOMPARE(ui::knownClassColour(QStringLiteral("ANGRY")), QColor(0xD55E00));     // vermillion
        QCOMPARE(ui::knownClassColour(QStringLiteral("surprise")), QColor(0xCC79A7));  // reddish purple
        QCOMPARE(ui::knownClassColour(QStringLiteral("scared")), QColor(0x009E73));    // bluish green
        QCOMPARE(ui::knownClassColour(QStringLiteral("disgust")), QColor(0x5C5C14));   // olive
        QCOMPARE(ui::knownClassColour(QStringLiteral(" neutral ")), QColor(0xBBBBBB)); // grey
        QVERIFY(ui::knownClassColour(QStringLiteral("female")).has_value());
        QVERIFY(ui::knownClassColour(QStringLiteral("male")).has_value());
        QVERIFY(!ui::knownClassColour(QStringLiteral("glasses")).has_value());

        // Within the expressions and within the sexes, no two defaults are alike.
        const QStringList expressions{"happiness", "sadness", "anger", "surprise", "fear", "disgust", "neutral", "contempt"};
        QSet<QRgb> seen;
        for (const QString& e : expressions)
            seen.insert(ui::knownClassColour(e)->rgb());
        QCOMPARE(seen.size(), expressions.size());
        QVERIFY(ui::knownClassColour(QStringLiteral("female")) != ui::knownClassColour(QStringLiteral("male")));
    }

    void otherNamesKeepTheirColourWhenClassesMove()
    {
        TaskInfo task{1, QStringLiteral("pose"),
                      {cls(5, QStringLiteral("frontal"), 0), cls(6, QStringLiteral("profile"), 1),
                       cls(7, QStringLiteral("three-quarter"), 2), cls(8, QStringLiteral("sadness"), 3)}};
        const QHash<qint64, QColor> before = ui::classColours(task, {});
        QCOMPARE(before.size(), 4);
        QCOMPARE(QSet<QRgb>({before[5].rgb(), before[6].rgb(), before[7].rgb(), before[8].rgb()}).size(), 4);
        QCOMPARE(before[8], QColor(0x0072B2)); // a known name keeps its default in any task

        std::reverse(task.classes.begin(), task.classes.end());
        for (int i = 0; i < task.classes.size(); ++i)
            task.classes[i].position = i;
        QCOMPARE(ui::classColours(task, {}), before);

        task.classes.push_back(cls(9, QStringLiteral("tilted"), 4));
        const QHash<qint64, QColor> added = ui::classColours(task, {});
        for (qint64 id : before.keys())
            QCOMPARE(added[id], before[id]);
        QVERIFY(!before.values().contains(added[9]));

        // A stored colour wins over the name's default.
        QCOMPARE(ui::classColours(task, {{8, 0x123456u}})[8], QColor(0x123456));
    }

    void chosenColourPersistsAndEveryViewUsesIt()
    {
        StudioFixture f(60);
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        const qint64 sadness = expr.classByName(QStringLiteral("sadness"))->id;
        QCOMPARE(f.session()->classColour(sadness), QColor(0x0072B2));

        {
            ui::TaskEditorDialog editor(f.session());
            editor.selectTask(expr.id);
            for (int row = 0; row < expr.classes.size(); ++row) {
                QToolButton* swatch = editor.colourButton(row);
                QVERIFY(swatch);
                QVERIFY(!swatch->icon().isNull());
            }
            editor.selectClassRow(rowOf(expr, QStringLiteral("sadness")));
            QVERIFY(editor.setSelectedClassColour(QColor(0x3366AA)));
        }
        QCOMPARE(f.session()->classColour(sadness), QColor(0x3366AA));
        QCOMPARE(ClassColourStore(f.reopen()).colour(sadness), std::optional<quint32>(0x3366AA));

        // The balance chart's band under the sadness bar, and a sad face's tile chip, use it too.
        const QVector<qint64> bars = f.view()->balance()->barClassIds();
        QCOMPARE(f.view()->balance()->barColour(static_cast<int>(bars.indexOf(sadness))), QColor(0x3366AA));
        for (int i = 0; i < bars.size(); ++i)
            QCOMPARE(f.view()->balance()->barColour(i), f.session()->classColour(bars[i]));
        const QHash<qint64, Label> labels = f.reopen().labelsOfTask(expr.id);
        int row = -1;
        for (int r = 0; r < f.model()->rowCount() && row < 0; ++r)
            if (labels.value(f.model()->imageIdAt(r)).classId == sadness)
                row = r;
        QVERIFY(row >= 0);
        QCOMPARE(f.model()->index(row).data(ui::GalleryModel::ActiveLabelRole).value<ui::TileLabel>().colour, QColor(0x3366AA));

        f.window->close();
        f.openWindow(); // a new session reads the catalogue again
        QCOMPARE(f.session()->classColour(sadness), QColor(0x3366AA));

        ui::TaskEditorDialog editor(f.session());
        editor.selectTask(expr.id);
        editor.selectClassRow(rowOf(expr, QStringLiteral("sadness")));
        QVERIFY(editor.setSelectedClassColour(std::nullopt));
        QCOMPARE(f.session()->classColour(sadness), QColor(0x0072B2));
        QCOMPARE(ClassColourStore(f.reopen()).colour(sadness), std::nullopt);
    }

    void reorderingClassesKeepsColours()
    {
        StudioFixture f(30);
        const TaskInfo glasses = f.task(QStringLiteral("glasses")); // names without a fixed colour
        const TaskInfo expr = f.task(QStringLiteral("expression"));
        const QHash<qint64, QColor> glassesBefore = coloursOf(f.session(), glasses);
        const QHash<qint64, QColor> exprBefore = coloursOf(f.session(), expr);
        QVERIFY(glassesBefore[glasses.classes[0].id] != glassesBefore[glasses.classes[1].id]);

        ui::TaskEditorDialog editor(f.session());
        editor.selectTask(glasses.id);
        editor.selectClassRow(0);
        QVERIFY(editor.moveSelectedClass(+1));
        editor.selectTask(expr.id);
        editor.selectClassRow(0);
        QVERIFY(editor.moveSelectedClass(+1));
        editor.selectClassRow(3);
        QVERIFY(editor.moveSelectedClass(-1));
        QVERIFY(f.reopen().task(glasses.id)->classes[0].id == glasses.classes[1].id); // really reordered

        QCOMPARE(coloursOf(f.session(), *f.reopen().task(glasses.id)), glassesBefore);
        QCOMPARE(coloursOf(f.session(), *f.reopen().task(expr.id)), exprBefore);
    }

    void versionTwoCataloguesGainTheColourColumn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v2.exemplar"));
        qint64 classId = 0;
        {
            Catalogue cat = Catalogue::open(path);
            classId = cat.ensureTask(QStringLiteral("expression"), {QStringLiteral("anger")}).classes[0].id;
        }
        {
            Database raw(path, {});
            raw.exec("ALTER TABLE classes DROP COLUMN colour; PRAGMA user_version = 2");
        }
        Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
        QCOMPARE(cat.schemaVersion(), 3);
        ClassColourStore store(cat);
        QCOMPARE(store.colour(classId), std::nullopt);
        store.setColour(classId, 0xABCDEFu);
        QCOMPARE(store.colours(), (QHash<qint64, quint32>{{classId, 0xABCDEFu}}));
        QVERIFY_THROWS_EXCEPTION(Error, store.setColour(classId, 0x1000000u));
        QVERIFY_THROWS_EXCEPTION(Error, store.setColour(classId + 99, 0x10u));
    }
};

QTEST_MAIN(ClassColoursTest)
#include "test_class_colours.moc"
