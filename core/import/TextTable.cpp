#include "core/import/TextTable.h"

#include <QLocale>
#include <cmath>

namespace exemplar {

QString normalizedColumnName(const QString& name)
{
    QString out;
    out.reserve(name.size());
    for (const QChar c : name)
        if (c.isLetterOrNumber()) out.append(c.toLower());
    return out;
}

std::optional<double> parseNumber(const QString& text, bool decimalComma)
{
    QString s = text.trimmed();
    if (s.isEmpty()) return std::nullopt;
    if (decimalComma && s.count(QLatin1Char(',')) == 1 && !s.contains(QLatin1Char('.')))
        s.replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    const double v = QLocale::c().toDouble(s, &ok);
    if (!ok || !std::isfinite(v)) return std::nullopt;
    return v;
}

int TextTable::findColumn(const QStringList& names) const
{
    for (const auto& wanted : names) {
        const QString key = normalizedColumnName(wanted);
        for (int i = 0; i < header.size(); ++i)
            if (normalizedColumnName(header[i]) == key) return i;
    }
    return -1;
}

std::optional<double> TextTable::number(const QString& cell) const { return parseNumber(cell, decimalComma); }

} // namespace exemplar
