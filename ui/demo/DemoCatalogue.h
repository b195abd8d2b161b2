#pragma once
// Generates a catalogue of synthetic faces (drawn with OpenCV: face ellipse, eyes, brows and a mouth
// shaped by the expression) so that the studio, its tests and its benchmark run without any data.
#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace exemplar::ui {

struct DemoOptions {
    int images = 480;
    int imageSide = 256;          // side of the drawn face (and of the image files)
    bool writeImageFiles = true;  // false: thumbnails only (the files are "missing"), much faster
    quint32 seed = 1;
    double importedFraction = 0.7; // share of faces with an imported expression label
    double curatorFraction = 0.1;  // share labelled by the curator (the rest is unlabelled)
};

struct DemoSummary {
    int images = 0;
    int labelled = 0;
    int exemplars = 0;
    QString imagesDir;
};

// The expression classes of the demo, in task order.
QStringList demoExpressions();

// Creates the catalogue at cataloguePath (must not exist yet) with tasks "expression" and
// "glasses", attributes "quality" (0..1) and "labeler", and image files next to it in
// "<catalogue base name>-images/" when opts.writeImageFiles. Throws exemplar::Error.
DemoSummary generateDemoCatalogue(const QString& cataloguePath, const DemoOptions& opts = {});

} // namespace exemplar::ui
