#pragma once
// Starts the studio for the `exemplar` executable: picks the catalogue (given, last used, or the
// generated demo), builds the main window, and either runs it or renders a screenshot.
#include <QSize>
#include <QString>

namespace exemplar::ui {

struct LaunchOptions {
    QString catalogue;     // open this catalogue
    bool demo = false;     // open the demo catalogue (generated when missing)
    QString demoPath;      // where the demo catalogue lives; default: app data dir/demo/demo.exemplar
    QString screenshot;    // render to this PNG and exit
    QString view = QStringLiteral("gallery"); // or "monitor", "evaluation", "runs"
    qint64 run = 0;        // run shown by the training views (0: the latest)
    QSize size{1440, 900};
    QString task;          // active task by name
    QString classFilter;   // show only this class of the active task
    bool exemplarsOnly = false; // show only exemplars of the active task
    int select = 1;        // select the first N faces
    bool showHelp = false; // show the shortcut overlay
    QString settingsPath;  // INI file instead of the user's settings
    // With screenshot: render this dialog instead of the main window ("tasks" or "import").
    QString dialog;
    QString importFolder;  // prefilled in the import dialog
    QString importLabels;  // labels CSV prefilled in the import dialog (its preview is shown)
    bool runImport = false; // with dialog "import": run the import and show its summary (writes the catalogue)
    // Open the "Find exemplars" panel in this mode and show its candidates from the stored scores:
    // likely:CLASS, uncertain, different, near (of the first selected face) or review.
    QString mining;
};

// Default location of the demo catalogue (per user, generated on first use).
QString defaultDemoCataloguePath();

// Returns the process exit code. Needs a QApplication.
int runStudio(const LaunchOptions& options);

} // namespace exemplar::ui
