#pragma once
// Evaluation of a finished run on its test images: the confusion matrix as a heatmap (counts and
// row-normalised percentages, class names on both axes), headline scores, per-class
// precision/recall/F1, and a try-it panel for the run's model. Clicking a cell asks for the faces
// behind it, most confident first.
#include "ui/training/RunData.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QMenu;
class QPushButton;
class QTableWidget;

namespace exemplar::ui {

class CurationSession;
class TryItPanel;

class EvaluationView : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationView(CurationSession* session, QWidget* parent = nullptr);

    // Shows a run (0: the latest finished one). Returns false when there is no such run.
    bool showRun(qint64 runId = 0);
    void refreshRuns(); // re-reads the run list (after a run finished or was deleted)
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

private:
    void rebuild();
    void onPlotClick(QMouseEvent* event);
    enum class ExportKind { MatrixPng, MetricsCsv, MetricsJson };
    void exportDialog(ExportKind kind);

    CurationSession* session_;
    RunData data_;
    QComboBox* runs_;
    QLabel* headline_;
    QCustomPlot* plot_;
    QTableWidget* table_;
    TryItPanel* tryIt_;
    QPushButton* export_;
    bool quiet_ = false;
};

} // namespace exemplar::ui
