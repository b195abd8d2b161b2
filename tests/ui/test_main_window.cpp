// The main window as a user meets it first: it fits a 1366x768 laptop with the mining panel open,
// its toolbar stays reachable at 1024 px, the shortcut overlay lists every action's shortcut, the
// gallery's face count is only shown with the gallery, folders and catalogues can be dropped on it,
// recent catalogues persist, labels export to a file, and moved photo folders are found again.
#include "UiTestSupport.h"
#include "core/import/LabelsExport.h"
#include "tests/support/TestSupport.h"
#include "ui/ElidedLabel.h"
#include "ui/HelpOverlay.h"
#include "ui/MissingFilesBanner.h"
#include "ui/import/ImportDialog.h"
#include "ui/mining/MiningPanel.h"

#include <QAction>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>
#include <functional>

using namespace exemplar;
using namespace exemplar::test;

namespace {

// A 768-pixel-high screen loses room to the desktop's panel (Windows' taskbar is 40-48 px, GNOME's
// top bar about 32 px, a KDE panel 44 px) and to the window's own title bar (about 30 px): the
// window's content must fit in what is left.
constexpr int kLaptopWidth = 1366;
constexpr int kLaptopContentHeight = 768 - 48 - 32;

QMimeData* urlsMime(const QStringList& paths)
{
    auto* mime = new QMimeData;
    QList<QUrl> urls;
    for (const QString& p : paths)
        urls << QUrl::fromLocalFile(p);
    mime->setUrls(urls);
    return mime;
}

// Sends a drag over the gallery (where a user drops) and returns whether anyone accepted it.
bool dragEnterAccepted(StudioFixture& f, const QStringList& paths)
{
    std::unique_ptr<QMimeData> mime(urlsMime(paths));
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.gallery()->viewport(), &enter);
    return enter.isAccepted();
}

void drop(StudioFixture& f, const QStringList& paths)
{
    std::unique_ptr<QMimeData> mime(urlsMime(paths));
    QDropEvent event(QPointF(20, 20), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(f.window.get(), &event);
}

QStringList recentPaths(ui::MainWindow* window)
{
    window->refreshRecentMenu();
    QStringList paths;
    for (QAction* a : window->recentMenu()->actions())
        if (!a->data().toString().isEmpty())
            paths << a->data().toString();
    return paths;
}

QString canonical(const QString& path) { return QFileInfo(path).canonicalFilePath(); }

// What sets the window's minimum size: the minimum size hint of the toolbar's widgets, the status
// bar's, the docks' and the central widget's children down to `depth` levels, widest first.
QString widestParts(QWidget* window, int depth = 4)
{
    struct Part {
        QString name;
        QSize minimum;
    };
    QVector<Part> parts;
    std::function<void(QWidget*, const QString&, int)> walk = [&](QWidget* w, const QString& path, int level) {
        if (!w->isVisibleTo(window) && !qobject_cast<QStackedWidget*>(w->parentWidget()))
            return; // every page of a stack counts: QStackedWidget's minimum is the largest page's
        const QString name = path + QLatin1Char('/') + (w->objectName().isEmpty() ? QString::fromLatin1(w->metaObject()->className()) : w->objectName());
        parts.push_back({name, w->minimumSizeHint().expandedTo(w->minimumSize())});
        if (level < depth)
            for (QWidget* child : w->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly))
                walk(child, name, level + 1);
    };
    walk(window, QString(), 0);
    std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.minimum.width() > b.minimum.width(); });
    QStringList lines;
    for (const Part& p : parts.mid(0, 40))
        lines << QStringLiteral("%1x%2  %3").arg(p.minimum.width()).arg(p.minimum.height()).arg(p.name);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void fitsALaptopScreenWithTheMiningPanelOpen()
    {
        StudioFixture f(60);
        ui::MiningPanel* mining = ui::miningPanelOf(f.window.get());
        QVERIFY(mining);
        mining->parentWidget()->show(); // as --mining does: the "Find exemplars" dock
        QApplication::processEvents();
        const QSize minimum = f.window->minimumSizeHint();
        if (qEnvironmentVariableIsSet("EXEMPLAR_FIT_REPORT"))
            qInfo().noquote() << widestParts(f.window.get(), qEnvironmentVariableIntValue("EXEMPLAR_FIT_REPORT"));
        QVERIFY2(minimum.width() <= kLaptopWidth, qPrintable(QStringLiteral("minimum width %1").arg(minimum.width())));
        QVERIFY2(minimum.height() <= kLaptopContentHeight, qPrintable(QStringLiteral("minimum height %1").arg(minimum.height())));
        // The layout lets the window really take that size (nothing wider hides outside the hint).
        f.window->resize(kLaptopWidth, kLaptopContentHeight);
        QApplication::processEvents();
        QCOMPARE(f.window->size(), QSize(kLaptopWidth, kLaptopContentHeight));
        QVERIFY(mining->isVisible());
        QVERIFY(f.gallery()->width() > 300);
    }

    void everyToolbarActionIsReachableAt1024()
    {
        StudioFixture f(30);
        QToolBar* bar = f.window->mainToolBar();
        // Everything the user can use: not separators, not the spacer that pushes the zoom right.
        QList<QAction*> items;
        for (QAction* a : bar->actions())
            if (!a->isSeparator() && bar->widgetForAction(a)->objectName() != QLatin1String("toolBarSpacer"))
                items << a;
        QVERIFY(items.size() >= 9);
        auto cutOff = [bar, items] {
            QStringList hidden;
            for (QAction* a : items) {
                QWidget* w = bar->widgetForAction(a);
                if (!(w->isVisible() && bar->rect().contains(w->geometry())))
                    hidden << QStringLiteral("%1 %2").arg(a->text().isEmpty() ? QString::fromLatin1(w->metaObject()->className()) : a->text(),
                                                          w->isVisible() ? QStringLiteral("outside the bar") : QStringLiteral("hidden"));
            }
            return hidden;
        };
        f.window->resize(1024, 700);
        QApplication::processEvents();
        QCOMPARE(f.window->width(), 1024);
        QVERIFY2(cutOff().isEmpty(), qPrintable(cutOff().join(QStringLiteral(", "))));

        // Narrower than the bar (the window's own minimum): what is cut off is in the overflow menu.
        f.window->resize(f.window->minimumSizeHint().width(), 700);
        QApplication::processEvents();
        const QStringList hidden = cutOff();
        if (!hidden.isEmpty()) {
            auto* extension = bar->findChild<QToolButton*>(QStringLiteral("qt_toolbar_ext_button"));
            QVERIFY2(extension && extension->isVisible(), qPrintable(hidden.join(QStringLiteral(", "))));
            extension->click();
            QApplication::processEvents();
            QTRY_VERIFY2(cutOff().isEmpty(), qPrintable(QStringLiteral("after opening the overflow: ") + cutOff().join(QStringLiteral(", "))));
        }
        // The bar's short texts keep the full description and the shortcut in the tooltip.
        for (QAction* a : bar->actions())
            if (!a->isSeparator() && !a->icon().isNull())
                QVERIFY2(a->toolTip().size() > a->iconText().size(), qPrintable(a->toolTip()));
    }

    void overlayListsEveryActionShortcut()
    {
        StudioFixture f(20);
        f.window->showHelp();
        QTRY_VERIFY(f.window->helpOverlay()->isVisible());
        const QVector<ui::ShortcutHelp> rows = f.window->helpOverlay()->rows();
        QSet<QString> listed;
        for (const ui::ShortcutHelp& r : rows)
            for (const QString& k : r.keys.split(QStringLiteral(", ")))
                listed << k;
        int actions = 0;
        for (QAction* a : f.window->findChildren<QAction*>()) {
            for (const QKeySequence& k : a->shortcuts()) {
                if (k.isEmpty())
                    continue;
                ++actions;
                QVERIFY2(listed.contains(k.toString(QKeySequence::NativeText)),
                         qPrintable(QStringLiteral("%1 (%2) is not in the overlay").arg(k.toString(QKeySequence::NativeText), a->text())));
            }
        }
        QVERIFY(actions >= 10);
        // The ones users found missing: mining panel, new training run, near-duplicates.
        for (const QKeySequence k : {QKeySequence(Qt::CTRL | Qt::Key_M), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T),
                                     QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N)})
            QVERIFY2(listed.contains(k.toString(QKeySequence::NativeText)), qPrintable(k.toString()));
        // Keys without actions (the gallery's digits) are listed too, under a section.
        QVERIFY(std::any_of(rows.begin(), rows.end(), [](const ui::ShortcutHelp& r) { return r.keys == QLatin1String("0"); }));
        for (const ui::ShortcutHelp& r : rows)
            QVERIFY2(!r.section.isEmpty() && !r.action.contains(QLatin1Char('&')), qPrintable(r.action));
        // An action added later is listed the next time the overlay opens.
        auto* late = new QAction(QStringLiteral("Late command"), f.window.get());
        late->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_L));
        f.window->showHelp();
        const auto again = f.window->helpOverlay()->rows();
        QVERIFY(std::any_of(again.begin(), again.end(), [](const ui::ShortcutHelp& r) { return r.action == QLatin1String("Late command"); }));
    }

    void faceCountOnlyWithTheGallery()
    {
        StudioFixture f(25);
        auto* counts = f.window->statusBar()->findChild<ui::ElidedLabel*>(QStringLiteral("facesShownLabel"));
        QVERIFY(counts);
        QVERIFY(counts->isVisible());
        QCOMPARE(counts->fullText(), QStringLiteral("25 of 25 faces shown"));
        for (const QString& view : {QStringLiteral("monitor"), QStringLiteral("evaluation"), QStringLiteral("runs")}) {
            QVERIFY(f.window->showView(view));
            QVERIFY2(!counts->isVisible(), qPrintable(view));
        }
        QVERIFY(f.window->showView(QStringLiteral("gallery")));
        QVERIFY(counts->isVisible());
        // A narrow window elides the text instead of growing the window.
        QVERIFY(counts->minimumSizeHint().width() < counts->sizeHint().width());
    }

    void droppedFolderOpensTheImportDialogPrefilled()
    {
        StudioFixture f(10);
        QTemporaryDir photos;
        writeSyntheticImage(photos.filePath(QStringLiteral("a.jpg")), 48, 48, 1);
        QVERIFY(dragEnterAccepted(f, {photos.path()}));
        QVERIFY(!dragEnterAccepted(f, {photos.filePath(QStringLiteral("a.jpg"))})); // single images: refused
        QVERIFY(!dragEnterAccepted(f, {photos.path(), f.dir.path()}));             // several items: refused
        drop(f, {photos.path()});
        QTRY_VERIFY(f.window->importDialog());
        ui::ImportDialog* dialog = f.window->importDialog();
        QCOMPARE(canonical(dialog->folder()), canonical(photos.path()));
        QVERIFY(dialog->isVisible());
        dialog->close();
        QTRY_VERIFY(!f.window->importDialog()); // deleted on close

        // A dropped catalogue is opened.
        QTemporaryDir other;
        const QString second = other.filePath(QStringLiteral("second.exemplar"));
        Catalogue::open(second, Catalogue::OpenMode::CreateIfMissing);
        QVERIFY(dragEnterAccepted(f, {second}));
        drop(f, {second});
        QTRY_COMPARE(canonical(f.session()->path()), canonical(second));
    }

    void recentCataloguesPersistAcrossWindows()
    {
        StudioFixture f(5);
        QTemporaryDir other;
        const QString second = other.filePath(QStringLiteral("second.exemplar"));
        Catalogue::open(second, Catalogue::OpenMode::CreateIfMissing);
        QVERIFY(f.window->openCatalogue(second));
        f.window->close();

        // A new window on the same settings file: newest first.
        f.window.reset();
        f.settings = std::make_unique<ui::StudioSettings>(f.settingsPath());
        ui::MainWindow window(f.settings.get());
        window.setInteractive(false);
        QStringList recent = recentPaths(&window);
        QCOMPARE(recent.size(), 2);
        QCOMPARE(canonical(recent[0]), canonical(second));
        QCOMPARE(canonical(recent[1]), canonical(f.cataloguePath));
        QVERIFY(window.recentMenu()->isEnabled());

        // One that is gone is removed, with a message, when chosen.
        QVERIFY(QFile::remove(second));
        QVERIFY(!window.openRecent(recent[0]));
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("no longer exists")));
        recent = recentPaths(&window);
        QCOMPARE(recent.size(), 1);
        QVERIFY(window.openRecent(recent[0]));

        // At most ten, and "Clear recent" empties the list for the next window too.
        for (int i = 0; i < 12; ++i)
            f.settings->setLastCatalogue(other.filePath(QStringLiteral("c%1.exemplar").arg(i)));
        QCOMPARE(recentPaths(&window).size(), ui::StudioSettings::maxRecent);
        QAction* clear = window.recentMenu()->findChild<QAction*>(QStringLiteral("clearRecentAction"));
        QVERIFY(clear && clear->isEnabled());
        clear->trigger();
        QVERIFY(ui::StudioSettings(f.settingsPath()).recentCatalogues().isEmpty());
        QVERIFY(!window.recentMenu()->isEnabled());
    }

    void exportLabelsWritesTheFileAndSaysWhat()
    {
        StudioFixture f(40);
        int expected = 0;
        for (const TaskInfo& t : f.session()->tasks())
            expected += f.session()->labels(t.id).size();
        QVERIFY(expected > 0);
        QSignalSpy done(f.window.get(), &ui::MainWindow::labelsExported);
        const QString csv = f.dir.filePath(QStringLiteral("out/labels.csv"));
        QDir().mkpath(f.dir.filePath(QStringLiteral("out")));
        QVERIFY(f.window->exportLabels(csv));
        QVERIFY(done.wait(20000));
        QCOMPARE(done.front().at(1).toBool(), true);
        const QString message = done.front().at(2).toString();
        QVERIFY2(message.contains(QStringLiteral("%1 labels of 40 images").arg(expected)), qPrintable(message));
        QVERIFY2(message.contains(QDir::toNativeSeparators(csv)), qPrintable(message));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 40 + 2); // the format record, the header, one row per image
        QVERIFY(lines[1].startsWith("file,folder,identity,"));

        const QString json = f.dir.filePath(QStringLiteral("out/labels.json"));
        QVERIFY(f.window->exportLabels(json));
        QVERIFY(done.wait(20000));
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(jsonFile.readAll()).object().value(QStringLiteral("images")).toArray().size(), 40);

        // A file that cannot be written is an error message, not a silent nothing.
        QVERIFY(f.window->exportLabels(f.dir.filePath(QStringLiteral("no/such/folder/labels.csv"))));
        QVERIFY(done.wait(20000));
        QCOMPARE(done.back().at(1).toBool(), false);
    }

    void movedPhotoFolderIsReportedAndRelinked()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("moved.exemplar"));
        ui::DemoOptions opts;
        opts.images = 12;
        opts.imageSide = 64;
        const ui::DemoSummary demo = ui::generateDemoCatalogue(path, opts);
        const QString movedTo = dir.filePath(QStringLiteral("elsewhere/photos"));
        QDir().mkpath(dir.filePath(QStringLiteral("elsewhere")));
        QVERIFY(QDir().rename(demo.imagesDir, movedTo));

        StudioFixture f(path);
        ui::MissingFilesBanner* banner = f.window->missingFilesBanner();
        QVERIFY(banner->isVisible());
        QCOMPARE(banner->missing().size(), 1);
        QCOMPARE(banner->missing().front().images, 12);
        QVERIFY2(banner->text().contains(QDir::cleanPath(demo.imagesDir).toHtmlEscaped()), qPrintable(banner->text()));
        QVERIFY(banner->findChild<QPushButton*>(QStringLiteral("locateFolderButton"))->isVisible());

        QVERIFY(f.window->relinkFolder(banner->missing().front().rootId, movedTo));
        QVERIFY(!banner->isVisible());
        const Catalogue cat = f.reopen();
        QCOMPARE(canonical(cat.roots().front().path), canonical(movedTo));
        QCOMPARE(cat.check().missingFiles, 0);
        QCOMPARE(f.model()->rowCount(), 12);
    }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"
