#include "core/catalogue/Database.h"
#include "core/import/AnnotationTable.h"
#include "core/import/ImportLog.h"
#include "core/import/LabelBatch.h"
#include "core/import/LabelsTable.h"
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

// The columns of one task: its class column and, in an Exemplar export, its exemplar flag and
// provenance columns ("<task>_exemplar", "<task>_provenance").
struct TaskColumns {
    QString name; // as written in the header
    int classColumn = -1;
    int exemplarColumn = -1;
    int provenanceColumn = -1;
    const DeclaredTask* declared = nullptr;
};

const QString kExemplarSuffix = QStringLiteral("_exemplar");
const QString kProvenanceSuffix = QStringLiteral("_provenance");

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

const DeclaredTask* declaredTask(const QVector<DeclaredTask>& tasks, const QString& name)
{
    for (const auto& t : tasks)
        if (t.name.compare(name, Qt::CaseInsensitive) == 0) return &t;
    return nullptr;
}

// Splits the columns that are neither the file, identity, folder nor attribute columns into
// tasks. A "<task>_exemplar" / "<task>_provenance" column beside a "<task>" column belongs to that
// task (an export read back must not turn them into tasks of their own).
QVector<TaskColumns> taskColumnsOf(const LabelsTable& labels, const QSet<int>& otherColumns, const QString& fileName,
                                   ImportReport& report)
{
    const TextTable& table = labels.table;
    auto columnNamed = [&](const QString& name) {
        for (int c = 0; c < table.header.size(); ++c)
            if (!otherColumns.contains(c) && table.header[c].trimmed().compare(name, Qt::CaseInsensitive) == 0) return c;
        return -1;
    };
    auto baseOf = [](const QString& name, const QString& suffix) {
        return name.endsWith(suffix, Qt::CaseInsensitive) ? name.chopped(suffix.size()) : QString();
    };
    QVector<TaskColumns> tasks;
    QVector<QPair<int, QString>> parts; // suffix columns, attached once every task is known
    for (int c = 0; c < table.header.size(); ++c) {
        if (otherColumns.contains(c)) continue;
        const QString name = table.header[c].trimmed();
        if (normalizedColumnName(name).isEmpty()) {
            report.issues.append({fileName, QStringLiteral("column %1 has no name; ignored").arg(c + 1)});
            continue;
        }
        const QString base = !baseOf(name, kExemplarSuffix).isEmpty() ? baseOf(name, kExemplarSuffix) : baseOf(name, kProvenanceSuffix);
        if (!base.isEmpty() && columnNamed(base) >= 0) {
            parts.append({c, base});
            continue;
        }
        if (!base.isEmpty() && declaredTask(labels.tasks, base)) {
            report.issues.append({fileName, QStringLiteral("column \"%1\" belongs to task \"%2\", whose column is missing; ignored").arg(name, base)});
            continue;
        }
        tasks.append(TaskColumns{name, c, -1, -1, declaredTask(labels.tasks, name)});
    }
    for (const auto& [column, base] : parts)
        for (auto& t : tasks)
            if (t.name.compare(base, Qt::CaseInsensitive) == 0) {
                if (table.header[column].trimmed().endsWith(kExemplarSuffix, Qt::CaseInsensitive)) t.exemplarColumn = column;
                else t.provenanceColumn = column;
            }
    return tasks;
}

// The task of a column: an exported task gets its declared classes in their order (and the
// retired ones retired); an unknown one is created with the values seen, sorted, so that the class
// order doesn't depend on row order; existing tasks are extended only when asked to.
TaskInfo taskForColumns(Catalogue& catalogue, const TaskColumns& columns, const QVector<MatchedRow>& rows,
                        bool addUnknownClasses)
{
    const auto existing = taskNamed(catalogue, columns.name);
    if (columns.declared) {
        const QString name = existing ? existing->name : columns.declared->name;
        TaskInfo task = catalogue.ensureTask(name, columns.declared->classes);
        for (const auto& c : task.classes)
            if (columns.declared->retired.contains(c.name) && !(existing && existing->classByName(c.name)) && !c.retired)
                catalogue.setClassRetired(c.id, true);
        if (!addUnknownClasses) return *catalogue.task(task.id);
    }
    QStringList values; // in order of first appearance
    QSet<QString> seen;
    for (const auto& m : rows) {
        const QString v = m.row->cells[columns.classColumn].trimmed();
        if (!v.isEmpty() && !seen.contains(v.toLower())) {
            seen.insert(v.toLower());
            values.append(v);
        }
    }
    auto task = taskNamed(catalogue, columns.name);
    if (!task) {
        std::sort(values.begin(), values.end());
        return catalogue.ensureTask(columns.name, values);
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
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

std::optional<bool> flagOf(const QString& cell)
{
    const QString v = cell.trimmed().toLower();
    if (v == QLatin1String("1") || v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("x")) return true;
    if (v == QLatin1String("0") || v == QLatin1String("false") || v == QLatin1String("no")) return false;
    return std::nullopt;
}

// What one row says for one task, or nullopt after reporting why the row's label is skipped.
std::optional<LabelBatch::Entry> entryOf(const MatchedRow& m, const TaskColumns& columns, const TaskInfo& task,
                                         ImportReport& report)
{
    auto skip = [&](const QString& problem) -> std::optional<LabelBatch::Entry> {
        ++report.skipped;
        report.issues.append({m.where, problem});
        return std::nullopt;
    };
    const QStringList& cells = m.row->cells;
    LabelBatch::Entry entry;
    const QString value = cells[columns.classColumn].trimmed();
    const QString flag = columns.exemplarColumn >= 0 ? cells[columns.exemplarColumn].trimmed() : QString();
    if (!flag.isEmpty()) {
        entry.exemplar = flagOf(flag);
        if (!entry.exemplar)
            return skip(QStringLiteral("exemplar flag \"%1\" for task \"%2\" is not 1 or 0; label skipped").arg(flag, task.name));
    }
    const QString provenance = columns.provenanceColumn >= 0 ? cells[columns.provenanceColumn].trimmed() : QString();
    if (!provenance.isEmpty()) {
        const auto p = provenanceFromName(provenance.toLower());
        if (!p)
            return skip(QStringLiteral("provenance \"%1\" for task \"%2\" is not imported, curator or model; label skipped")
                            .arg(provenance, task.name));
        entry.provenance = *p;
    }
    if (value.isEmpty()) {
        if (!entry.exemplar.value_or(false)) return std::nullopt; // no label for this task
        return entry;                                             // an exemplar flag without a class
    }
    const auto cls = classNamed(task, value);
    if (!cls)
        return skip(QStringLiteral("unknown label \"%1\" for task \"%2\" (its classes: %3); skipped").arg(value, task.name, classList(task)));
    entry.classId = cls->id;
    return entry;
}

} // namespace

void validateLabelsFile(const QString& path)
{
    fileColumnOf(readLabelsTable(path).table);
}

ImportReport importLabelsCsv(Catalogue& catalogue, const QString& csvPath, const QString& imageRoot,
                             const LabelsCsvOptions& options, const ImportProgressFn& progress, const CancelFlag* cancel)
{
    ImportReport report;
    const ImportLog log(QStringLiteral("labels-csv"), csvPath);
    const LabelsTable labelsTable = readLabelsTable(csvPath);
    const TextTable& table = labelsTable.table;
    const int fileColumn = fileColumnOf(table);
    const QString fileName = QFileInfo(csvPath).fileName();
    const int identityColumn = table.findColumn({QStringLiteral("identity")});
    // "folder" is where an export's images were (its image root); rows are matched under imageRoot.
    const int folderColumn = table.findColumn({QStringLiteral("folder")});
    QSet<int> attributeColumns;
    for (const auto& name : options.attributeColumns)
        if (const int c = table.findColumn({name}); c >= 0) attributeColumns.insert(c);
    QSet<int> otherColumns = attributeColumns;
    otherColumns << fileColumn << identityColumn << folderColumn;
    const QVector<TaskColumns> taskColumns = taskColumnsOf(labelsTable, otherColumns, fileName, report);

    const RootLocation root = rootForLabels(catalogue, imageRoot);
    RowMatcher matcher(catalogue, root);
    QVector<MatchedRow> matched;
    matcher.forEachMatchedRow(table, fileColumn, fileName, report, progress, cancel,
                              [&](const TextTable::Row& row, qint64 imageId, const QString& where) {
        matched.append({&row, imageId, where});
    });
    if (report.cancelled) {
        log.record(catalogue, report, 0);
        return report;
    }

    // Everything below is one transaction: a file that fails half-way changes nothing.
    Transaction transaction(catalogue.database());
    AttributeWriter attributes(catalogue);
    QVector<QPair<qint64, QString>> identities;
    for (const auto& m : matched) {
        if (identityColumn >= 0 && !m.row->cells[identityColumn].trimmed().isEmpty())
            identities.append({m.imageId, m.row->cells[identityColumn].trimmed()});
        for (const int c : attributeColumns)
            if (!m.row->cells[c].trimmed().isEmpty())
                attributes.add({m.imageId, table.header[c], attributeValueOf(m.row->cells[c], table.decimalComma), fileName}, report);
    }
    attributes.flush(report);
    if (!identities.isEmpty()) catalogue.setIdentities(identities);

    LabelBatch labels(catalogue);
    for (const auto& columns : taskColumns) {
        if (!taskNamed(catalogue, columns.name)) ++report.tasksCreated;
        const TaskInfo task = taskForColumns(catalogue, columns, matched, options.addUnknownClasses);
        const QString source = fileName + QLatin1Char(':') + table.header[columns.classColumn];
        for (const auto& m : matched)
            if (const auto entry = entryOf(m, columns, task, report))
                labels.set(m.imageId, task.id, *entry, source, m.where, report);
    }
    labels.apply(QStringLiteral("Import labels from %1").arg(fileName), options.author, report);
    transaction.commit();
    log.record(catalogue, report, report.labelsSet);
    return report;
}

} // namespace exemplar
