#include "GuiOptions.h"

#include <QCommandLineParser>
#include <QRegularExpression>
#include <cstdio>
#include <cstdlib>

exemplar::ui::LaunchOptions parseGuiOptions(const QStringList& arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Exemplar studio: curate face photos into a catalogue."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption catalog(QStringLiteral("catalog"), QStringLiteral("Catalogue to open."), QStringLiteral("file"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the generated demo catalogue."));
    const QCommandLineOption demoPath(QStringLiteral("demo-catalog"),
                                      QStringLiteral("Where the demo catalogue lives (generated when missing)."),
                                      QStringLiteral("file"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render the window to a PNG and exit (works headless)."),
                                        QStringLiteral("png"));
    const QCommandLineOption view(QStringLiteral("view"), QStringLiteral("View to show: gallery, monitor, evaluation, runs."), QStringLiteral("id"),
                                  QStringLiteral("gallery"));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QStringLiteral("Training run shown by the monitor, evaluation and runs views (default: the latest)."),
                                 QStringLiteral("id"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for --screenshot."),
                                  QStringLiteral("WxH"), QStringLiteral("1440x900"));
    const QCommandLineOption task(QStringLiteral("task"), QStringLiteral("Active task."), QStringLiteral("name"));
    const QCommandLineOption cls(QStringLiteral("class"), QStringLiteral("Show only this class of the active task."),
                                 QStringLiteral("name"));
    const QCommandLineOption dialog(QStringLiteral("dialog"),
                                    QStringLiteral("With --screenshot: render a dialog instead (tasks, import, training)."),
                                    QStringLiteral("name"));
    const QCommandLineOption importFolder(QStringLiteral("import-folder"), QStringLiteral("Folder prefilled in the import dialog."),
                                          QStringLiteral("dir"));
    const QCommandLineOption importLabels(QStringLiteral("import-labels"),
                                          QStringLiteral("Labels CSV prefilled in the import dialog."), QStringLiteral("csv"));
    const QCommandLineOption runImport(QStringLiteral("run-import"),
                                       QStringLiteral("With --dialog import: run the import (writes the catalogue) and show its summary."));
    const QCommandLineOption exemplars(QStringLiteral("exemplars"), QStringLiteral("Show only exemplars of the active task."));
    const QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Select the first N faces."),
                                    QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption help(QStringLiteral("show-help"), QStringLiteral("Show the keyboard shortcut overlay."));
    const QCommandLineOption settings(QStringLiteral("settings"),
                                      QStringLiteral("Settings file to use instead of the user's (INI)."),
                                      QStringLiteral("ini"));
    const QCommandLineOption mining(QStringLiteral("mining"),
                                    QStringLiteral("Open the Find exemplars panel: likely:CLASS, uncertain, different, near or review."),
                                    QStringLiteral("mode"));
    p.addOptions({catalog, demo, demoPath, screenshot, view, run, size, task, cls, exemplars, select, help, settings, dialog, importFolder, importLabels});
    p.addOption(mining);
    p.addOption(runImport);
    p.process(arguments);

    exemplar::ui::LaunchOptions o;
    o.catalogue = p.value(catalog);
    o.demo = p.isSet(demo);
    o.demoPath = p.value(demoPath);
    o.screenshot = p.value(screenshot);
    o.view = p.value(view);
    if (p.isSet(run)) {
        bool runOk = false;
        o.run = p.value(run).toLongLong(&runOk);
        if (!runOk || o.run <= 0) {
            std::fprintf(stderr, "exemplar: --run needs a positive run id, not \"%s\"\n", qPrintable(p.value(run)));
            std::exit(2);
        }
    }
    o.task = p.value(task);
    o.classFilter = p.value(cls);
    o.showHelp = p.isSet(help);
    o.exemplarsOnly = p.isSet(exemplars);
    o.dialog = p.value(dialog);
    o.importFolder = p.value(importFolder);
    o.importLabels = p.value(importLabels);
    o.runImport = p.isSet(runImport);
    o.settingsPath = p.value(settings);
    o.mining = p.value(mining);
    bool ok = false;
    o.select = p.value(select).toInt(&ok);
    if (!ok || o.select < 0) {
        std::fprintf(stderr, "exemplar: --select needs a number >= 0\n");
        std::exit(2);
    }
    const auto m = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)$")).match(p.value(size));
    if (!m.hasMatch()) {
        std::fprintf(stderr, "exemplar: --size must look like 1440x900\n");
        std::exit(2);
    }
    o.size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    return o;
}
