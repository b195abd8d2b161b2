#pragma once
// The per-batch training loss of a run, exponentially smoothed, as the monitor plots it. Kept in
// the run's work directory (batch_loss.csv beside the model) because the catalogue stores epochs
// only, so that the monitor of a past run still shows its batch curve.
#include "core/learning/TrainingJob.h"

#include <QPointF>
#include <QString>
#include <QVector>

namespace exemplar::ui {

class BatchLossLog {
public:
    // Weight of the newest batch in the smoothed loss.
    static constexpr double kSmoothing = 0.1;
    static QString fileIn(const QString& workDir); // workDir/batch_loss.csv

    // Adds a batch; returns its point (x = fractional epoch, y = smoothed loss).
    QPointF add(const learning::BatchProgress& batch);
    // A resumed run repeats the interrupted epoch: drops points past `epochs` and restarts smoothing.
    void keepEpochs(int epochs);
    void clear();
    const QVector<QPointF>& points() const { return points_; }

    // Throws exemplar::Error naming the file when it cannot be written.
    void save(const QString& path) const;
    // Empty log when the file is missing; throws exemplar::Error when it is malformed.
    static BatchLossLog load(const QString& path);

private:
    QVector<QPointF> points_;
    double average_ = 0;
    int count_ = 0;
};

} // namespace exemplar::ui
