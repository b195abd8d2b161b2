#pragma once
// Colours the curator chose for classes (column `classes.colour`, schema v3), as 0xRRGGBB. A class
// without one is drawn in the default colour of its name (ui/ClassColors), so only deliberate
// choices are stored and a catalogue shared between curators shows every class the same way.
//
// Uses Catalogue::database(): same one-thread rule as the catalogue. Qt Core only: colours are
// plain integers here and become QColor in the widgets.
#include "core/catalogue/Catalogue.h"

#include <QHash>
#include <optional>

namespace exemplar {

class ClassColourStore {
public:
    explicit ClassColourStore(const Catalogue& catalogue);

    // Every stored colour, by class id (classes of every task).
    QHash<qint64, quint32> colours() const;
    std::optional<quint32> colour(qint64 classId) const;
    // nullopt clears the choice (back to the default). Throws exemplar::Error for an unknown class
    // or a value outside 0xRRGGBB.
    void setColour(qint64 classId, std::optional<quint32> rgb);

private:
    const Catalogue& catalogue_;
};

} // namespace exemplar
