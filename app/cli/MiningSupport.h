#pragma once
// What suggest and review share: the task's latest scoring of a kind, and per-image text.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/ScoreStore.h"

#include <QHash>

namespace exemplar::cli {

// The newest scoring of `kind` for the task, or throws exemplar::Error telling what to run first.
Scoring requireScoring(const Catalogue& catalogue, const TaskInfo& task, const QString& kind);

// Image id -> class index in `classes` for the task's labelled images (classes the list lacks are
// left out).
QHash<qint64, int> labelIndexes(const Catalogue& catalogue, const TaskInfo& task, const QStringList& classes);

} // namespace exemplar::cli
