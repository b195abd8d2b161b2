#include "core/catalogue/ClassColourStore.h"

#include "core/catalogue/Database.h"

namespace exemplar {

ClassColourStore::ClassColourStore(const Catalogue& catalogue) : catalogue_(catalogue) {}

QHash<qint64, quint32> ClassColourStore::colours() const
{
    QHash<qint64, quint32> out;
    auto st = catalogue_.database().prepare("SELECT id, colour FROM classes WHERE colour IS NOT NULL");
    while (st.step())
        out.insert(st.int64(0), static_cast<quint32>(st.int64(1)));
    return out;
}

std::optional<quint32> ClassColourStore::colour(qint64 classId) const
{
    auto st = catalogue_.database().prepare("SELECT colour FROM classes WHERE id = ?");
    st.bind(1, classId);
    if (!st.step() || st.isNull(0))
        return std::nullopt;
    return static_cast<quint32>(st.int64(0));
}

void ClassColourStore::setColour(qint64 classId, std::optional<quint32> rgb)
{
    if (rgb && *rgb > 0xFFFFFFu)
        throw Error(QStringLiteral("%1: colour 0x%2 of class %3 is not an RGB value (0xRRGGBB)")
                        .arg(catalogue_.path())
                        .arg(*rgb, 0, 16)
                        .arg(classId));
    Database& db = catalogue_.database();
    auto st = db.prepare("UPDATE classes SET colour = ? WHERE id = ?");
    if (rgb)
        st.bind(1, static_cast<qint64>(*rgb));
    else
        st.bindNull(1);
    st.bind(2, classId).run();
    if (db.changes() == 0)
        throw Error(QStringLiteral("%1: no class with id %2").arg(catalogue_.path()).arg(classId));
}

} // namespace exemplar
