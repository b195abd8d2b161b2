#pragma once
// Evaluation of a finished run on its test images: the confusion matrix as a heatmap (counts and
// row-normalised percentages, class names on both axes), headline scores (and whether they beat
// chance), per-class precision/recall/F1, and a try-it panel for the run's model. Clicking a cell
// asks for the faces behind it, most confident first. With no finished run, or an unfinished one
// chosen, a sentence says why there are no figures and buttons offer the way on.
#include "ui/training/RunData.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QMenu;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace exemplar::ui {

class CurationSession;
class TryItPanel;

class EvaluationView : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationView(CurationSession* session, QWidget* parent = nullptr);

    // Shows a run (0: the latest finished one, or with none finished the latest run). Returns false
    // when there is no such run. An unfinished run (running, interrupted, cancelled, failed) has no
    // figures: the view says what it is and offers what to do instead.
    bool showRun(qint64 runId = 0);
    void refreshRuns(); // re-reads the run list (after a run finished or was deleted)
    // The run this studio trains (0: none): it cannot be resumed from here.
    void setBusyRun(qint64 runId);
    qint64 runId() const { return data_.run.id; }
    const RunData& data() const { return data_; }

    QCustomPlot* matrixPlot() const { return plot_; }
    QTableWidget* classTable() const { return table_; }
    TryItPanel* tryIt() const { return tryIt_; }
    // Text drawn in a cell ("12\n40%"), empty outside the matrix.
    QString cellText(int trueIndex, int predictedIndex) const;
    // Widget position of a cell's centre (for clicks in tests).
    QPoint cellCenter(int trueIndex, int predictedIndex) const;
    // Emits cellActivated for a cell (what a click does).
    void activateCell(int trueIndex, int predictedIndex);

    // Headline scores (rich text), with the balanced accuracy's interval and any thin classes.
    QString headlineText() const;
    // "not above chance: ..." under the headline (learning::chanceText), empty when above chance.
    QString chanceText() const;
    // False when the view shows no figures but a sentence: no run yet, or an unfinished run.
    bool showsFigures() const;
    // That sentence (empty while figures are shown) and its actions.
    QString emptyText() const;
    QPushButton* newRunButton() const { return newRun_; }
    QPushButton* resumeButton() const { return resume_; }
    QPushButton* latestFinishedButton() const { return latestFinished_; }

    // "Export" button: a menu with the matrix (PNG) and the metrics (CSV, JSON).
    QPushButton* exportButton() const { return export_; }
    // run-<id>-<what> beside the catalogue, e.g. run-3-confusion.png (what the export dialogs propose).
    QString defaultExportPath(const QString& what) const;

    bool exportMatrixPng(const QString& path) const;
    void exportMetricsCsv(const QString& path) const; // throws exemplar::Error
    void exportMetricsJson(const QString& path) const;

Q_SIGNALS:
    // "true sadness -> predicted neutral", image ids most confident first.
    void cellActivated(const QVector<qint64>& imageIds, const QString& caption);
    void newRunRequested();
    void resumeRequested(qint64 runId);

private:
    qint64 latestFinishedRun() const; // 0: none
    void rebuild();
    void showEmpty(const QString& text);
    void fillMatrix();
    void fillClassTable();
    void onPlotClick(QMouseEvent* event);
    enum class ExportKind { MatrixPng, MetricsCsv, MetricsJson };
    void exportDialog(ExportKind kind);

    CurationSession* session_;
    RunData data_;
    QComboBox* runs_;
    QLabel* headline_;
    QLabel* chance_;
    QWidget* topBar_;
    QStackedWidget* pages_;
    QLabel* empty_;
    QPushButton* newRun_;
    QPushButton* resume_;
    QPushButton* latestFinished_;
    qint64 busyRun_ = 0;
    QCustomPlot* plot_;
    QTableWidget* table_;
    TryItPanel* tryIt_;
    QPushButton* export_;
    bool quiet_ = false;
};

} // namespace exemplar::ui
