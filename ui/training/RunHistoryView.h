#pragma once
// The catalogue's training runs: config and headline test scores per run (marked when not above
// chance); compare two runs (validation curves overlaid, score deltas, or why one has no figures);
// delete a run; export its model, curves or metrics; resume a run that did not finish (cancelled,
// failed, or interrupted by a crash) from its checkpoint.
#include "core/catalogue/Types.h"

#include <QWidget>

class QCustomPlot;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace exemplar::ui {

class CurationSession;

class RunHistoryView : public QWidget {
    Q_OBJECT
public:
    explicit RunHistoryView(CurationSession* session, QWidget* parent = nullptr);

    void refresh();
    // The run this studio trains (0: none): it cannot be deleted or resumed, and it alone of the
    // runs recorded as "running" is not shown as "interrupted".
    void setBusyRun(qint64 runId) { busyRun_ = runId; }
    QTableWidget* table() const { return table_; }
    QVector<qint64> runIds() const;          // table order (newest first)
    QString statusText(qint64 runId) const;  // as shown in the status column
    QPushButton* resumeButton() const { return resume_; }
    QVector<qint64> selectedRunIds() const;
    void selectRuns(const QVector<qint64>& runIds);

    // Compares the two runs (a = older): overlaid validation curves and score deltas b - a.
    void compare(qint64 a, qint64 b);
    QCustomPlot* comparePlot() const { return comparePlot_; }
    QString compareText() const;

    // With no run recorded the view shows a sentence and a "New training run..." button instead of
    // an empty table; emptyText() is that sentence (empty while runs are listed).
    QString emptyText() const;
    QPushButton* newRunButton() const { return newRun_; }

    // Throws exemplar::Error (unknown run, run being trained, database failure).
    void deleteRun(qint64 runId);
    // Copies the run's exported model directory into `targetDir`; throws exemplar::Error.
    void exportModel(qint64 runId, const QString& targetDir) const;

Q_SIGNALS:
    void evaluateRequested(qint64 runId);
    void curvesRequested(qint64 runId);
    void resumeRequested(qint64 runId);
    void runsChanged(); // a run was deleted
    void newRunRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateButtons();
    void fitNameColumn();
    qint64 currentRun() const;

    CurationSession* session_;
    qint64 busyRun_ = 0;
    QTableWidget* table_;
    QPushButton* evaluate_;
    QPushButton* curves_;
    QPushButton* resume_;
    QPushButton* compare_;
    QPushButton* delete_;
    QPushButton* exportModel_;
    QCustomPlot* comparePlot_;
    QLabel* compareLabel_;
    QStackedWidget* pages_;
    QLabel* empty_;
    QPushButton* newRun_;
};

} // namespace exemplar::ui
