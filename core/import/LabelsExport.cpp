#include "core/import/LabelsExport.h"

#include "core/util/Error.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>

namespace exemplar {

namespace {

// A cell a spreadsheet would evaluate (=, +, -, @, tab, CR first) is prefixed with an apostrophe
// (OWASP "CSV injection"); cells with separators, quotes or line breaks are quoted (RFC 4180).
// A value that already starts with an apostrophe before such a character gets one more, so that
// the importer (which removes one) gives back exactly what was exported.
QString csvCell(QString value)
{
    if (startsLikeFormula(value) || (value.startsWith(QLatin1Char('\'')) && startsLikeFormula(value.mid(1))))
        value.prepend(QLatin1Char('\''));
    if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) || value.contains(QLatin1Char('\n'))
        || value.contains(QLatin1Char('\r')) || value.contains(QLatin1Char(';')) || value.contains(QLatin1Char('\t'))) {
        value.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        value = QLatin1Char('"') + value + QLatin1Char('"');
    }
    return value;
}

QString csvRow(const QStringList& cells)
{
    QStringList escaped;
    for (const QString& c : cells)
        escaped << csvCell(c);
    return escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
}

// Everything the two formats write, gathered once.
struct ExportData {
    QVector<TaskInfo> tasks;
    QVector<QHash<qint64, Label>> labels; // per task, by image id
    QHash<qint64, QString> rootPaths;
    QVector<ImageRecord> images;
};

ExportData gather(const Catalogue& catalogue, const LabelsExportOptions& options)
{
    ExportData d;
    for (const TaskInfo& t : catalogue.tasks())
        if (options.tasks.isEmpty() || options.tasks.contains(t.name))
            d.tasks.push_back(t);
    for (const QString& wanted : options.tasks)
        if (std::none_of(d.tasks.begin(), d.tasks.end(), [&](const TaskInfo& t) { return t.name == wanted; })) {
            QStringList names;
            for (const TaskInfo& t : catalogue.tasks())
                names << t.name;
            throw Error(QStringLiteral("%1: no task \"%2\" (its tasks: %3)")
                            .arg(catalogue.path(), wanted, names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "))));
        }
    for (const TaskInfo& t : d.tasks)
        d.labels.push_back(catalogue.labelsOfTask(t.id));
    for (const ImageRoot& r : catalogue.roots())
        d.rootPaths.insert(r.id, r.path);
    d.images = catalogue.allImages();
    return d;
}

QJsonArray tasksJson(const QVector<TaskInfo>& tasks)
{
    QJsonArray list;
    for (const TaskInfo& t : tasks) {
        QJsonArray classes, retired;
        for (const ClassInfo& c : t.classes) {
            classes.append(c.name);
            if (c.retired)
                retired.append(c.name);
        }
        list.append(QJsonObject{{QStringLiteral("name"), t.name}, {QStringLiteral("classes"), classes},
                                {QStringLiteral("retired"), retired}});
    }
    return list;
}

QString className(const TaskInfo& task, const Label& label)
{
    const auto cls = label.classId ? task.classById(*label.classId) : std::nullopt;
    return cls ? cls->name : QString();
}

QByteArray csvBytes(const ExportData& d, LabelsExportSummary& summary)
{
    const QJsonObject meta{{QStringLiteral("version"), kLabelsExportVersion}, {QStringLiteral("tasks"), tasksJson(d.tasks)}};
    QString csv = csvRow({QString::fromLatin1(kLabelsExportMarker) + QLatin1Char(' ')
                          + QString::fromUtf8(QJsonDocument(meta).toJson(QJsonDocument::Compact))});
    QStringList header{QStringLiteral("file"), QStringLiteral("folder"), QStringLiteral("identity")};
    for (const TaskInfo& t : d.tasks)
        header << t.name << t.name + QStringLiteral("_exemplar") << t.name + QStringLiteral("_provenance");
    csv += csvRow(header);
    for (const ImageRecord& img : d.images) {
        QStringList row{img.relativePath, d.rootPaths.value(img.rootId), img.identity};
        for (int i = 0; i < d.tasks.size(); ++i) {
            const auto it = d.labels[i].constFind(img.id);
            if (it == d.labels[i].constEnd()) {
                row << QString() << QString() << QString();
                continue;
            }
            ++summary.labels;
            row << className(d.tasks[i], *it) << (it->exemplar ? QStringLiteral("1") : QStringLiteral("0"))
                << provenanceName(it->provenance);
        }
        csv += csvRow(row);
    }
    return csv.toUtf8();
}

QByteArray jsonBytes(const ExportData& d, LabelsExportSummary& summary)
{
    QJsonArray images;
    for (const ImageRecord& img : d.images) {
        QJsonObject labels;
        for (int i = 0; i < d.tasks.size(); ++i) {
            const auto it = d.labels[i].constFind(img.id);
            if (it == d.labels[i].constEnd())
                continue;
            ++summary.labels;
            const QString cls = className(d.tasks[i], *it);
            labels.insert(d.tasks[i].name,
                          QJsonObject{{QStringLiteral("class"), cls.isEmpty() ? QJsonValue() : QJsonValue(cls)},
                                      {QStringLiteral("exemplar"), it->exemplar},
                                      {QStringLiteral("provenance"), provenanceName(it->provenance)}});
        }
        images.append(QJsonObject{{QStringLiteral("file"), img.relativePath},
                                  {QStringLiteral("folder"), d.rootPaths.value(img.rootId)},
                                  {QStringLiteral("identity"), img.identity},
                                  {QStringLiteral("labels"), labels}});
    }
    const QJsonObject doc{{QStringLiteral("format"), QString::fromLatin1(kLabelsExportFormat)},
                          {QStringLiteral("version"), kLabelsExportVersion},
                          {QStringLiteral("tasks"), tasksJson(d.tasks)},
                          {QStringLiteral("images"), images}};
    return QJsonDocument(doc).toJson(QJsonDocument::Indented);
}

} // namespace

bool startsLikeFormula(QStringView value)
{
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    return !value.isEmpty() && formulaStarts.contains(value.front());
}

QString labelsFormatName(LabelsFormat format)
{
    return format == LabelsFormat::Json ? QStringLiteral("json") : QStringLiteral("csv");
}

std::optional<LabelsFormat> labelsFormatFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("csv"))
        return LabelsFormat::Csv;
    if (n == QLatin1String("json"))
        return LabelsFormat::Json;
    return std::nullopt;
}

LabelsFormat labelsFormatForPath(const QString& path)
{
    return QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0 ? LabelsFormat::Json
                                                                                             : LabelsFormat::Csv;
}

QByteArray labelsExportBytes(const Catalogue& catalogue, LabelsFormat format, const LabelsExportOptions& options,
                             LabelsExportSummary* summary)
{
    const ExportData data = gather(catalogue, options);
    LabelsExportSummary s;
    s.images = int(data.images.size());
    s.tasks = int(data.tasks.size());
    const QByteArray bytes = format == LabelsFormat::Json ? jsonBytes(data, s) : csvBytes(data, s);
    if (summary)
        *summary = s;
    return bytes;
}

LabelsExportSummary exportLabels(const Catalogue& catalogue, const QString& path, LabelsFormat format,
                                 const LabelsExportOptions& options)
{
    LabelsExportSummary summary;
    const QByteArray bytes = labelsExportBytes(catalogue, format, options, &summary);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("%1: cannot write the labels (%2)").arg(path, file.errorString()));
    return summary;
}

} // namespace exemplar
