#include "ui/MainWindow.h"
#include "ui/training/TrainingStudio.h"
#include "ui/mining/MiningPanel.h"

#include "core/util/Error.h"
#include "ui/ElidedLabel.h"
#include "ui/HelpOverlay.h"
#include "ui/MissingFilesBanner.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "ui/tasks/TaskEditorDialog.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>
#include <cstdio>

// Resources of a static library must be registered explicitly (outside any namespace).
static void initStudioResources() { Q_INIT_RESOURCE(resources); }

namespace exemplar::ui {

namespace {
QIcon icon(const char* name) { return QIcon(QStringLiteral(":/exemplar/icons/%1.svg").arg(QLatin1String(name))); }

// The toolbar shows a short text; the tooltip says what the button does and its shortcut.
void setToolbarTexts(QAction* action, const QString& shortText, const QString& tip)
{
    action->setIconText(shortText);
    const QString keys = action->shortcut().toString(QKeySequence::NativeText);
    action->setToolTip(keys.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, keys));
}
} // namespace

MainWindow::MainWindow(StudioSettings* settings, QWidget* parent)
    : QMainWindow(parent), settings_(settings), session_(new CurationSession(this))
{
    initStudioResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(icon("exemplar"));
    setAcceptDrops(true); // a folder dropped anywhere on the window is imported (MainWindowFiles.cpp)
    stack_ = new QStackedWidget;
    banner_ = new MissingFilesBanner;
    auto* central = new QWidget;
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(banner_);
    centralLayout->addWidget(stack_, 1);
    setCentralWidget(central);
    curation_ = new CurationView(session_, settings_);
    help_ = new HelpOverlay(this);

    buildActions();
    addView(QStringLiteral("gallery"), tr("Curation"), curation_);
    TrainingStudio::install(this); // views "monitor", "evaluation", "runs" and the Training menu
    installMiningPanel(this);      // "Find exemplars" dock and the Mining menu (after training: it uses it)

    // Gallery facts: shown only while the gallery is the current view (hidden on training views).
    countsLabel_ = new ElidedLabel;
    countsLabel_->setObjectName(QStringLiteral("facesShownLabel"));
    selectionLabel_ = new ElidedLabel;
    thumbsLabel_ = new ElidedLabel;
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
        checkImageFolders();
    });
    connect(session_, &CurationSession::tasksChanged, this, &MainWindow::refreshTaskCombo);
    connect(session_, &CurationSession::activeTaskChanged, this, &MainWindow::refreshTaskCombo);
    connect(curation_, &CurationView::statusChanged, this, &MainWindow::refreshStatus);
    connect(curation_->model(), &GalleryModel::queryFailed, this, &MainWindow::reportError);
    connect(curation_->model(), &GalleryModel::thumbnailsArrived, this, &MainWindow::refreshStatus);
    connect(curation_->gallery(), &GalleryView::tileSizeChanged, zoom_, &QSlider::setValue);
    connect(stack_, &QStackedWidget::currentChanged, this, &MainWindow::refreshStatus);
    connect(banner_, &MissingFilesBanner::locateRequested, this, &MainWindow::locateMissingFolder);

    // Never larger than the screen: a laptop's 1366x768 gets a window that fits, not 1440x900.
    QSize initial(1440, 900);
    if (const QScreen* s = screen())
        initial = initial.boundedTo(s->availableGeometry().size());
    resize(initial);
    if (!settings_->windowGeometry().isEmpty())
        restoreGeometry(settings_->windowGeometry());
    if (!settings_->windowState().isEmpty())
        curation_->restoreLayout(settings_->windowState());
    refreshTaskCombo();
    refreshTitle();
    refreshStatus();
    refreshRecentMenu();
    undo_->setEnabled(false);
    redo_->setEnabled(false);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    buildFileMenu(menuBar()->addMenu(tr("&File")));

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
    edit->addAction(tr("&Search faces…"), QKeySequence::Find, this, [this] { curation_->filters()->focusSearch(); });
    edit->addAction(tr("Reset &filters"), this, [this] { curation_->filters()->reset(); });

    auto* label = menuBar()->addMenu(tr("&Label"));
    label->addAction(icon("star"), tr("Toggle &exemplar  (E)"), this, [this] { curation_->toggleExemplar(); });
    label->addAction(tr("&Clear class  (0)"), this, [this] { curation_->assignDigit(0); });
    auto* advance = label->addAction(tr("&Advance after labelling one face"));
    advance->setCheckable(true);
    advance->setChecked(settings_->advanceAfterLabel());
    connect(advance, &QAction::toggled, this, [this](bool on) { settings_->setAdvanceAfterLabel(on); });
    label->addSeparator();
    tasksAct_ = label->addAction(icon("tasks"), tr("Edit &tasks and classes…"), QKeySequence(Qt::CTRL | Qt::Key_T), this,
                                 &MainWindow::editTasks);

    viewsMenu_ = menuBar()->addMenu(tr("&View"));
    viewsMenu_->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, this,
                          [this] { curation_->gallery()->setTileSize(curation_->gallery()->tileSize() + 16); });
    viewsMenu_->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, this,
                          [this] { curation_->gallery()->setTileSize(curation_->gallery()->tileSize() - 16); });
    viewsMenu_->addSeparator();

    auto* help = menuBar()->addMenu(tr("&Help"));
    helpAct_ = help->addAction(icon("help"), tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this, &MainWindow::showHelp);
    help->addAction(tr("&About Exemplar"), this, [this] {
        QMessageBox::about(this, tr("About Exemplar"),
                           tr("<b>Exemplar %1</b><br>Curate face photos and train expression classifiers.")
                               .arg(QStringLiteral(EXEMPLAR_VERSION)));
    });
    buildToolBar();
}

void MainWindow::buildToolBar()
{
    toolBar_ = addToolBar(tr("Main"));
    toolBar_->setObjectName(QStringLiteral("mainToolBar"));
    toolBar_->setMovable(false);
    toolBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar_->setIconSize(QSize(20, 20));
    // Short texts beside the icons (the menus keep the full ones): with the zoom slider the bar
    // fits a 1024 px window; narrower, Qt's overflow button (») lists what is cut off.
    setToolbarTexts(openAct_, tr("Open"), tr("Open a catalogue"));
    setToolbarTexts(importAct_, tr("Import"), tr("Import photos into the catalogue"));
    setToolbarTexts(undo_, tr("Undo"), tr("Undo the last label change"));
    setToolbarTexts(redo_, tr("Redo"), tr("Redo the label change"));
    setToolbarTexts(tasksAct_, tr("Tasks"), tr("Edit tasks and classes"));
    setToolbarTexts(helpAct_, tr("Shortcuts"), tr("Show the keyboard shortcuts"));
    toolBar_->addAction(openAct_);
    toolBar_->addAction(importAct_);
    toolBar_->addSeparator();
    toolBar_->addAction(undo_);
    toolBar_->addAction(redo_);
    toolBar_->addSeparator();
    auto* taskLabel = new QLabel(tr(" Task "));
    toolBar_->addWidget(taskLabel);
    taskCombo_ = new QComboBox;
    // Sized for a typical task name, not the longest one: long names elide (full name in the tooltip).
    taskCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    taskCombo_->setMinimumContentsLength(12);
    taskCombo_->setObjectName(QStringLiteral("taskCombo"));
    taskCombo_->setToolTip(tr("Active task: the digit keys assign its classes"));
    taskCombo_->setFocusPolicy(Qt::NoFocus); // digits typed after picking a task must reach the gallery
    toolBar_->addWidget(taskCombo_);
    toolBar_->addAction(tasksAct_);
    connect(taskCombo_, &QComboBox::activated, this, [this](int index) {
        session_->setActiveTask(taskCombo_->itemData(index).toLongLong());
        curation_->gallery()->setFocus();
    });
    auto* spacer = new QWidget;
    spacer->setObjectName(QStringLiteral("toolBarSpacer"));
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolBar_->addWidget(spacer);
    auto* zoomIcon = new QLabel;
    zoomIcon->setPixmap(icon("zoom").pixmap(16, 16));
    zoomIcon->setToolTip(tr("Thumbnail size"));
    toolBar_->addWidget(zoomIcon);
    zoom_ = new QSlider(Qt::Horizontal);
    zoom_->setObjectName(QStringLiteral("zoomSlider"));
    zoom_->setRange(StudioSettings::minThumbnailSize, StudioSettings::maxThumbnailSize);
    zoom_->setValue(settings_->thumbnailSize());
    zoom_->setFixedWidth(120);
    zoom_->setFocusPolicy(Qt::NoFocus);
    zoom_->setToolTip(tr("Thumbnail size (Ctrl + wheel)"));
    toolBar_->addWidget(zoom_);
    connect(zoom_, &QSlider::valueChanged, this, [this](int v) { curation_->gallery()->setTileSize(v); });
    toolBar_->addAction(helpAct_);
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
    for (const TaskInfo& t : session_->tasks()) {
        taskCombo_->addItem(t.name, t.id);
        taskCombo_->setItemData(taskCombo_->count() - 1, t.name, Qt::ToolTipRole);
    }
    if (const auto active = session_->activeTask())
        taskCombo_->setCurrentIndex(taskCombo_->findData(active->id));
    taskCombo_->setEnabled(taskCombo_->count() > 0);
}

void MainWindow::refreshStatus()
{
    // "N of M faces shown" describes the gallery; on the training views it would describe nothing there.
    const bool gallery = currentViewId() == QLatin1String("gallery");
    countsLabel_->setVisible(gallery);
    selectionLabel_->setVisible(gallery);
    thumbsLabel_->setVisible(gallery);
    if (!gallery)
        return;
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

void MainWindow::reportInfo(const QString& message)
{
    statusBar()->showMessage(message, 15000);
    if (interactive_)
        QMessageBox::information(this, tr("Exemplar"), message);
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
