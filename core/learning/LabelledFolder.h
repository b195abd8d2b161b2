#pragma once
// Training/evaluation data straight from a folder of images and a labels CSV (file column, one
// column per task, optional identity column), without a catalogue: for `exemplar-cli eval` on
// folders a model has never seen, and for benches.
#include "core/learning/TrainingData.h"

#include <QMap>

namespace exemplar::learning {

struct LabelledFolder {
    TrainingData data;
    QMap<QString, int> leftOutByLabel; // labels that are not among the requested classes
    int unlabelled = 0;                // rows with an empty label
    int missingFiles = 0;              // rows whose file is not in the folder
    QStringList missingExamples;       // "labels.csv:LINE" of the first few missing files
};

// What happens to rows whose label is not one of the requested classes.
enum class Auxiliary { LeaveOut, Keep /* as TrainingData::auxiliaryClassNames */ };

// classes: the classes to keep, in this order (empty: every label found, in order of first
// appearance). Throws exemplar::Error when the CSV cannot be read or lacks the columns.
LabelledFolder readLabelledFolder(const QString& labelsCsv, const QString& imagesDir,
                                  const QString& labelColumn, const QStringList& classes = {},
                                  Auxiliary auxiliary = Auxiliary::LeaveOut);

} // namespace exemplar::learning
