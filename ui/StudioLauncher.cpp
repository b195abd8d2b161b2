#include "ui/StudioLauncher.h"

#include "core/util/Error.h"
#include "ui/HelpOverlay.h"
#include "ui/MainWindow.h"
#include "ui/Screenshot.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/demo/DemoCatalogue.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "ui/import/ImportDialog.h"
#include "ui/tasks/TaskEditorDialog.h"
#include "ui/training/TrainingDialog.h"
#include "ui/training/TrainingStudio.h"
#include "ui/mining/MiningPanel.h"

#include <QApplication>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>

namespace exemplar::ui {

namespace {

QString ensureDemo(const QString& path)
{
    if (!QFileInfo::exists(path)) {
        std::fprintf(stderr, "exemplar: generating the demo catalogue %s\n", qPrintable(path));
        generateDemoCatalogue(path);
    }
    return path;
}

} // namespace

QString defaultDemoCataloguePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo/demo.exemplar");
}

int runStudio(const LaunchOptions& o)
{
    const bool headless = !o.screenshot.isEmpty();
    // Screenshots never read or write the user's settings unless told to.
    QTemporaryDir scratch;
    const QString settingsPath = !o.settingsPath.isEmpty() ? o.settingsPath
                                 : headless               ? scratch.filePath(QStringLiteral("settings.ini"))
                                                          : QString();
    StudioSettings settings(settingsPath);

    QString catalogue = o.catalogue;
    try {
        const QString demoPath = o.demoPath.isEmpty() ? defaultDemoCataloguePath() : o.demoPath;
        if (catalogue.isEmpty() && !o.demo && !headless && QFileInfo::exists(settings.lastCatalogue()))
            catalogue = settings.lastCatalogue();
        if (catalogue.isEmpty())
            catalogue = ensureDemo(demoPath);
    } catch (const Error& e) {
        std::fprintf(stderr, "exemplar: %s\n", qPrintable(e.message()));
        if (headless)
            return 1;
    }

    MainWindow window(&settings);
    window.setInteractive(!headless);
    if (headless)
        window.resize(o.size);
    if (!catalogue.isEmpty() && !window.openCatalogue(catalogue) && headless)
        return 1;
    if (!window.showView(o.view)) {
        std::fprintf(stderr, "exemplar: unknown view \"%s\" (known: %s)\n", qPrintable(o.view),
                     qPrintable(window.viewIds().join(QStringLiteral(", "))));
        return 2;
    }
    // The training views show the latest run unless --run names one (which must exist).
    if (TrainingStudio* training = TrainingStudio::of(&window); training && o.view != QLatin1String("gallery")) {
        if (!training->showRun(o.view, o.run) && o.run != 0) {
            std::fprintf(stderr, "exemplar: the catalogue has no run %lld to show\n", static_cast<long long>(o.run));
            return 2;
        }
    }
    CurationSession* session = window.session();
    if (!o.task.isEmpty()) {
        const auto tasks = session->tasks();
        const auto it = std::find_if(tasks.begin(), tasks.end(), [&](const TaskInfo& t) { return t.name == o.task; });
        if (it == tasks.end()) {
            std::fprintf(stderr, "exemplar: the catalogue has no task \"%s\"\n", qPrintable(o.task));
            return 2;
        }
        session->setActiveTask(it->id);
    }
    CurationView* view = window.curationView();
    if (!o.classFilter.isEmpty()) {
        const auto task = session->activeTask();
        const auto cls = task ? task->classByName(o.classFilter) : std::nullopt;
        if (!cls) {
            std::fprintf(stderr, "exemplar: the active task has no class \"%s\"\n", qPrintable(o.classFilter));
            return 2;
        }
        view->filters()->setClassFilter(cls->id);
    }
    if (o.exemplarsOnly)
        view->filters()->setExemplarsOnly(true);
    if (o.select > 0 && view->model()->rowCount() > 0) {
        view->gallery()->selectRow(0);
        const int last = std::min(o.select, view->model()->rowCount()) - 1;
        view->gallery()->selectionModel()->select(
            QItemSelection(view->model()->index(0, 0), view->model()->index(last, 0)), QItemSelectionModel::Select);
    }

    MiningPanel* mining = nullptr;
    if (!o.mining.isEmpty()) {
        mining = miningPanelOf(&window);
        const auto miningView = MiningPanel::viewFromName(o.mining.section(QLatin1Char(':'), 0, 0));
        if (!mining || !miningView) {
            std::fprintf(stderr, "exemplar: unknown mining mode \"%s\" (known: likely:CLASS, uncertain, different, near, review)\n",
                         qPrintable(o.mining));
            return 2;
        }
        mining->parentWidget()->show(); // its dock
        mining->setView(*miningView, o.mining.section(QLatin1Char(':'), 1));
        mining->showCandidates();
    }

    if (headless && !o.dialog.isEmpty()) {
        std::unique_ptr<QDialog> dialog;
        std::function<bool()> ready;
        if (o.dialog == QLatin1String("tasks")) {
            dialog = std::make_unique<TaskEditorDialog>(session, &window);
        } else if (o.dialog == QLatin1String("import") && session->isOpen()) {
            auto import = std::make_unique<ImportDialog>(session->path(), &window);
            import->setFolder(o.importFolder);
            if (!o.importLabels.isEmpty())
                import->setAnnotations(ImportDialog::Annotations::LabelsCsv, o.importLabels);
            ImportDialog* shown = import.get();
            if (o.runImport && !shown->startImport()) {
                std::fprintf(stderr, "exemplar: the import did not start (choose --import-folder)\n");
                return 2;
            }
            // The detection cost is measured in the background; a running import ends with its summary.
            ready = [shown] { return !shown->isMeasuringCost() && !shown->isRunning(); };
            dialog = std::move(import);
        } else if (o.dialog == QLatin1String("training") && session->isOpen()) {
            auto training = std::make_unique<TrainingDialog>(session, &window);
            // As Training > New training run opens it: with the latest run's settings.
            training->useLatestTrainingSettings();
            dialog = std::move(training);
        } else {
            std::fprintf(stderr, "exemplar: unknown dialog \"%s\" (known: tasks, import, training)\n", qPrintable(o.dialog));
            return 2;
        }
        QString error;
        if (!saveScreenshot(dialog.get(), o.screenshot, ready, o.runImport ? 600000 : 10000, &error)) {
            std::fprintf(stderr, "exemplar: %s\n", qPrintable(error));
            return 1;
        }
        std::printf("%s\n", qPrintable(o.screenshot));
        return 0;
    }
    if (headless) {
        if (o.showHelp)
            window.showHelp();
        QString error;
        const bool ok = saveScreenshot(
            &window, o.screenshot,
            [&] { return view->model()->pendingThumbnails() == 0 && !(mining && mining->isBusy()); }, 15000, &error);
        if (!ok) {
            std::fprintf(stderr, "exemplar: %s\n", qPrintable(error));
            return 1;
        }
        std::printf("%s\n", qPrintable(o.screenshot));
        return 0;
    }
    window.show();
    if (o.showHelp || !settings.helpSeen())
        window.showHelp();
    return QApplication::exec();
}

} // namespace exemplar::ui
