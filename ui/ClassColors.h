#pragma once
// Class colours: the one rule every view uses (through CurationSession::classColour), so that a class
// looks the same in tiles, filters, the balance chart, the preview and the task editor.
//
// A class is drawn in the colour the curator stored for it (ClassColourStore) or else in the default
// of its name: common expressions and sexes have fixed, meaningful colours; any other name gets a
// palette colour picked from a hash of the name, so reordering, retiring or adding classes never
// recolours the others.
#include "core/catalogue/Types.h"

#include <QColor>
#include <QHash>
#include <optional>

namespace exemplar::ui {

// The fixed colour of a well-known class name (happiness, sadness, female, ...; case and common
// variants such as "happy" or "Angry" accepted), nullopt for any other name.
std::optional<QColor> knownClassColour(const QString& className);

// The colours of all classes of `task` (retired ones included), by class id: stored colours
// (class id -> 0xRRGGBB) first, then known names, then the hashed palette, where a class whose
// hashed colour is already taken in the task moves on to the next free one, classes taken in
// creation (id) order.
QHash<qint64, QColor> classColours(const TaskInfo& task, const QHash<qint64, quint32>& stored);

// Readable text colour (black or white) on top of `background`.
QColor textColorOn(const QColor& background);

} // namespace exemplar::ui
