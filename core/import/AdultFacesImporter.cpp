#include "core/import/AnnotationTable.h"
#include "core/import/ImportLog.h"
#include "core/import/LabelBatch.h"
#include "core/import/RowMatcher.h"

#include <QFileInfo>

namespace exemplar {

namespace {

struct MappedColumn {
    const ColumnMapping* mapping;
    int column;
    TaskInfo task;
    int unmapped = 0;
    QStringList examples; // a few raw values that mapped to no class
};

} // namespace

ImportReport importAdultFaces(Catalogue& catalogue, const QString& annotationPath, const QString& imageRoot,
                              const AdultFacesOptions& options, const ImportProgressFn& progress, const CancelFlag* cancel)
{
    ImportReport report;
    const ImportLog log(QStringLiteral("adult-faces"), annotationPath);
    const TextTable table = readAnnotationTable(annotationPath, options.sheet);
    const int fileColumn = fileColumnOf(table);
    const QString fileName = QFileInfo(annotationPath).fileName();
    const RootLocation root = rootForLabels(catalogue, imageRoot);
    RowMatcher matcher(catalogue, root);

    QVector<MappedColumn> mapped;
    for (const auto& m : options.mapping.columns) {
        const int column = table.findColumn({m.column});
        if (column < 0) {
            report.issues.append({fileName, QStringLiteral("no column \"%1\"; no \"%2\" labels imported (columns: %3)")
                                                .arg(m.column, m.task, table.header.join(QStringLiteral(", ")))});
            continue;
        }
        mapped.append({&m, column, catalogue.ensureTask(m.task, m.classes())});
    }

    AttributeWriter attributes(catalogue);
    LabelBatch labels(catalogue);
    matcher.forEachMatchedRow(table, fileColumn, fileName, report, progress, cancel,
                              [&](const TextTable::Row& row, qint64 imageId, const QString& where) {
        for (int c = 0; c < table.header.size(); ++c)
            if (!row.cells[c].trimmed().isEmpty() && !table.header[c].isEmpty())
                attributes.add({imageId, table.header[c], attributeValueOf(row.cells[c], table.decimalComma), fileName}, report);
        for (auto& m : mapped) {
            const QString cell = row.cells[m.column].trimmed();
            if (cell.isEmpty()) continue;
            const auto cls = m.mapping->classFor(cell, table.decimalComma, options.roundCodes);
            const auto info = cls ? m.task.classByName(*cls) : std::nullopt;
            if (!info) {
                ++m.unmapped;
                if (m.examples.size() < 5 && !m.examples.contains(cell)) m.examples.append(cell);
                continue;
            }
            labels.set(imageId, m.task.id, info->id, fileName + QLatin1Char(':') + table.header[m.column], where, report);
        }
    }, ImportStep::Annotations);
    if (report.cancelled) {
        log.record(catalogue, report, 0);
        return report;
    }
    attributes.flush(report);
    labels.apply(QStringLiteral("Import 10k US Adult Faces annotations from %1").arg(fileName), options.author, report);
    for (const auto& m : mapped)
        if (m.unmapped > 0)
            report.issues.append({fileName + QLatin1Char(':') + table.header[m.column],
                                  QStringLiteral("%1 rows have values that map to no \"%2\" class (e.g. %3): kept as attributes, no label%4")
                                      .arg(m.unmapped)
                                      .arg(m.task.name, m.examples.join(QStringLiteral(", ")),
                                           options.roundCodes ? QString() : QStringLiteral("; non-integer codes are rounded only with the round-codes option"))});
    log.record(catalogue, report, report.labelsSet);
    return report;
}

} // namespace exemplar
