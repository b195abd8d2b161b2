#pragma once
// A recorded run read back from the catalogue in the shape the views need: class names and ids in
// model order, test metrics, and the test predictions behind every confusion-matrix cell.
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/Metrics.h"

#include <QHash>
#include <QJsonObject>
#include <QVector>
#include <optional>

namespace exemplar::ui {

struct RunData {
    RunRecord run;
    QJsonObject config;
    QStringList classNames;   // model output order
    QVector<qint64> classIds; // same order
    learning::Metrics test;   // as recorded (empty unless finished)
    bool hasTest = false;     // only a finished run has test figures
    learning::RunState state = learning::RunState::Failed;
    int epochsRecorded = 0;
    int epochsPlanned = 0;    // 0: a run that trains nothing (zero-shot)

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

// The test faces of a run (every confusion-matrix cell's images).
QVector<qint64> testImageIds(const RunData& data);

// How far the test balanced accuracy's change from run `a` to run `b` could be the luck of which
// people were tested: its interval over resampled people, both runs scored on the same people in
// each resample (PeopleBootstrap.h). Only when both tested the same faces, with the same classes
// and labels; otherwise (another split, a label fixed since) nullopt: the two figures are then not
// comparable face by face. personOfImage: Catalogue::identities of the test faces.
std::optional<learning::ScoreInterval> pairedBalancedAccuracyChange(const RunData& a, const RunData& b,
                                                                    const QHash<qint64, QString>& personOfImage);

// The status a view shows (learning::runState): a run recorded as "running" is "interrupted" once
// no process trains it. `liveRunId` (the run this studio trains, 0: none) is known to be running.
QString displayStatus(const RunRecord& run, qint64 liveRunId);

// For a view with no figures to show for an unfinished run: what the run is and what to do, e.g.
// "Run 4 was interrupted after epoch 3 of 20 and has no test figures. Resume it from its
// checkpoint, or train again." `resumable`: its checkpoint is there and nothing else trains now.
QString unfinishedRunText(const RunData& data, bool resumable);
// "after epoch 3 of 20", "before its first epoch" (where an unfinished run stopped).
QString stoppedAtText(const RunData& data);

// Headline and per-class metrics as CSV (class,precision,recall,f1,support + overall rows).
QString metricsCsv(const RunData& data);
// Writes `text` to `path`; throws exemplar::Error naming the file on failure.
void writeTextFile(const QString& path, const QByteArray& text);

} // namespace exemplar::ui
