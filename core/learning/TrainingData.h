#pragma once
// What a training run learns from: image files with a class index and an identity. Built from
// the catalogue (CatalogueTraining.h) or from anything else (tests, benches), so the engine does
// not depend on where the labels live.
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <vector>

namespace exemplar::learning {

struct TrainingSample {
    QString path;     // absolute image file path
    int label = 0;    // index into classNames, then auxiliaryClassNames
    QString identity; // the person; empty: the image is its own identity
    qint64 imageId = 0; // catalogue id (0 when not from a catalogue)
};

struct TrainingData {
    QString task;           // e.g. "expression" (recorded in the model sidecar)
    QStringList classNames; // model output order
    // The task's other classes (TrainingConfig::auxiliaryClasses): learnt from, never predicted.
    // A sample's label indexes classNames + auxiliaryClassNames.
    QStringList auxiliaryClassNames;
    std::vector<TrainingSample> samples;
    // Empty, or one flag per sample: true puts the sample in the test part whatever the split
    // (cross-validation's held-out fold); the rest is split as usual. Its people must not be
    // among the others'.
    std::vector<bool> testOnly;
};

} // namespace exemplar::learning
