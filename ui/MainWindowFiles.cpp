// MainWindow's catalogue files: the File menu (new, open, recent, import, export labels), folders
// and catalogues dropped on the window, and locating image folders that moved.
#include "ui/MainWindow.h"

#include "core/catalogue/Relink.h"
#include "core/import/LabelsExport.h"
#include "core/util/Counted.h"
#include "core/util/Error.h"
#include "ui/MissingFilesBanner.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/gallery/GalleryView.h"
#include "ui/import/ImportDialog.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

namespace exemplar::ui {

namespace {

QIcon icon(const char* name) { return QIcon(QStringLiteral(":/exemplar/icons/%1.svg").arg(QLatin1String(name))); }

enum class DropKind { None, Folder, Catalogue };

struct DropTarget {
    DropKind kind = DropKind::None;
    QString path;
};

// What a drop means: one local folder is imported, one .exemplar file is opened. Anything else
// (several items, single image files, web links) is refused, so the cursor says so before the drop.
DropTarget dropTargetOf(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().front().isLocalFile())
        return {};
    const QFileInfo info(mime->urls().front().toLocalFile());
    if (info.isDir())
        return {DropKind::Folder, QDir::cleanPath(info.absoluteFilePath())};
    if (info.isFile() && info.suffix().compare(QLatin1String("exemplar"), Qt::CaseInsensitive) == 0)
        return {DropKind::Catalogue, info.absoluteFilePath()};
    return {};
}

struct ExportOutcome {
    LabelsExportSummary summary;
    QString error;
};

} // namespace

void MainWindow::buildFileMenu(QMenu* file)
{
    file->addAction(icon("new"), tr("&New catalogue…"), QKeySequence::New, this, &MainWindow::chooseAndCreate);
    openAct_ = file->addAction(icon("open"), tr("&Open catalogue…"), QKeySequence::Open, this, &MainWindow::chooseAndOpen);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    recentMenu_->setObjectName(QStringLiteral("recentMenu"));
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::refreshRecentMenu);
    file->addSeparator();
    importAct_ = file->addAction(icon("import"), tr("&Import photos…"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                                 [this] { importPhotos(); });
    exportAct_ = file->addAction(tr("&Export labels…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this,
                                 &MainWindow::chooseAndExportLabels);
    exportAct_->setObjectName(QStringLiteral("exportLabelsAction"));
    file->addSeparator();
    // Some platforms' themes have no Quit binding: Ctrl+Q then, as users expect.
    const QKeySequence quit = QKeySequence::keyBindings(QKeySequence::Quit).value(0, QKeySequence(Qt::CTRL | Qt::Key_Q));
    file->addAction(tr("&Quit"), quit, this, &QWidget::close);
}

// ---- open / new / recent ------------------------------------------------------------------------

bool MainWindow::openCatalogue(const QString& path, bool create)
{
    try {
        session_->open(path, create ? Catalogue::OpenMode::CreateIfMissing : Catalogue::OpenMode::MustExist);
    } catch (const Error& e) {
        reportError(e.message());
        return false;
    }
    settings_->setLastCatalogue(session_->path());
    refreshRecentMenu();
    curation_->gallery()->setFocus();
    refreshStatus();
    return true;
}

void MainWindow::chooseAndOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open catalogue"), QFileInfo(settings_->lastCatalogue()).absolutePath(),
                                                      tr("Exemplar catalogues (*.exemplar);;All files (*)"));
    if (!path.isEmpty())
        openCatalogue(path);
}

void MainWindow::chooseAndCreate()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New catalogue"), QFileInfo(settings_->lastCatalogue()).absolutePath(),
                                                tr("Exemplar catalogues (*.exemplar)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1String(".exemplar")))
        path += QStringLiteral(".exemplar");
    if (QFileInfo::exists(path)) {
        reportError(tr("%1 already exists; open it instead").arg(path));
        return;
    }
    if (openCatalogue(path, true))
        importPhotos();
}

void MainWindow::refreshRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = settings_->recentCatalogues();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        const QFileInfo info(path);
        // "&1 faces.exemplar  (/home/me/photos)": the name first, the folder to tell copies apart.
        const QString number = i < 9 ? QStringLiteral("&%1 ").arg(i + 1) : (i == 9 ? QStringLiteral("1&0 ") : QString());
        QAction* a = recentMenu_->addAction(number + QStringLiteral("%1  (%2)").arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath())),
                                            this, [this, path] { openRecent(path); });
        a->setData(path);
        a->setToolTip(QDir::toNativeSeparators(path));
    }
    recentMenu_->addSeparator();
    QAction* clear = recentMenu_->addAction(tr("&Clear recent"), this, [this] {
        settings_->clearRecentCatalogues();
        refreshRecentMenu();
    });
    clear->setObjectName(QStringLiteral("clearRecentAction"));
    clear->setEnabled(!recent.isEmpty());
    recentMenu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::openRecent(const QString& path)
{
    if (!QFileInfo(path).isFile()) {
        settings_->removeRecentCatalogue(path);
        refreshRecentMenu();
        reportError(tr("%1 no longer exists (moved or deleted); it was removed from the recent catalogues.")
                        .arg(QDir::toNativeSeparators(path)));
        return false;
    }
    return openCatalogue(path);
}

// ---- import, drops --------------------------------------------------------------------------------

void MainWindow::importPhotos(const QString& folder)
{
    if (!session_->isOpen()) {
        reportError(tr("Open or create a catalogue first"));
        return;
    }
    if (importDialog_) { // one import dialog at a time: bring it back with the new folder
        if (!folder.isEmpty() && !importDialog_->isRunning())
            importDialog_->setFolder(folder);
        importDialog_->raise();
        importDialog_->activateWindow();
        return;
    }
    auto* dialog = new ImportDialog(session_->path(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDetectFaces(settings_->detectFacesOnImport());
    if (!folder.isEmpty())
        dialog->setFolder(folder);
    importDialog_ = dialog;
    // The gallery shows the new photos as soon as the import ends; the dialog keeps its summary.
    connect(dialog, &ImportDialog::importFinished, this, [this, dialog] {
        settings_->setDetectFacesOnImport(dialog->detectFaces());
        session_->reload();
        statusBar()->showMessage(dialog->summaryLine(), 15000);
    });
    connect(dialog, &QDialog::finished, this, [this] { curation_->gallery()->setFocus(); });
    dialog->setWindowModality(Qt::WindowModal);
    dialog->show();
}

ImportDialog* MainWindow::importDialog() const { return importDialog_.data(); }

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const DropTarget target = dropTargetOf(event->mimeData());
    if (target.kind == DropKind::None) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    statusBar()->showMessage(target.kind == DropKind::Folder ? tr("Drop to import the photos of %1").arg(target.path)
                                                             : tr("Drop to open %1").arg(target.path),
                             3000);
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const DropTarget target = dropTargetOf(event->mimeData());
    if (target.kind == DropKind::None) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    // Queued: the drag source (a file manager) must not wait for what the drop starts.
    QMetaObject::invokeMethod(
        this,
        [this, target] {
            if (target.kind == DropKind::Catalogue)
                openCatalogue(target.path);
            else
                importPhotos(target.path);
        },
        Qt::QueuedConnection);
}

// ---- export labels ----------------------------------------------------------------------------------

void MainWindow::chooseAndExportLabels()
{
    if (!session_->isOpen()) {
        reportError(tr("Open a catalogue first"));
        return;
    }
    const QFileInfo catalogue(session_->path());
    const QString csvFilter = tr("Labels CSV (*.csv)");
    const QString jsonFilter = tr("Labels JSON, for scripts (*.json)");
    QString chosenFilter = csvFilter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export labels"),
                                                catalogue.absoluteDir().filePath(catalogue.completeBaseName() + QStringLiteral("-labels.csv")),
                                                csvFilter + QStringLiteral(";;") + jsonFilter, &chosenFilter);
    if (path.isEmpty())
        return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("csv") && suffix != QLatin1String("json"))
        path += chosenFilter == jsonFilter ? QStringLiteral(".json") : QStringLiteral(".csv");
    exportLabels(path);
}

bool MainWindow::exportLabels(const QString& path)
{
    if (!session_->isOpen() || exporting_)
        return false;
    exporting_ = true;
    exportAct_->setEnabled(false);
    statusBar()->showMessage(tr("Exporting labels to %1…").arg(QDir::toNativeSeparators(path)));
    const QString cataloguePath = session_->path();
    auto* watcher = new QFutureWatcher<ExportOutcome>(this);
    connect(watcher, &QFutureWatcher<ExportOutcome>::finished, this, [this, watcher, path] {
        const ExportOutcome outcome = watcher->result();
        watcher->deleteLater();
        exporting_ = false;
        exportAct_->setEnabled(true);
        const QString file = QDir::toNativeSeparators(path);
        if (!outcome.error.isEmpty()) {
            reportError(outcome.error);
            Q_EMIT labelsExported(path, false, outcome.error);
            return;
        }
        const LabelsExportSummary& s = outcome.summary;
        const QString message = tr("Exported %1 of %2 (%3) to %4")
                                    .arg(counted(s.labels, u"label"), counted(s.images, u"image"), counted(s.tasks, u"task"), file);
        reportInfo(message);
        Q_EMIT labelsExported(path, true, message);
    });
    // Its own read-only connection: the GUI thread's connection stays free for labelling.
    watcher->setFuture(QtConcurrent::run([cataloguePath, path]() -> ExportOutcome {
        try {
            const Catalogue catalogue = Catalogue::open(cataloguePath, Catalogue::OpenMode::ReadOnly);
            return {exemplar::exportLabels(catalogue, path, labelsFormatForPath(path)), {}};
        } catch (const Error& e) {
            return {{}, e.message()};
        }
    }));
    return true;
}

// ---- image folders that moved ---------------------------------------------------------------------

void MainWindow::checkImageFolders()
{
    if (!session_->isOpen()) {
        banner_->setMissing({});
        return;
    }
    const QVector<MissingFolder> missing = missingImageFolders(session_->catalogue());
    banner_->setMissing(missing);
}

void MainWindow::locateMissingFolder(const MissingFolder& folder)
{
    const QString start = QFileInfo(folder.path).absolutePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Where is %1 now?").arg(QFileInfo(folder.path).fileName()),
                                                          QFileInfo::exists(start) ? start : QDir::homePath());
    if (dir.isEmpty())
        return;
    // Say what would change before changing it: a wrong folder finds none (or few) of the photos.
    RelinkPlan plan;
    try {
        plan = planRelink(session_->catalogue(), folder.path, dir);
    } catch (const Error& e) {
        reportError(e.message());
        return;
    }
    if (plan.found == 0) {
        reportError(tr("None of the %1 is in %2 (e.g. %3 does not exist). Choose the folder that holds them.")
                        .arg(counted(plan.images, u"photo"), QDir::toNativeSeparators(dir),
                             QDir::toNativeSeparators(plan.missingExamples.value(0))));
        return;
    }
    if (plan.missing > 0) {
        const auto answer = QMessageBox::question(
            this, tr("Locate folder"),
            tr("%1 of %2 are in %3; %4 not.\n\n%5\n\nRelink anyway? The missing ones stay listed by "
               "exemplar-cli check until they are back.")
                .arg(QString::number(plan.found), counted(plan.images, u"photo"), QDir::toNativeSeparators(dir),
                     QString::number(plan.missing), plan.toText()));
        if (answer != QMessageBox::Yes)
            return;
    }
    relinkFolder(folder.rootId, dir);
}

bool MainWindow::relinkFolder(qint64 rootId, const QString& newPath)
{
    if (!session_->isOpen())
        return false;
    RelinkPlan plan;
    try {
        const auto root = session_->catalogue().root(rootId);
        if (!root)
            throw Error(tr("%1: the catalogue has no image folder %2").arg(session_->path()).arg(rootId));
        plan = relinkImages(session_->catalogue(), root->path, newPath);
    } catch (const Error& e) {
        reportError(e.message());
        return false;
    }
    session_->reload(); // same image ids, new paths: previews and training read the files from there
    checkImageFolders();
    const QString relinked = tr("Relinked %1 to %2").arg(counted(plan.images, u"photo"), QDir::toNativeSeparators(plan.to));
    statusBar()->showMessage(plan.missing == 0 ? relinked : tr("%1; %2 still missing").arg(relinked).arg(plan.missing), 15000);
    return true;
}

} // namespace exemplar::ui
