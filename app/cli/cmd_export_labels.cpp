// exemplar-cli export-labels: the catalogue's labels as CSV, one row per image.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"

#include <QFile>
#include <QSaveFile>

namespace exemplar::cli {

namespace {

// A cell a spreadsheet would evaluate (=, +, -, @, tab, CR first) is prefixed with an apostrophe
// (OWASP "CSV injection"); cells with separators, quotes or line breaks are quoted (RFC 4180).
QString csvCell(QString value)
{
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!value.isEmpty() && formulaStarts.contains(value.front()))
        value.prepend(QLatin1Char('\''));
    if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) || value.contains(QLatin1Char('\n'))
        || value.contains(QLatin1Char('\r'))) {
        value.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        value = QLatin1Char('"') + value + QLatin1Char('"');
    }
    return value;
}

} // namespace

int runExportLabels(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output CSV (default: standard output)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("Only this task (repeatable; default: all)."), QStringLiteral("TASK")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("export-labels"),
                        QStringLiteral("Writes one CSV row per image: file, folder, identity, and for each task its "
                                       "class, exemplar flag and provenance."),
                        args, code))
        return code;
    const QString path = requireCatalogPath(parser);
    if (path.isEmpty())
        return kExitUsage;
    const Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::ReadOnly);

    QVector<TaskInfo> tasks;
    const QStringList wanted = parser.values(QStringLiteral("task"));
    for (const TaskInfo& t : catalogue.tasks())
        if (wanted.isEmpty() || wanted.contains(t.name))
            tasks.push_back(t);
    for (const QString& w : wanted)
        if (std::none_of(tasks.begin(), tasks.end(), [&](const TaskInfo& t) { return t.name == w; }))
            throw Error(QStringLiteral("%1: no task '%2'").arg(path, w));

    QHash<qint64, QString> rootPaths;
    for (const ImageRoot& r : catalogue.roots())
        rootPaths.insert(r.id, r.path);
    QVector<QHash<qint64, Label>> labels;
    for (const TaskInfo& t : tasks)
        labels.push_back(catalogue.labelsOfTask(t.id));

    QStringList header{QStringLiteral("file"), QStringLiteral("folder"), QStringLiteral("identity")};
    for (const TaskInfo& t : tasks)
        header << t.name << t.name + QStringLiteral("_exemplar") << t.name + QStringLiteral("_provenance");
    QString csv;
    auto addRow = [&csv](const QStringList& cells) {
        QStringList escaped;
        for (const QString& c : cells)
            escaped << csvCell(c);
        csv += escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
    };
    addRow(header);
    for (const ImageRecord& img : catalogue.allImages()) {
        QStringList row{img.relativePath, rootPaths.value(img.rootId), img.identity};
        for (int i = 0; i < tasks.size(); ++i) {
            const auto it = labels[i].constFind(img.id);
            if (it == labels[i].constEnd()) {
                row << QString() << QString() << QString();
                continue;
            }
            const auto cls = it->classId ? tasks[i].classById(*it->classId) : std::nullopt;
            row << (cls ? cls->name : QString()) << (it->exemplar ? QStringLiteral("1") : QStringLiteral("0"))
                << provenanceName(it->provenance);
        }
        addRow(row);
    }

    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty()) {
        QFile stdoutFile;
        stdoutFile.open(stdout, QIODevice::WriteOnly);
        stdoutFile.write(csv.toUtf8());
        return kExitOk;
    }
    QSaveFile file(out); // written to a temp file and renamed: a failed export never leaves half a CSV
    if (!file.open(QIODevice::WriteOnly) || file.write(csv.toUtf8()) < 0 || !file.commit())
        throw Error(QStringLiteral("%1: cannot write (%2)").arg(out, file.errorString()));
    printError(QStringLiteral("wrote %1").arg(out));
    return kExitOk;
}

} // namespace exemplar::cli
