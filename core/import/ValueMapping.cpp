#include "core/import/Importers.h"
#include "core/import/TextTable.h"

#include <QFile>
#include <QRegularExpression>
#include <cmath>

namespace exemplar {

QStringList ColumnMapping::classes() const
{
    QStringList out;
    for (const auto& [raw, cls] : values)
        if (!out.contains(cls)) out.append(cls);
    return out;
}

std::optional<QString> ColumnMapping::classFor(const QString& rawCell, bool decimalComma, bool roundCodes,
                                               bool* rounded) const
{
    if (rounded) *rounded = false;
    const QString raw = rawCell.trimmed();
    if (raw.isEmpty()) return std::nullopt;
    if (const auto number = parseNumber(raw, decimalComma)) {
        auto lookup = [&](double v) -> std::optional<QString> {
            for (const auto& [key, cls] : values)
                if (const auto k = parseNumber(key, false); k && *k == v) return cls;
            return std::nullopt;
        };
        if (auto exact = lookup(*number)) return exact;
        if (!roundCodes || std::nearbyint(*number) == *number) return std::nullopt;
        auto near = lookup(std::round(*number));
        if (near && rounded) *rounded = true;
        return near;
    }
    for (const auto& [key, cls] : values)
        if (key.trimmed().compare(raw, Qt::CaseInsensitive) == 0) return cls;
    return std::nullopt;
}

QString ValueMapping::toText() const
{
    QString out = QStringLiteral("# Exemplar value mapping: [column -> task], then one \"raw value = class\" per line\n");
    for (const auto& c : columns) {
        out += QStringLiteral("[%1 -> %2]\n").arg(c.column, c.task);
        for (const auto& [raw, cls] : c.values) out += QStringLiteral("%1 = %2\n").arg(raw, cls);
    }
    return out;
}

ValueMapping defaultAdultFacesMapping()
{
    ColumnMapping emotion{QStringLiteral("Emotion"), QStringLiteral("expression"), {}};
    const char* names[] = {"neutral", "happiness", "sadness", "anger", "fear", "surprise", "disgust"};
    for (int code = 0; code < 7; ++code) emotion.values.append({QString::number(code), QString::fromLatin1(names[code])});
    // The published file codes gender 0/1; copies edited by hand sometimes spell it out.
    ColumnMapping gender{QStringLiteral("Gender"), QStringLiteral("sex"),
                         {{QStringLiteral("0"), QStringLiteral("female")}, {QStringLiteral("1"), QStringLiteral("male")},
                          {QStringLiteral("female"), QStringLiteral("female")}, {QStringLiteral("male"), QStringLiteral("male")},
                          {QStringLiteral("f"), QStringLiteral("female")}, {QStringLiteral("m"), QStringLiteral("male")}}};
    return ValueMapping{{emotion, gender}};
}

ValueMapping parseValueMappingText(const QString& text, const QString& sourceName)
{
    static const QRegularExpression section(QStringLiteral(R"(^\[\s*(.+?)\s*->\s*(.+?)\s*\]$)"));
    ValueMapping mapping;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        const QString where = QStringLiteral("%1:%2").arg(sourceName).arg(i + 1);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
        if (line.startsWith(QLatin1Char('['))) {
            const auto m = section.match(line);
            if (!m.hasMatch())
                throw Error(QStringLiteral("%1: expected a section \"[column -> task]\", found \"%2\"").arg(where, line));
            mapping.columns.append({m.captured(1), m.captured(2), {}});
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq < 0) throw Error(QStringLiteral("%1: expected \"raw value = class\", found \"%2\"").arg(where, line));
        if (mapping.columns.isEmpty())
            throw Error(QStringLiteral("%1: a value line before any \"[column -> task]\" section").arg(where));
        const QString raw = line.left(eq).trimmed(), cls = line.mid(eq + 1).trimmed();
        if (raw.isEmpty() || cls.isEmpty())
            throw Error(QStringLiteral("%1: both the raw value and the class are needed, found \"%2\"").arg(where, line));
        auto& values = mapping.columns.last().values;
        for (const auto& [existing, c] : values)
            if (existing.compare(raw, Qt::CaseInsensitive) == 0)
                throw Error(QStringLiteral("%1: the value \"%2\" is mapped twice").arg(where, raw));
        values.append({raw, cls});
    }
    if (mapping.columns.isEmpty()) throw Error(QStringLiteral("%1: the mapping has no \"[column -> task]\" section").arg(sourceName));
    for (const auto& c : mapping.columns)
        if (c.values.isEmpty()) throw Error(QStringLiteral("%1: the section [%2 -> %3] maps no value").arg(sourceName, c.column, c.task));
    return mapping;
}

ValueMapping parseValueMapping(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read the mapping file: %2").arg(path, file.errorString()));
    QString text = QString::fromUtf8(file.readAll());
    if (text.startsWith(QChar(0xFEFF))) text.remove(0, 1);
    text.remove(QLatin1Char('\r'));
    return parseValueMappingText(text, path);
}

} // namespace exemplar
