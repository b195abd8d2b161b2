#pragma once
// What face detection costs on this machine for the photos of one folder, measured on a few of
// them before importing, so that the import dialog can say what the "detect faces" choice costs.
#include <QString>

namespace exemplar::ui {

struct DetectionCost {
    int photos = 0;          // photos the figure rests on (0: nothing measured, see problem)
    double msPerPhoto = 0;   // decode for detection + detection, one thread
    int threads = 1;         // the import detects on this many threads at once
    QString problem;         // why nothing was measured (no photos, cascades missing)
    double photosPerSecond() const { return msPerPhoto > 0 ? 1000.0 * threads / msPerPhoto : 0; }
};

// Times detection on up to `samples` photos found under `folder` (the first ones met, searched
// recursively like the import). Takes about samples x msPerPhoto plus loading the cascades: run it
// off the GUI thread.
DetectionCost measureDetectionCost(const QString& folder, int samples = 4);

} // namespace exemplar::ui
