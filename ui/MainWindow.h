#pragma once
// The studio's main window: menus, toolbar and status bar around a stack of views. Views are
// registered by id ("gallery" today; training views later) so that menus, the command line's
// --view and --screenshot work for any of them.
#include <QMainWindow>
#include <QPointer>

class QComboBox;
class QLabel;
class QSlider;
class QStackedWidget;

namespace exemplar::ui {

class CurationSession;
class CurationView;
class HelpOverlay;
class StudioSettings;

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
    void showHelp();

    // Opens the import dialog (modal) and reloads the catalogue afterwards.
    void importPhotos();
    void editTasks();

protected:
    void closeEvent(QCloseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void buildActions();
    void refreshTaskCombo();
    void refreshStatus();
    void refreshTitle();
    void reportError(const QString& message);
    void chooseAndOpen();
    void chooseAndCreate();

    StudioSettings* settings_;
    CurationSession* session_;
    CurationView* curation_;
    QStackedWidget* stack_;
    QHash<QString, QWidget*> views_;
    QStringList viewOrder_;
    HelpOverlay* help_;
    QComboBox* taskCombo_;
    QSlider* zoom_;
    QLabel* countsLabel_;
    QLabel* selectionLabel_;
    QLabel* thumbsLabel_;
    QAction* undo_;
    QAction* redo_;
    QMenu* viewsMenu_;
    QMenu* recentMenu_;
    bool interactive_ = true;
};

} // namespace exemplar::ui
