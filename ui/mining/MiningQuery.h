#pragma once
// What the "Find exemplars" panel asks of the stored scores, answered off the GUI thread: each
// call opens its own connection to the catalogue file (a Catalogue is single-threaded), reads the
// task's latest scoring and ranks it (core/learning/Mining.h). No widgets here.
#include "core/catalogue/Types.h"
#include "core/learning/OutOfFold.h"
#include "core/learning/Scoring.h"
#include "core/util/Cancellation.h"

#include <QString>
#include <QVector>
#include <functional>

namespace exemplar {
class Catalogue;
}

namespace exemplar::ui {

enum class MiningView {
    Likely,         // most likely <class>
    Uncertain,      // most uncertain
    Different,      // most different from what is labelled
    NearDuplicates, // nearest faces to one face
    Disputed,       // review: labelled faces the out-of-fold models disagree with
};

struct MiningRequest {
    QString cataloguePath;
    qint64 taskId = 0;
    MiningView view = MiningView::Likely;
    QString className;         // Likely
    qint64 imageId = 0;        // NearDuplicates
    bool unlabelledOnly = true; // Likely, Uncertain, Different
    int top = 200;
};

struct MiningRow {
    qint64 imageId = 0;
    QString fileName;
    QString label;      // the image's class for the task (empty: unlabelled)
    QString modelClass; // the model's most probable class
    double probability = 0; // of modelClass
    double score = 0;       // what the ranking sorts on
};

struct MiningResult {
    QVector<MiningRow> rows;
    QString caption; // e.g. "Most likely sadness"
    MiningView view = MiningView::Likely; // of the request
    QString className;                    // of the request (Likely)
    QString error;   // e.g. no scores yet
    qint64 scoringId = 0;
};

// Never throws: problems come back in MiningResult::error.
MiningResult runMiningQuery(const MiningRequest& request);

// One-line description of the task's latest scoring of a kind: the model's ("5,589 faces scored by
// run 12 on ...", "Not scored yet") or the labels' cross-validation ("Labels cross-validated (5
// folds) on ...", "Labels not cross-validated yet"). An indexed look-up, cheap enough for the GUI
// thread's own connection.
enum class ScoringKind { Model, CrossValidation };
QString scoringSummary(const Catalogue& catalogue, qint64 taskId, ScoringKind kind);

} // namespace exemplar::ui
