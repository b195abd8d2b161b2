#include "ui/MainWindow.h"
#include "ui/training/TrainingStudio.h"
#include "ui/mining/MiningPanel.h"

#include "core/util/Error.h"
#include "ui/HelpOverlay.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "ui/import/ImportDialog.h"
#include "ui/tasks/TaskEditorDialog.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <cstdio>

// Resources of a static library must be registered explicitly (outside any namespace).
static void initStudioResources() { Q_INIT_RESOURCE(resources); }

namespace exemplar::ui {

namespace {
QIcon icon(const char* name) { return QIcon(QStringLiteral(":/exemplar/icons/%1.svg").arg(QLatin1String(name))); }
} // namespace

MainWindow::MainWindow(StudioSettings* settings, QWidget* parent)
    : QMainWindow(parent), settings_(settings), session_(new CurationSession(this))
{
    initStudioResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(icon("exemplar"));
    stack_ = new QStackedWidget;
    setCentralWidget(stack_);
    curation_ = new CurationView(session_, settings_);
    help_ = new HelpOverlay(this);

    buildActions();
    addView(QStringLiteral("gallery"), tr("Curation"), curation_);
    TrainingStudio::install(this); // views "monitor", "evaluation", "runs" and the Training menu
    installMiningPanel(this);      // "Find exemplars" dock and the Mining menu (after training: it uses it)

    countsLabel_ = new QLabel;
    selectionLabel_ = new QLabel;
    thumbsLabel_ = new QLabel;
    statusBar()->addPermanentWidget(selectionLabel_);
    statusBar()->addPermanentWidget(countsLabel_);
    statusBar()->addPermanentWidget(thumbsLabel_);

    connect(session_, &CurationSession::message, this, [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(session_, &CurationSession::undoStateChanged, this, [this] {
        undo_->setEnabled(session_->canUndo());
        redo_->setEnabled(session_->canRedo());
    });
    connect(session_, &CurationSession::opened, this, [this] {
        refreshTaskCombo();
        refreshTitle();
    });
    connect(session_, &CurationSession::tasksChanged, this, &MainWindow::refreshTaskCombo);
    connect(session_, &CurationSession::activeTaskChanged, this, &MainWindow::refreshTaskCombo);
    connect(curation_, &CurationView::statusChanged, this, &MainWindow::refreshStatus);
    connect(curation_->model(), &GalleryModel::queryFailed, this, &MainWindow::reportError);
    connect(curation_->model(), &GalleryModel::thumbnailsArrived, this, &MainWindow::refreshStatus);
    connect(curation_->gallery(), &GalleryView::tileSizeChanged, zoom_, &QSlider::setValue);

    resize(1440, 900);
    if (!settings_->windowGeometry().isEmpty())
        restoreGeometry(settings_->windowGeometry());
    if (!settings_->windowState().isEmpty())
        curation_->restoreLayout(settings_->windowState());
    refreshTaskCombo();
    refreshTitle();
    refreshStatus();
    undo_->setEnabled(false);
    redo_->setEnabled(false);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* newAct = file->addAction(icon("new"), tr("&New catalogue…"), QKeySequence::New, this, &MainWindow::chooseAndCreate);
    auto* openAct = file->addAction(icon("open"), tr("&Open catalogue…"), QKeySequence::Open, this, &MainWindow::chooseAndOpen);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    connect(recentMenu_, &QMenu::aboutToShow, this, [this] {
        recentMenu_->clear();
        for (const QString& path : settings_->recentCatalogues())
            recentMenu_->addAction(path, this, [this, path] { openCatalogue(path); });
    });
    file->addSeparator();
    auto* importAct = file->addAction(icon("import"), tr("&Import photos…"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                                      &MainWindow::importPhotos);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* edit = menuBar()->addMenu(tr("&Edit"));
    undo_ = edit->addAction(icon("undo"), tr("&Undo label change"), this, [this] {
        try {
            session_->undo();
        } catch (const Error& e) {
            reportError(e.message());
        }
    });
    undo_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Z)});
    redo_ = edit->addAction(icon("redo"), tr("&Redo label change"), this, [this] {
        try {
            session_->redo();
        } catch (const Error& e) {
            reportError(e.message());
        }
    });
    redo_->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    edit->addSeparator();
    edit->addAction(tr("Select &all faces"), QKeySequence::SelectAll, this, [this] { curation_->gallery()->selectAll(); });
    edit->addAction(tr("&Find file name…"), QKeySequence::Find, this, [this] { curation_->filters()->focusSearch(); });
    edit->addAction(tr("Reset &filters"), this, [this] { curation_->filters()->reset(); });

    auto* label = menuBar()->addMenu(tr("&Label"));
    label->addAction(icon("star"), tr("Toggle &exemplar  (E)"), this, [this] { curation_->toggleExemplar(); });
    label->addAction(tr("&Clear class  (0)"), this, [this] { curation_->assignDigit(0); });
    auto* advance = label->addAction(tr("&Advance after labelling one face"));
    advance->setCheckable(true);
    advance->setChecked(settings_->advanceAfterLabel());
    connect(advance, &QAction::toggled, this, [this](bool on) { settings_->setAdvanceAfterLabel(on); });
    label->addSeparator();
    auto* tasksAct = label->addAction(icon("tasks"), tr("Edit &tasks and classes…"), QKeySequence(Qt::CTRL | Qt::Key_T), this,
                                      &MainWindow::editTasks);

    viewsMenu_ = menuBar()->addMenu(tr("&View"));
    viewsMenu_->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, this,
                          [this] { curation_->gallery()->setTileSize(curation_->gallery()->tileSize() + 16); });
    viewsMenu_->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, this,
                          [this] { curation_->gallery()->setTileSize(curation_->gallery()->tileSize() - 16); });
    viewsMenu_->addSeparator();

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(icon("help"), tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this, &MainWindow::showHelp);
    help->addAction(tr("&About Exemplar"), this, [this] {
        QMessageBox::about(this, tr("About Exemplar"),
                           tr("<b>Exemplar %1</b><br>Curate face photos and train expression classifiers.")
                               .arg(QStringLiteral(EXEMPLAR_VERSION)));
    });

    auto* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(20, 20));
    bar->addAction(openAct);
    bar->addAction(importAct);
    bar->addSeparator();
    bar->addAction(undo_);
    bar->addAction(redo_);
    bar->addSeparator();
    auto* taskLabel = new QLabel(tr(" Task "));
    bar->addWidget(taskLabel);
    taskCombo_ = new QComboBox;
    taskCombo_->setMinimumContentsLength(12);
    taskCombo_->setObjectName(QStringLiteral("taskCombo"));
    taskCombo_->setFocusPolicy(Qt::NoFocus); // digits typed after picking a task must reach the gallery
    bar->addWidget(taskCombo_);
    bar->addAction(tasksAct);
    connect(taskCombo_, &QComboBox::activated, this, [this](int index) {
        session_->setActiveTask(taskCombo_->itemData(index).toLongLong());
        curation_->gallery()->setFocus();
    });
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    auto* zoomIcon = new QLabel;
    zoomIcon->setPixmap(icon("zoom").pixmap(16, 16));
    bar->addWidget(zoomIcon);
    zoom_ = new QSlider(Qt::Horizontal);
    zoom_->setRange(StudioSettings::minThumbnailSize, StudioSettings::maxThumbnailSize);
    zoom_->setValue(settings_->thumbnailSize());
    zoom_->setFixedWidth(140);
    zoom_->setFocusPolicy(Qt::NoFocus);
    zoom_->setToolTip(tr("Thumbnail size (Ctrl + wheel)"));
    bar->addWidget(zoom_);
    connect(zoom_, &QSlider::valueChanged, this, [this](int v) { curation_->gallery()->setTileSize(v); });
    auto* helpAct = new QAction(icon("help"), tr("Shortcuts"), this);
    connect(helpAct, &QAction::triggered, this, &MainWindow::showHelp);
    bar->addAction(helpAct);
}

void MainWindow::addView(const QString& id, const QString& title, QWidget* view)
{
    if (views_.contains(id))
        return;
    views_.insert(id, view);
    viewOrder_ << id;
    stack_->addWidget(view);
    viewsMenu_->addAction(title, this, [this, id] { showView(id); });
}

bool MainWindow::showView(const QString& id)
{
    QWidget* view = views_.value(id);
    if (!view)
        return false;
    stack_->setCurrentWidget(view);
    return true;
}

QStringList MainWindow::viewIds() const { return viewOrder_; }

QString MainWindow::currentViewId() const { return views_.key(stack_->currentWidget()); }

bool MainWindow::openCatalogue(const QString& path, bool create)
{
    try {
        session_->open(path, create ? Catalogue::OpenMode::CreateIfMissing : Catalogue::OpenMode::MustExist);
    } catch (const Error& e) {
        reportError(e.message());
        return false;
    }
    settings_->setLastCatalogue(session_->path());
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

void MainWindow::importPhotos()
{
    if (!session_->isOpen()) {
        reportError(tr("Open or create a catalogue first"));
        return;
    }
    ImportDialog dialog(session_->path(), this);
    dialog.exec();
    if (dialog.changedCatalogue())
        session_->reload();
}

void MainWindow::editTasks()
{
    if (!session_->isOpen()) {
        reportError(tr("Open or create a catalogue first"));
        return;
    }
    TaskEditorDialog dialog(session_, this);
    dialog.exec();
    curation_->gallery()->setFocus();
}

void MainWindow::showHelp()
{
    help_->showOver();
    settings_->setHelpSeen(true);
}

void MainWindow::refreshTaskCombo()
{
    taskCombo_->clear();
    for (const TaskInfo& t : session_->tasks())
        taskCombo_->addItem(t.name, t.id);
    if (const auto active = session_->activeTask())
        taskCombo_->setCurrentIndex(taskCombo_->findData(active->id));
    taskCombo_->setEnabled(taskCombo_->count() > 0);
}

void MainWindow::refreshStatus()
{
    GalleryModel* model = curation_->model();
    const int total = session_->isOpen() ? session_->catalogue().imageCount() : 0;
    countsLabel_->setText(tr("%1 of %2 faces shown").arg(model->rowCount()).arg(total));
    const int selected = static_cast<int>(curation_->gallery()->selectionModel()->selectedIndexes().size());
    selectionLabel_->setText(selected > 1 ? tr("%1 selected").arg(selected) : QString());
    const int pending = model->pendingThumbnails();
    thumbsLabel_->setText(pending > 0 ? tr("loading %1 thumbnails").arg(pending) : QString());
}

void MainWindow::refreshTitle()
{
    setWindowTitle(session_->isOpen() ? tr("%1 — Exemplar").arg(QFileInfo(session_->path()).fileName()) : tr("Exemplar"));
}

void MainWindow::reportError(const QString& message)
{
    std::fprintf(stderr, "exemplar: %s\n", qPrintable(message));
    statusBar()->showMessage(message, 10000);
    if (interactive_)
        QMessageBox::warning(this, tr("Exemplar"), message);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    settings_->setWindowLayout(saveGeometry(), curation_->saveLayout());
    event->accept();
}

void MainWindow::keyPressEvent(QKeyEvent* event)
{
    if (event->text() == QLatin1String("?")) {
        showHelp();
        return;
    }
    QMainWindow::keyPressEvent(event);
}

} // namespace exemplar::ui
