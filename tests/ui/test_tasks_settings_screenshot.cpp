// Task/class editor, persistent settings, the help overlay, the demo generator and --screenshot.
#include "UiTestSupport.h"
#include "core/util/Error.h"
#include "ui/HelpOverlay.h"
#include "ui/Screenshot.h"
#include "ui/balance/BalanceChart.h"
#include "ui/tasks/TaskEditorDialog.h"

#include <QFileInfo>
#include <QProcess>
#include <QImage>
#include <QWheelEvent>

using namespace exemplar;
using namespace exemplar::test;

class TasksSettingsScreenshotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void demoCatalogueHasWhatItPromises()
    {
        QTemporaryDir dir;
        ui::DemoOptions opts;
        opts.images = 80;
        opts.imageSide = 200; // larger than a thumbnail: the thumbnail is scaled down to 160
        const ui::DemoSummary s = ui::generateDemoCatalogue(dir.filePath(QStringLiteral("d.exemplar")), opts);
        QCOMPARE(s.images, 80);
        Catalogue cat = Catalogue::open(dir.filePath(QStringLiteral("d.exemplar")), Catalogue::OpenMode::MustExist);
        QCOMPARE(cat.imageCount(), 80);
        const TaskInfo expr = *cat.task(QStringLiteral("expression"));
        QCOMPARE(expr.classes.size(), ui::demoExpressions().size());
        int labelled = 0;
        for (const Label& l : cat.labelsOfTask(expr.id))
            labelled += l.classId.has_value();
        QCOMPARE(labelled, s.labelled);
        for (const ImageRecord& r : cat.allImages()) {
            QVERIFY2(QFileInfo::exists(r.absolutePath), qPrintable(r.absolutePath));
            QImage thumb;
            QVERIFY(thumb.loadFromData(cat.thumbnail(r.id), "JPG"));
            QCOMPARE(std::max(thumb.width(), thumb.height()), kThumbnailMaxSide);
        }
        QVERIFY(cat.attributeRange(QStringLiteral("quality")).has_value());
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, ui::generateDemoCatalogue(dir.filePath(QStringLiteral("d.exemplar")), opts));
    }

    void taskEditorCreatesRenamesReordersAndRetires()
    {
        StudioFixture f(40);
        ui::TaskEditorDialog editor(f.session());
        QVERIFY(editor.createTask(QStringLiteral("sex"), {QStringLiteral("female"), QStringLiteral("male")}));
        QVERIFY(!editor.createTask(QStringLiteral("sex"), {})); // duplicate refused
        QVERIFY(editor.addClass(QStringLiteral("unsure")));
        editor.selectClassRow(1);
        QVERIFY(editor.renameSelectedClass(QStringLiteral("man")));
        QVERIFY(editor.moveSelectedClass(-1)); // man, female, unsure
        editor.selectClassRow(2);
        QVERIFY(editor.toggleSelectedClassRetired());

        const TaskInfo sex = *f.reopen().task(QStringLiteral("sex"));
        QCOMPARE(sex.classes.size(), 3);
        QCOMPARE(sex.classes[0].name, QStringLiteral("man"));
        QCOMPARE(sex.classes[1].name, QStringLiteral("female"));
        QCOMPARE(sex.classes[2].name, QStringLiteral("unsure"));
        QVERIFY(sex.classes[2].retired);

        // Digits follow the new order; the retired class gets no digit.
        f.session()->setActiveTask(sex.id);
        QCOMPARE(f.session()->assignableClasses().size(), 2);
        f.gallery()->selectRow(0);
        const qint64 id = f.model()->imageIdAt(0);
        QTest::keyClick(f.gallery(), Qt::Key_1);
        QCOMPARE(*f.reopen().label(id, sex.id)->classId, sex.classes[0].id);
        f.gallery()->selectRow(1);
        QTest::keyClick(f.gallery(), Qt::Key_3);
        QVERIFY(!f.reopen().label(f.model()->imageIdAt(1), sex.id).has_value());
    }

    void firstTaskOfAnUnlabelledCatalogueBecomesActive()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plain.exemplar"));
        {
            Catalogue cat = Catalogue::open(path);
            const qint64 root = cat.ensureRoot(dir.path());
            std::vector<NewImage> images;
            for (int i = 0; i < 3; ++i)
                images.push_back({root, QStringLiteral("f%1.jpg").arg(i), QByteArray::number(i).repeated(8), 10, 10, {}, {}, 1});
            cat.addImages(images);
        }
        StudioFixture f(path);
        QVERIFY(!f.session()->activeTask());
        QTest::keyClick(f.gallery(), Qt::Key_1); // no task: nothing happens
        QVERIFY(f.reopen().changes().isEmpty());
        ui::TaskEditorDialog editor(f.session());
        QVERIFY(editor.createTask(QStringLiteral("sex"), {QStringLiteral("female"), QStringLiteral("male")}));
        QCOMPARE(f.session()->activeTask()->name, QStringLiteral("sex"));
        f.gallery()->selectRow(0);
        QTest::keyClick(f.gallery(), Qt::Key_2);
        const TaskInfo sex = *f.reopen().task(QStringLiteral("sex"));
        QCOMPARE(f.reopen().label(f.model()->imageIdAt(0), sex.id)->classId, std::optional<qint64>(sex.classes[1].id));
        QCOMPARE(f.view()->balance()->barValue(1, Provenance::Curator), 1.0);
    }

    void settingsPersistThumbnailSizeAndLastCatalogue()
    {
        StudioFixture f(20);
        const int before = f.gallery()->tileSize();
        QWheelEvent wheel(QPointF(50, 50), f.gallery()->viewport()->mapToGlobal(QPointF(50, 50)), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(f.gallery()->viewport(), &wheel);
        QCOMPARE(f.gallery()->tileSize(), before + 16);
        f.window->close();

        ui::StudioSettings reread(f.settingsPath());
        QCOMPARE(reread.thumbnailSize(), before + 16);
        QCOMPARE(QFileInfo(reread.lastCatalogue()).canonicalFilePath(), QFileInfo(f.cataloguePath).canonicalFilePath());
        f.openWindow();
        QCOMPARE(f.gallery()->tileSize(), before + 16);
    }

    void helpOverlayShowsAndHides()
    {
        StudioFixture f(20);
        QVERIFY(!f.window->helpOverlay()->isVisible());
        QTest::keyClick(f.gallery(), Qt::Key_Question, Qt::ShiftModifier, 0);
        QTRY_VERIFY(f.window->helpOverlay()->isVisible());
        QCOMPARE(f.window->helpOverlay()->geometry(), f.window->rect());
        QVERIFY(ui::StudioSettings(f.settingsPath()).helpSeen());
        QTest::keyClick(f.window->helpOverlay(), Qt::Key_Escape);
        QVERIFY(!f.window->helpOverlay()->isVisible());
        QVERIFY(ui::studioShortcuts(f.window.get()).size() >= 16); // the gallery keys and every menu shortcut
    }

    void screenshotWritesThePaintedWindow()
    {
        StudioFixture f(60);
        f.window->resize(1000, 700);
        const QString png = f.dir.filePath(QStringLiteral("shots/gallery.png"));
        QString error;
        QVERIFY2(ui::saveScreenshot(f.window.get(), png, [&] { return f.model()->pendingThumbnails() == 0; }, 10000, &error),
                 qPrintable(error));
        QImage shot(png);
        QCOMPARE(shot.size(), QSize(1000, 700) * f.window->devicePixelRatio());
        // The first tile shows its thumbnail: the painted area is not a flat placeholder.
        const QRect tile = f.gallery()->visualRect(f.model()->index(0));
        const QPoint origin = f.gallery()->viewport()->mapTo(f.window.get(), tile.topLeft());
        QSet<QRgb> colours;
        for (int y = 10; y < tile.height() - 40; y += 4)
            for (int x = 10; x < tile.width() - 10; x += 4)
                colours.insert(shot.pixel(origin + QPoint(x, y)));
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        QVERIFY(f.window->viewIds().contains(QStringLiteral("gallery")));
        QVERIFY(!f.window->showView(QStringLiteral("no-such-view")));
    }

    void studioExecutableRendersTheDemoHeadless()
    {
        const QString exe = QStringLiteral(EXEMPLAR_BINARY_DIR "/app/exemplar");
        QVERIFY2(QFileInfo(exe).isExecutable(), "build the `exemplar` target first");
        QTemporaryDir dir;
        const QString demo = dir.filePath(QStringLiteral("demo/demo.exemplar"));
        const QString png = dir.filePath(QStringLiteral("gallery.png"));
        QProcess p;
        p.setProcessEnvironment([] {
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
            return env;
        }());
        p.start(exe, {QStringLiteral("--demo"), QStringLiteral("--demo-catalog"), demo, QStringLiteral("--size"),
                      QStringLiteral("900x600"), QStringLiteral("--class"), QStringLiteral("happiness"),
                      QStringLiteral("--screenshot"), png});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QCOMPARE(QImage(png).size(), QSize(900, 600));
        QVERIFY(QFileInfo::exists(demo)); // generated on first use
        Catalogue cat = Catalogue::open(demo, Catalogue::OpenMode::MustExist);
        QVERIFY(cat.imageCount() > 100);

        p.start(exe, {QStringLiteral("--catalog"), demo, QStringLiteral("--class"), QStringLiteral("no-such-class"),
                      QStringLiteral("--screenshot"), png});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("no-such-class"));
    }
};

QTEST_MAIN(TasksSettingsScreenshotTest)
#include "test_tasks_settings_screenshot.moc"
