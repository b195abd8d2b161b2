#pragma once
// The studio's main window: menus, toolbar and status bar around a stack of views. Views are
// registered by id ("gallery" today; training views later) so that menus, the command line's
// --view and --screenshot work for any of them.
//
// The window fits a 1366x768 screen with the side panels open: the toolbar uses short texts with
// full tooltips and moves what does not fit into its overflow menu, and status bar texts elide.
// Catalogue files (open, recent, drop, import, export, locating moved photos) are in
// MainWindowFiles.cpp.
#include <QMainWindow>
#include <QPointer>

class QComboBox;
class QLabel;
class QSlider;
class QStackedWidget;
class QToolBar;

namespace exemplar::ui {

class CurationSession;
class CurationView;
class ElidedLabel;
class HelpOverlay;
class ImportDialog;
class MissingFilesBanner;
class StudioSettings;
struct MissingFolder;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(StudioSettings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens an existing catalogue (create: make a new one). Errors go to a message box when
    // interactive, else to the status bar and stderr. Returns whether the catalogue is open.
    bool openCatalogue(const QString& path, bool create = false);
    // When false (screenshots, tests) errors never open modal dialogs.
    void setInteractive(bool on) { interactive_ = on; }

    // ---- view registry ----
    void addView(const QString& id, const QString& title, QWidget* view);
    bool showView(const QString& id);
    QStringList viewIds() const;
    QString currentViewId() const;

    CurationSession* session() const { return session_; }
    CurationView* curationView() const { return curation_; }
    HelpOverlay* helpOverlay() const { return help_; }
    QToolBar* mainToolBar() const { return toolBar_; }
    void showHelp();

    // Opens the import dialog (window-modal, not blocking) with `folder` prefilled; the catalogue is
    // reloaded when an import finishes. The dialog stays open with its summary until closed.
    void importPhotos(const QString& folder = {});
    ImportDialog* importDialog() const; // the open one, if any
    void editTasks();

    // ---- File > Open recent ----
    QMenu* recentMenu() const { return recentMenu_; }
    void refreshRecentMenu();
    // Opens a recent catalogue; a file that is gone is removed from the list with a message.
    bool openRecent(const QString& path);

    // ---- File > Export labels ----
    // Writes the labels of the open catalogue (CSV, or JSON for a .json path) on a worker thread;
    // labelsExported is emitted when done. Returns false when no catalogue is open or an export is
    // already running.
    bool exportLabels(const QString& path);

    // ---- photos that moved ----
    MissingFilesBanner* missingFilesBanner() const { return banner_; }
    // Re-checks the image folders and shows or hides the banner.
    void checkImageFolders();
    // Points the catalogue's image folder `rootId` at `newPath` (its photos found there again).
    bool relinkFolder(qint64 rootId, const QString& newPath);

Q_SIGNALS:
    // ok: `message` says what was written ("1 200 images, 2 tasks, 950 labels -> file"); else why not.
    void labelsExported(const QString& path, bool ok, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildActions();
    void buildFileMenu(QMenu* file);
    void buildToolBar();
    void refreshTaskCombo();
    void refreshStatus();
    void refreshTitle();
    void reportError(const QString& message);
    void reportInfo(const QString& message);
    void chooseAndOpen();
    void chooseAndCreate();
    void chooseAndExportLabels();
    void locateMissingFolder(const MissingFolder& folder);

    StudioSettings* settings_;
    CurationSession* session_;
    CurationView* curation_;
    QStackedWidget* stack_;
    MissingFilesBanner* banner_;
    QHash<QString, QWidget*> views_;
    QStringList viewOrder_;
    HelpOverlay* help_;
    QToolBar* toolBar_ = nullptr;
    QComboBox* taskCombo_ = nullptr;
    QSlider* zoom_ = nullptr;
    ElidedLabel* countsLabel_;
    ElidedLabel* selectionLabel_;
    ElidedLabel* thumbsLabel_;
    QAction* openAct_ = nullptr;
    QAction* importAct_ = nullptr;
    QAction* tasksAct_ = nullptr;
    QAction* helpAct_ = nullptr;
    QAction* exportAct_ = nullptr;
    QAction* undo_;
    QAction* redo_;
    QMenu* viewsMenu_;
    QMenu* recentMenu_;
    QPointer<ImportDialog> importDialog_;
    bool exporting_ = false;
    bool interactive_ = true;
};

} // namespace exemplar::ui
