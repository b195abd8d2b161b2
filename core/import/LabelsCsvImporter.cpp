#include "core/import/AnnotationTable.h"
#include "core/import/CsvReader.h"
#include "core/import/ImportLog.h"
#include "core/import/LabelBatch.h"
#include "core/import/RowMatcher.h"

#include <QFileInfo>
#include <QSet>
#include <algorithm>

namespace exemplar {

namespace {

struct MatchedRow {
    const TextTable::Row* row;
    qint64 imageId;
    QString where;
};

std::optional<TaskInfo> taskNamed(const Catalogue& catalogue, const QString& name)
{
    if (auto exact = catalogue.task(name)) return exact;
    for (const auto& t : catalogue.tasks())
        if (t.name.compare(name, Qt::CaseInsensitive) == 0) return t;
    return std::nullopt;
}

std::optional<ClassInfo> classNamed(const TaskInfo& task, const QString& value)
{
    if (auto exact = task.classByName(value)) return exact;
    for (const auto& c : task.classes)
        if (c.name.compare(value, Qt::CaseInsensitive) == 0) return c;
    return std::nullopt;
}

// The task of a column, created with the values seen (sorted) or extended when asked to.
TaskInfo taskForColumn(Catalogue& catalogue, const QString& name, const QVector<MatchedRow>& rows, int column,
                       bool addUnknownClasses)
{
    QStringList values; // in order of first appearance
    QSet<QString> seen;
    for (const auto& m : rows) {
        const QString v = m.row->cells[column].trimmed();
        if (!v.isEmpty() && !seen.contains(v.toLower())) {
            seen.insert(v.toLower());
            values.append(v);
        }
    }
    auto task = taskNamed(catalogue, name);
    if (!task) {
        std::sort(values.begin(), values.end());
        return catalogue.ensureTask(name, values);
    }
    if (addUnknownClasses) {
        QStringList missing;
        for (const auto& v : values)
            if (!classNamed(*task, v)) missing.append(v);
        if (!missing.isEmpty()) return catalogue.ensureTask(task->name, missing);
    }
    return *task;
}

QString classList(const TaskInfo& task)
{
    QStringList names;
    for (const auto& c : task.classes) names.append(c.name);
    return names.join(QStringLiteral(", "));
}

} // namespace

ImportReport importLabelsCsv(Catalogue& catalogue, const QString& csvPath, const QString& imageRoot,
                             const LabelsCsvOptions& options, const ImportProgressFn& progress, const CancelFlag* cancel)
{
    ImportReport report;
    const ImportLog log(QStringLiteral("labels-csv"), csvPath);
    const TextTable table = readCsvFile(csvPath);
    const int fileColumn = fileColumnOf(table);
    const QString fileName = QFileInfo(csvPath).fileName();
    const int identityColumn = table.findColumn({QStringLiteral("identity")});
    QSet<int> attributeColumns;
    for (const auto& name : options.attributeColumns)
        if (const int c = table.findColumn({name}); c >= 0) attributeColumns.insert(c);
    QVector<int> taskColumns;
    for (int c = 0; c < table.header.size(); ++c) {
        if (c == fileColumn || c == identityColumn || attributeColumns.contains(c)) continue;
        if (normalizedColumnName(table.header[c]).isEmpty())
            report.issues.append({fileName, QStringLiteral("column %1 has no name; ignored").arg(c + 1)});
        else
            taskColumns.append(c);
    }

    const RootLocation root = rootForLabels(catalogue, imageRoot);
    RowMatcher matcher(catalogue, root);
    AttributeWriter attributes(catalogue);
    QVector<MatchedRow> matched;
    QVector<QPair<qint64, QString>> identities;
    matcher.forEachMatchedRow(table, fileColumn, fileName, report, progress, cancel,
                              [&](const TextTable::Row& row, qint64 imageId, const QString& where) {
        matched.append({&row, imageId, where});
        if (identityColumn >= 0 && !row.cells[identityColumn].trimmed().isEmpty())
            identities.append({imageId, row.cells[identityColumn].trimmed()});
        for (const int c : attributeColumns)
            if (!row.cells[c].trimmed().isEmpty())
                attributes.add({imageId, table.header[c], attributeValueOf(row.cells[c], table.decimalComma), fileName}, report);
    });
    if (report.cancelled) {
        log.record(catalogue, report, 0);
        return report;
    }
    attributes.flush(report);
    if (!identities.isEmpty()) catalogue.setIdentities(identities);

    LabelBatch labels(catalogue);
    for (const int c : taskColumns) {
        const TaskInfo task = taskForColumn(catalogue, table.header[c].trimmed(), matched, c, options.addUnknownClasses);
        const QString source = fileName + QLatin1Char(':') + table.header[c];
        for (const auto& m : matched) {
            const QString value = m.row->cells[c].trimmed();
            if (value.isEmpty()) continue;
            const auto cls = classNamed(task, value);
            if (!cls) {
                ++report.skipped;
                report.issues.append({m.where, QStringLiteral("unknown label \"%1\" for task \"%2\" (its classes: %3); skipped")
                                                   .arg(value, task.name, classList(task))});
                continue;
            }
            labels.set(m.imageId, task.id, cls->id, source, m.where, report);
        }
    }
    labels.apply(QStringLiteral("Import labels from %1").arg(fileName), options.author, report);
    log.record(catalogue, report, report.labelsSet);
    return report;
}

} // namespace exemplar
