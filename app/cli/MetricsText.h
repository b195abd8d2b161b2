#pragma once
// Metrics as the commands print them: one summary line, and a per-class table with the confusion matrix.
#include "core/learning/Metrics.h"

#include <QString>

namespace exemplar::cli {

// "accuracy A, balanced accuracy B, macro-F1 F (N images)"
QString metricsLine(const learning::Metrics& m);
// Precision, recall, F1 and support per class, then the confusion matrix (rows: true class).
QString metricsTable(const learning::Metrics& m);

} // namespace exemplar::cli
