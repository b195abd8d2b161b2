#pragma once
// Metrics as the commands print them: one summary line (and the chance verdict under it), a
// per-class table with the confusion matrix, and the JSON they add to --json.
#include "core/learning/Metrics.h"

#include <QJsonObject>
#include <QString>

namespace exemplar::cli {

// "accuracy A, balanced accuracy B (interval), macro-F1 F (N images)"
QString metricsLine(const learning::Metrics& m);
// metricsLine after `prefix` ("Test: "), then, when the figure is not above chance, learning::chanceText
// on the next line, indented under the figures.
QString metricsLines(const learning::Metrics& m, const QString& prefix = {});
// Precision, recall, F1 and support per class, then the confusion matrix: one row per true class,
// one column per predicted class, under a header of the (abbreviated) class names.
QString metricsTable(const learning::Metrics& m);
// m.toJson() with "above_chance": true|false.
QJsonObject metricsJson(const learning::Metrics& m);

} // namespace exemplar::cli
