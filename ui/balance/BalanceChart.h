#pragma once
// Bar chart of labelled faces per class of the active task, stacked by who set the label
// (imported, curator, model), standing on a band of the class's colour so that bars and gallery
// chips are matched at a glance. It follows every label change; clicking a bar asks the gallery to
// show that class.
#include "core/catalogue/Types.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemRect;
class QCPAbstractPlottable;
class QLabel;
class QMouseEvent;

namespace exemplar::ui {

class CurationSession;

class BalanceChart : public QWidget {
    Q_OBJECT
public:
    explicit BalanceChart(CurationSession* session, QWidget* parent = nullptr);

    // Re-reads the counts from the catalogue and redraws.
    void refresh();

    // What the bars show now (for tests): class ids in bar order and the height of each stack part.
    QVector<qint64> barClassIds() const { return classIds_; }
    double barValue(int bar, Provenance part) const;
    QColor barColour(int bar) const; // the class colour under the bar
    // Centre of a bar in plot widget coordinates (for clicking it).
    QPoint barCentre(int bar) const;
    QCustomPlot* plot() const { return plot_; }

Q_SIGNALS:
    void classClicked(qint64 classId);

private:
    void onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent* event);

    CurationSession* session_;
    QCustomPlot* plot_;
    QCPBars* imported_;
    QCPBars* curator_;
    QCPBars* model_;
    QLabel* caption_;
    QVector<qint64> classIds_;
    QVector<QCPItemRect*> bands_; // one per bar, below the zero line
};

} // namespace exemplar::ui
