// exemplar-cli check: integrity check with repair advice. Never writes.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

int runCheck(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON for scripts.")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("check"),
                        QStringLiteral("Check a catalogue (SQLite integrity, references, image files on disk) and say "
                                       "how to repair it; never writes. Exit code 2 when problems are found."),
                        args, code))
        return code;
    const QString path = requireCatalogPath(parser);
    if (path.isEmpty())
        return kExitUsage;
    const bool json = parser.isSet(QStringLiteral("json"));
    IntegrityReport report;
    try {
        report = Catalogue::open(path, Catalogue::OpenMode::ReadOnly).check();
    } catch (const Error& e) {
        // A file that cannot even be opened is the most serious finding a check can make.
        report.ok = false;
        report.problems << e.message();
        report.advice << QStringLiteral("Restore the catalogue from a backup; if it is an SQLite file, "
                                        "'sqlite3 FILE .recover' can salvage readable rows.");
    }
    if (json) {
        printJson({{QStringLiteral("catalog"), path},
                   {QStringLiteral("ok"), report.ok},
                   {QStringLiteral("problems"), QJsonArray::fromStringList(report.problems)},
                   {QStringLiteral("advice"), QJsonArray::fromStringList(report.advice)},
                   {QStringLiteral("missing_files"), report.missingFiles}});
    } else if (report.ok) {
        printOut(QStringLiteral("%1: ok").arg(path));
    } else {
        printOut(QStringLiteral("%1: %2").arg(path, counted(report.problems.size(), u"problem")));
        for (const QString& p : report.problems)
            printOut(QStringLiteral("  problem: ") + p);
        for (const QString& a : report.advice)
            printOut(QStringLiteral("  advice:  ") + a);
    }
    return report.ok ? kExitOk : kExitProblems;
}

} // namespace exemplar::cli
