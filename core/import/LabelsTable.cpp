#include "core/import/LabelsTable.h"

#include "core/import/CsvReader.h"
#include "core/import/LabelsExport.h"
#include "core/import/XlsxReader.h"
#include "core/util/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exemplar {

namespace {

QVector<DeclaredTask> declaredTasks(const QJsonArray& list, const QString& path)
{
    QVector<DeclaredTask> tasks;
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        DeclaredTask t;
        t.name = o.value(QStringLiteral("name")).toString().trimmed();
        if (t.name.isEmpty())
            throw Error(QStringLiteral("%1: a task of the task list has no name").arg(path));
        for (const QJsonValue& c : o.value(QStringLiteral("classes")).toArray())
            t.classes << c.toString();
        for (const QJsonValue& c : o.value(QStringLiteral("retired")).toArray())
            t.retired << c.toString();
        tasks.push_back(t);
    }
    return tasks;
}

// The task list of an Exemplar CSV export ("#exemplar-labels {json}"), if the file has one.
QVector<DeclaredTask> csvTaskList(const TextTable& table, const QString& path, bool& found)
{
    const QString marker = QString::fromLatin1(kLabelsExportMarker);
    for (const QString& comment : table.comments) {
        if (!comment.startsWith(marker))
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(comment.mid(marker.size()).trimmed().toUtf8(), &error);
        if (!doc.isObject())
            throw Error(QStringLiteral("%1: line 1: the task list after %2 is not valid JSON (%3); delete that line to "
                                       "import the table without it (classes are then sorted by name)")
                            .arg(path, marker, error.errorString()));
        const int version = doc.object().value(QStringLiteral("version")).toInt();
        if (version > kLabelsExportVersion)
            throw Error(QStringLiteral("%1: written by a newer Exemplar (labels format %2, this one reads up to %3)")
                            .arg(path).arg(version).arg(kLabelsExportVersion));
        found = true;
        return declaredTasks(doc.object().value(QStringLiteral("tasks")).toArray(), path);
    }
    found = false;
    return {};
}

// The export's guard against spreadsheet formulas removed: "'=x" was "=x", and "''=x" was "'=x"
// (the export guards a value that starts with an apostrophe before such a character too).
QString withoutFormulaGuard(const QString& cell)
{
    if (!cell.startsWith(QLatin1Char('\''))) return cell;
    const QStringView rest = QStringView(cell).mid(1);
    const bool guarded = startsLikeFormula(rest) || (rest.startsWith(QLatin1Char('\'')) && startsLikeFormula(rest.mid(1)));
    return guarded ? rest.toString() : cell;
}

QString cellOf(const QJsonValue& v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("1") : QStringLiteral("0");
    if (v.isDouble())
        return QString::number(v.toDouble());
    return v.toString();
}

LabelsTable fromJson(const QByteArray& bytes, const QString& path)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (!doc.isObject())
        throw Error(QStringLiteral("%1: not valid JSON (%2 at byte %3)").arg(path, error.errorString()).arg(error.offset));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(kLabelsExportFormat))
        throw Error(QStringLiteral("%1: a JSON file that is not an Exemplar labels export (no \"format\": \"%2\"); "
                                   "use a CSV with a file column, or 'exemplar-cli export-labels --format json' output")
                        .arg(path, QString::fromLatin1(kLabelsExportFormat)));
    const int version = root.value(QStringLiteral("version")).toInt();
    if (version > kLabelsExportVersion)
        throw Error(QStringLiteral("%1: written by a newer Exemplar (labels format %2, this one reads up to %3)")
                        .arg(path).arg(version).arg(kLabelsExportVersion));
    LabelsTable result;
    result.kind = LabelsTable::Kind::ExemplarJson;
    result.tasks = declaredTasks(root.value(QStringLiteral("tasks")).toArray(), path);
    const QJsonArray images = root.value(QStringLiteral("images")).toArray();

    // Tasks named only in image labels (a hand-edited file) become columns too, after the declared ones.
    QStringList taskNames;
    for (const DeclaredTask& t : result.tasks)
        taskNames << t.name;
    for (const QJsonValue& v : images)
        for (const QString& name : v.toObject().value(QStringLiteral("labels")).toObject().keys())
            if (!taskNames.contains(name))
                taskNames << name;

    TextTable& table = result.table;
    table.source = path;
    table.header = {QStringLiteral("file"), QStringLiteral("folder"), QStringLiteral("identity")};
    for (const QString& name : taskNames)
        table.header << name << name + QStringLiteral("_exemplar") << name + QStringLiteral("_provenance");
    int position = 0;
    for (const QJsonValue& v : images) {
        ++position;
        const QJsonObject image = v.toObject();
        QStringList cells{cellOf(image.value(QStringLiteral("file"))), cellOf(image.value(QStringLiteral("folder"))),
                          cellOf(image.value(QStringLiteral("identity")))};
        const QJsonObject labels = image.value(QStringLiteral("labels")).toObject();
        for (const QString& name : taskNames) {
            const QJsonObject label = labels.value(name).toObject();
            if (label.isEmpty()) {
                cells << QString() << QString() << QString();
                continue;
            }
            cells << cellOf(label.value(QStringLiteral("class"))) << cellOf(label.value(QStringLiteral("exemplar")))
                  << cellOf(label.value(QStringLiteral("provenance")));
        }
        table.rows.append({position, cells});
    }
    return result;
}

LabelsTable fromWorkbook(const QString& path)
{
    const QStringList sheets = xlsxSheetNames(path);
    for (const QString& sheet : sheets)
        if (sheet.trimmed().compare(QLatin1String("Final Values"), Qt::CaseInsensitive) == 0)
            throw Error(QStringLiteral("%1 is the 10k US Adult Faces annotation workbook (it has a \"Final Values\" sheet): "
                                       "import it as annotations (exemplar-cli import --annotations %1), which maps its "
                                       "codes to classes, not as a labels table")
                            .arg(path));
    if (sheets.isEmpty())
        throw Error(QStringLiteral("%1: the workbook has no sheet").arg(path));
    LabelsTable result;
    result.kind = LabelsTable::Kind::Xlsx;
    result.table = readXlsxSheet(path, sheets.first());
    return result;
}

} // namespace

LabelsTable readLabelsTable(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray head = file.peek(8);
    // A zip archive: .xlsx whatever the file is called (spreadsheets get saved under any name).
    if (head.startsWith("PK\x03\x04"))
        return fromWorkbook(path);
    if (head.startsWith("\xD0\xCF\x11\xE0"))
        throw Error(QStringLiteral("%1: an old Excel workbook (.xls); save it as .xlsx or CSV and import that").arg(path));
    const QByteArray bytes = file.readAll();
    const QByteArray start = bytes.left(64).trimmed();
    if (start.startsWith('{') || start.startsWith("\xEF\xBB\xBF{"))
        return fromJson(bytes.startsWith("\xEF\xBB\xBF") ? bytes.mid(3) : bytes, path);
    LabelsTable result;
    result.table = parseCsv(bytes, path);
    bool exported = false;
    result.tasks = csvTaskList(result.table, path, exported);
    if (exported) {
        result.kind = LabelsTable::Kind::ExemplarCsv;
        for (auto& name : result.table.header)
            name = withoutFormulaGuard(name);
        for (auto& row : result.table.rows)
            for (auto& cell : row.cells)
                cell = withoutFormulaGuard(cell);
    }
    return result;
}

} // namespace exemplar
