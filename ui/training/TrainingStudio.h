#pragma once
// The training side of the studio: registers the "monitor", "evaluation" and "runs" views and a
// Training menu in a MainWindow, owns the TrainingController, and ties the views together (a
// finished run opens its evaluation; a confusion cell shows its faces in the gallery). Closing the
// window while a run trains asks first, then cancels the run and records it as cancelled.
#include <QObject>
#include <QVector>
#include <functional>

class QAction;

namespace exemplar::learning {
struct DatasetSelection;
struct TrainingConfig;
} // namespace exemplar::learning

namespace exemplar::ui {

class EvaluationView;
class MainWindow;
class RunHistoryView;
class TrainingController;
class TrainingDialog;
class TrainingMonitor;

class TrainingStudio : public QObject {
    Q_OBJECT
public:
    // Creates the studio as a child of `window` and registers its views.
    static TrainingStudio* install(MainWindow* window);
    static TrainingStudio* of(MainWindow* window); // nullptr when not installed

    TrainingController* controller() const { return controller_; }
    TrainingMonitor* monitor() const { return monitor_; }
    EvaluationView* evaluation() const { return evaluation_; }
    RunHistoryView* runs() const { return runs_; }

    // Opens the "New training run" dialog (window-modal, not blocking) with the settings of the
    // latest run; accepting it starts the run.
    TrainingDialog* newRun();
    bool startRun(const learning::DatasetSelection& selection, const learning::TrainingConfig& config,
                  const QString& workDir = {});
    // Shows `runId` (0: the latest run) in one of this studio's views; false for another view id
    // or an unknown run.
    bool showRun(const QString& viewId, qint64 runId);

    // Asked when the window is closed while a run trains; false keeps the window open. The default
    // asks with a message box; tests replace it.
    void setCloseConfirmation(std::function<bool()> confirm) { confirmClose_ = std::move(confirm); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit TrainingStudio(MainWindow* window);
    qint64 latestRun() const;
    QVector<qint64> finishedRuns() const; // with test figures, newest first

    MainWindow* window_;
    TrainingController* controller_;
    TrainingMonitor* monitor_;
    EvaluationView* evaluation_;
    RunHistoryView* runs_;
    std::function<bool()> confirmClose_;
};

} // namespace exemplar::ui
