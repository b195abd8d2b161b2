#include "ui/training/TrainingStudio.h"

#include "core/learning/CatalogueTraining.h"
#include "ui/MainWindow.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/training/EvaluationView.h"
#include "ui/training/RunHistoryView.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TrainingDialog.h"
#include "ui/training/TrainingMonitor.h"

#include <QApplication>
#include <QCloseEvent>
#include <QMenuBar>
#include <QMessageBox>

namespace exemplar::ui {

TrainingStudio* TrainingStudio::install(MainWindow* window) { return new TrainingStudio(window); }

TrainingStudio* TrainingStudio::of(MainWindow* window)
{
    return window ? window->findChild<TrainingStudio*>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

TrainingStudio::TrainingStudio(MainWindow* window) : QObject(window), window_(window)
{
    CurationSession* session = window->session();
    controller_ = new TrainingController(session, this);
    monitor_ = new TrainingMonitor(session, controller_);
    evaluation_ = new EvaluationView(session);
    runs_ = new RunHistoryView(session);
    window->addView(QStringLiteral("monitor"), tr("Training monitor"), monitor_);
    window->addView(QStringLiteral("evaluation"), tr("Evaluation"), evaluation_);
    window->addView(QStringLiteral("runs"), tr("Training runs"), runs_);

    QMenu* menu = window->menuBar()->addMenu(tr("&Training"));
    menu->addAction(tr("&New training run..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), this,
                    [this] { newRun(); });
    menu->addAction(tr("&Monitor"), this, [this] { window_->showView(QStringLiteral("monitor")); });
    menu->addAction(tr("&Evaluation"), this, [this] { window_->showView(QStringLiteral("evaluation")); });
    menu->addAction(tr("&Runs"), this, [this] { window_->showView(QStringLiteral("runs")); });

    connect(monitor_, &TrainingMonitor::newRunRequested, this, [this] { newRun(); });
    connect(evaluation_, &EvaluationView::newRunRequested, this, [this] { newRun(); });
    connect(runs_, &RunHistoryView::newRunRequested, this, [this] { newRun(); });
    connect(evaluation_, &EvaluationView::resumeRequested, this, [this](qint64 id) {
        if (controller_->resumeRun(id))
            window_->showView(QStringLiteral("monitor"));
    });
    connect(controller_, &TrainingController::started, this, [this](qint64 runId) {
        runs_->setBusyRun(runId);
        runs_->refresh();
        evaluation_->setBusyRun(runId);
        evaluation_->refreshRuns();
        // A view with no figures follows the run that now trains (it says so, and offers no resume).
        if (!evaluation_->data().hasTest)
            evaluation_->showRun(runId);
    });
    // An evaluation showing the run that trains says how far it got.
    connect(controller_, &TrainingController::epochDone, this, [this] {
        if (evaluation_->runId() == controller_->runId() && !evaluation_->data().hasTest)
            evaluation_->showRun(controller_->runId());
    });
    connect(controller_, &TrainingController::finished, this, [this](qint64 runId, const QString& status) {
        runs_->setBusyRun(0);
        runs_->refresh();
        evaluation_->setBusyRun(0);
        evaluation_->refreshRuns();
        if (status == QLatin1String("finished") || evaluation_->runId() == runId)
            evaluation_->showRun(runId);
    });
    connect(controller_, &TrainingController::failed, session, &CurationSession::message);
    connect(runs_, &RunHistoryView::evaluateRequested, this, [this](qint64 id) { showRun(QStringLiteral("evaluation"), id); });
    connect(runs_, &RunHistoryView::resumeRequested, this, [this](qint64 id) {
        if (controller_->resumeRun(id))
            window_->showView(QStringLiteral("monitor"));
    });
    connect(runs_, &RunHistoryView::curvesRequested, this, [this](qint64 id) { showRun(QStringLiteral("monitor"), id); });
    connect(runs_, &RunHistoryView::runsChanged, this, [this] {
        evaluation_->refreshRuns();
        if (!evaluation_->showRun(evaluation_->runId()))
            evaluation_->showRun(0);
    });
    connect(evaluation_, &EvaluationView::cellActivated, this, [this](const QVector<qint64>& ids, const QString& caption) {
        window_->curationView()->showImageList(ids, caption);
        window_->showView(QStringLiteral("gallery"));
    });
    connect(session, &CurationSession::opened, this, [this] {
        if (!controller_->isRunning())
            monitor_->showRun(latestRun());
    });
    if (session->isOpen())
        monitor_->showRun(latestRun());

    confirmClose_ = [this] {
        return QMessageBox::question(window_, tr("Training in progress"),
                                     tr("A training run is in progress. Cancel it and close? The epochs done so far "
                                        "stay recorded and the run can be resumed later."),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
    };
    window->installEventFilter(this);
    // Quitting without closing the window (e.g. QApplication::quit) still records the run.
    connect(qApp, &QCoreApplication::aboutToQuit, controller_, &TrainingController::shutdown);
}

bool TrainingStudio::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == window_ && event->type() == QEvent::Close && controller_->isRunning()) {
        if (confirmClose_ && !confirmClose_()) {
            event->ignore();
            return true; // the window stays open and the run goes on
        }
        controller_->shutdown();
    }
    return QObject::eventFilter(watched, event);
}

qint64 TrainingStudio::latestRun() const
{
    CurationSession* session = window_->session();
    if (!session->isOpen())
        return 0;
    const auto runs = session->catalogue().runs();
    return runs.isEmpty() ? 0 : runs.first().id;
}

QVector<qint64> TrainingStudio::finishedRuns() const
{
    QVector<qint64> ids;
    CurationSession* session = window_->session();
    if (session->isOpen())
        for (const RunRecord& r : session->catalogue().runs())
            if (learning::runHasTestFigures(r)) ids << r.id;
    return ids;
}

TrainingDialog* TrainingStudio::newRun()
{
    auto* dialog = new TrainingDialog(window_->session(), window_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Fix labels, train again: the usual next run repeats the last one ("Restore Defaults" resets).
    dialog->useLatestTrainingSettings();
    connect(dialog, &QDialog::accepted, this, [this, dialog] { startRun(dialog->selection(), dialog->config()); });
    dialog->open();
    return dialog;
}

bool TrainingStudio::startRun(const learning::DatasetSelection& selection, const learning::TrainingConfig& config,
                              const QString& workDir)
{
    if (!controller_->start(selection, config, workDir))
        return false;
    window_->showView(QStringLiteral("monitor"));
    return true;
}

bool TrainingStudio::showRun(const QString& viewId, qint64 runId)
{
    if (viewId == QLatin1String("evaluation")) {
        if (!evaluation_->showRun(runId))
            return false;
    } else if (viewId == QLatin1String("monitor")) {
        const qint64 id = runId ? runId : latestRun();
        if (!id || !window_->session()->catalogue().run(id))
            return false;
        monitor_->showRun(id);
    } else if (viewId == QLatin1String("runs")) {
        runs_->refresh();
        if (runId) {
            runs_->selectRuns({runId});
        } else if (const QVector<qint64> ids = finishedRuns(); ids.size() >= 2) {
            // Nothing asked for: open on the comparison of the two latest finished runs, the usual
            // question (an interrupted run has no figures to compare).
            runs_->selectRuns({ids[0], ids[1]});
            runs_->compare(std::min(ids[0], ids[1]), std::max(ids[0], ids[1]));
        } else if (!runs_->runIds().isEmpty()) {
            runs_->selectRuns({runs_->runIds().first()});
        }
    } else {
        return false;
    }
    return window_->showView(viewId);
}

} // namespace exemplar::ui
