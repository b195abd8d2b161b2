#pragma once
// Detects faces in catalogued images (those imported with detection off or before it existed, or
// all of them again) and stores the results with FaceStore. Decoding and detection run in parallel;
// results are written in batches by the calling thread (the catalogue's thread). Curator boxes are
// never touched. Unreadable files are flagged "failed" and reported, never removed.
#include "core/catalogue/Catalogue.h"
#include "core/util/Cancellation.h"
#include "core/util/Error.h"

#include <QHash>
#include <QVector>
#include <functional>

namespace exemplar {

struct FaceDetectionPassOptions {
    bool redo = false; // also images already checked
    int threads = 0;   // 0: all cores
    int batchSize = 128;
};

struct FaceDetectionPassReport {
    int checked = 0;
    QHash<QString, int> statuses; // status name -> images of this pass
    QVector<Issue> issues;        // files that could not be read
    bool cancelled = false;
    double seconds = 0;
};

// Throws exemplar::Error when the cascades are missing (naming the folders searched).
FaceDetectionPassReport detectCatalogueFaces(Catalogue& catalogue, const FaceDetectionPassOptions& options = {},
                                             const std::function<void(int done, int total)>& progress = {},
                                             const CancelFlag* cancel = nullptr);

} // namespace exemplar
