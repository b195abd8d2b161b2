#pragma once
// A recorded run read back from the catalogue in the shape the views need: class names and ids in
// model order, test metrics, and the test predictions behind every confusion-matrix cell.
#include "core/catalogue/Catalogue.h"
#include "core/learning/Metrics.h"

#include <QJsonObject>
#include <QVector>

namespace exemplar::ui {

struct RunData {
    RunRecord run;
    QJsonObject config;
    QStringList classNames;   // model output order
    QVector<qint64> classIds; // same order
    learning::Metrics test;   // as recorded (empty unless finished)
    bool hasTest = false;
    int epochsRecorded = 0;

    struct Cell {
        int count = 0;
        QVector<qint64> imageIds; // most confident first (probability of the predicted class)
    };
    QVector<QVector<Cell>> cells; // [true][predicted], from the test predictions

    int classIndex(qint64 classId) const { return static_cast<int>(classIds.indexOf(classId)); }
    int rowTotal(int row) const;
};

// Throws exemplar::Error when the run does not exist.
RunData loadRunData(const Catalogue& catalogue, qint64 runId);

// The status a view shows: a run recorded as "running" that is not `liveRunId` (the run this studio
// trains, 0: none) was left so by a process that stopped without recording its end: "interrupted".
QString displayStatus(const RunRecord& run, qint64 liveRunId);

// Headline and per-class metrics as CSV (class,precision,recall,f1,support + overall rows).
QString metricsCsv(const RunData& data);
// Writes `text` to `path`; throws exemplar::Error naming the file on failure.
void writeTextFile(const QString& path, const QByteArray& text);

} // namespace exemplar::ui
