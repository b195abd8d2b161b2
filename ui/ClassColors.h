#pragma once
// One stable colour per class position, so a class keeps its colour in tiles, chips and charts.
#include <QColor>

namespace exemplar::ui {

// Colour for the class at `position` within its task (0-based, in task order).
QColor classColor(int position);

// Readable text colour (black or white) on top of `background`.
QColor textColorOn(const QColor& background);

} // namespace exemplar::ui
