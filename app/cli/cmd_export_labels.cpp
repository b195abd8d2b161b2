// exemplar-cli export-labels: the catalogue's labels as CSV or JSON (core/import/LabelsExport.h),
// in a form that `exemplar-cli import --labels` reads back exactly.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/import/LabelsExport.h"

#include <QFile>

namespace exemplar::cli {

int runExportLabels(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file (default: standard output)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv or json (default: json for an --out ending in .json, else csv)."),
                      QStringLiteral("FORMAT")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("Only this task (repeatable; default: all)."), QStringLiteral("TASK")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("export-labels"),
                        QStringLiteral("Writes every image's labels: file (relative to its image folder), folder, identity, "
                                       "and per task its class, exemplar flag (1/0) and provenance (imported, curator, model). "
                                       "The CSV starts with a #exemplar-labels record listing the tasks and their classes in "
                                       "order; --format json writes the same as one object per image. 'exemplar-cli import "
                                       "--labels FILE' reads either back exactly, each label keeping its provenance."),
                        args, code))
        return code;
    const QString path = requireCatalogPath(parser);
    if (path.isEmpty())
        return kExitUsage;
    const QString out = parser.value(QStringLiteral("out"));
    LabelsFormat format = out.isEmpty() ? LabelsFormat::Csv : labelsFormatForPath(out);
    if (parser.isSet(QStringLiteral("format"))) {
        const auto asked = labelsFormatFromName(parser.value(QStringLiteral("format")));
        if (!asked) {
            printError(QStringLiteral("--format %1: use csv or json").arg(parser.value(QStringLiteral("format"))));
            return kExitUsage;
        }
        format = *asked;
    }
    const Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::ReadOnly);
    LabelsExportOptions options;
    options.tasks = parser.values(QStringLiteral("task"));

    if (out.isEmpty()) {
        const QByteArray bytes = labelsExportBytes(catalogue, format, options);
        QFile stdoutFile;
        stdoutFile.open(stdout, QIODevice::WriteOnly);
        stdoutFile.write(bytes);
        return kExitOk;
    }
    const LabelsExportSummary summary = exportLabels(catalogue, out, format, options);
    printError(QStringLiteral("wrote %1 (%2, %3 images, %4 tasks, %5 labels)")
                   .arg(out, labelsFormatName(format)).arg(summary.images).arg(summary.tasks).arg(summary.labels));
    return kExitOk;
}

} // namespace exemplar::cli
