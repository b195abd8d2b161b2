#pragma once
// Live view of a training run (or the recorded curves of a past one): loss curves (per-batch loss,
// exponentially smoothed, and per-epoch train/validation loss), accuracy / balanced accuracy /
// macro-F1 per epoch, progress, images/s and ETA, with cancel and resume.
#include "core/catalogue/Types.h"
#include "core/learning/TrainingJob.h"

#include <QWidget>

class QCPAxis;
class QCustomPlot;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace exemplar::ui {

class CurationSession;
class TrainingController;

class TrainingMonitor : public QWidget {
    Q_OBJECT
public:
    TrainingMonitor(CurationSession* session, TrainingController* controller, QWidget* parent = nullptr);

    // Shows the recorded epochs of a run (no live updates until the next run starts).
    void showRun(qint64 runId);
    qint64 runId() const { return runId_; }

    QCustomPlot* lossPlot() const { return loss_; }
    QCustomPlot* metricsPlot() const { return metrics_; }
    int batchPoints() const;  // smoothed per-batch loss points
    int epochPoints() const;  // validation loss points
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* cancelButton() const { return cancel_; }
    QPushButton* resumeButton() const { return resume_; }
    QPushButton* exportButton() const { return export_; }
    QString speedText() const;
    QString etaText() const;
    // With no run to show, or a recorded run without a single epoch: the sentence shown instead of
    // the plots (empty otherwise) and its button.
    QString emptyText() const;
    QPushButton* emptyNewRunButton() const { return emptyNewRun_; }

    // Writes both plots side by side to a PNG.
    bool exportPng(const QString& path) const;
    // Where "Export curves" proposes to save: run-<id>-curves.png beside the catalogue.
    QString defaultExportPath() const;

Q_SIGNALS:
    void newRunRequested();

private:
    void clear();
    void showRecorded(qint64 runId); // epochs from the catalogue, batches from the work directory
    void exportDialog();
    void onStarted(qint64 runId);
    void onBatch(const learning::BatchProgress& b);
    void onEpoch(const learning::EpochProgress& e);
    void addEpoch(int epoch, double trainLoss, double valLoss, double trainAcc, double valAcc, double valBalanced,
                  double valF1);
    void onFinished(qint64 runId, const QString& status, const QString& error);
    void updateButtons();
    void replot();

    CurationSession* session_;
    TrainingController* controller_;
    qint64 runId_ = 0;
    QLabel* title_;
    QLabel* phase_;
    QLabel* speed_;
    QLabel* eta_;
    QProgressBar* progress_;
    QPushButton* newRun_;
    QPushButton* cancel_;
    QPushButton* resume_;
    QPushButton* export_;
    QCustomPlot* loss_;
    QCustomPlot* metrics_;
    QStackedWidget* pages_;
    QLabel* empty_;
    QPushButton* emptyNewRun_;
    QString noCurves_; // why the recorded run shown has no curve at all (empty: it has some)
    int epochs_ = 0;
};

// An epoch axis over 0..epochs: integer ticks only, and room right of the last epoch so its point
// and tick label are not cut at the edge.
void setEpochAxis(QCPAxis* axis, int epochs);

// Moves the plot's legend into a row above the axes (at most `columns` entries a row), so that no
// curve ever runs under it.
void placeLegendAbove(QCustomPlot* plot, int columns);
// The legend names only the graphs that hold data (an empty curve has nothing to name), in graph
// order; empty when none does.
void legendForDrawnGraphs(QCustomPlot* plot);

// Human-readable duration: "45 s", "3 min 05 s", "1 h 02 min".
QString formatDuration(double seconds);

} // namespace exemplar::ui
