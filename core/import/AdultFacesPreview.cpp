#include "core/import/AnnotationTable.h"
#include "core/import/Importers.h"

#include <QHash>
#include <algorithm>

namespace exemplar {

MappingPreview previewAdultFaces(const QString& annotationPath, const AdultFacesOptions& options)
{
    const TextTable table = readAnnotationTable(annotationPath, options.sheet);
    MappingPreview preview;
    preview.source = annotationPath;
    preview.rows = int(table.rows.size());
    for (const auto& m : options.mapping.columns) {
        MappingPreview::Column column{m.column, QString(), m.task, {}};
        const int c = table.findColumn({m.column});
        if (c >= 0) {
            column.header = table.header[c];
            QHash<QString, int> index; // normalised raw value -> position in column.values
            for (const auto& row : table.rows) {
                const QString cell = row.cells[c].trimmed();
                const auto number = table.number(cell);
                const QString key = number ? QString::number(*number, 'g', 15) : cell;
                auto it = index.find(key);
                if (it == index.end()) {
                    MappingPreview::Value v;
                    v.raw = key;
                    v.className = m.classFor(cell, table.decimalComma, options.roundCodes, &v.rounded).value_or(QString());
                    it = index.insert(key, int(column.values.size()));
                    column.values.append(v);
                }
                ++column.values[*it].count;
            }
            std::sort(column.values.begin(), column.values.end(), [](const auto& a, const auto& b) {
                const auto x = parseNumber(a.raw, false), y = parseNumber(b.raw, false);
                if (x && y) return *x < *y;
                if (x || y) return bool(x);
                return a.raw < b.raw;
            });
        }
        preview.columns.append(column);
    }
    return preview;
}

QString MappingPreview::toText() const
{
    QString out = QStringLiteral("%1: %2 rows\n").arg(source).arg(rows);
    for (const auto& c : columns) {
        if (c.header.isEmpty()) {
            out += QStringLiteral("%1 -> %2: no such column in the file\n").arg(c.column, c.task);
            continue;
        }
        out += QStringLiteral("%1 -> %2 (column \"%3\")\n").arg(c.column, c.task, c.header);
        for (const auto& v : c.values) {
            const QString target = v.className.isEmpty() ? QStringLiteral("kept raw, no label")
                                   : v.rounded           ? v.className + QStringLiteral(" (rounded)")
                                                         : v.className;
            out += QStringLiteral("  %1: %2 rows -> %3\n").arg(v.raw.isEmpty() ? QStringLiteral("(empty)") : v.raw).arg(v.count).arg(target);
        }
    }
    return out;
}

} // namespace exemplar
