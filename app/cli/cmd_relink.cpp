// exemplar-cli relink: a moved image folder, found again (core/catalogue/Relink.h).
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Relink.h"

#include <QJsonArray>

namespace exemplar::cli {

namespace {

QJsonObject planJson(const QString& catalog, const RelinkPlan& plan, bool dryRun)
{
    QJsonArray roots;
    for (const auto& c : plan.roots)
        roots.append(QJsonObject{{QStringLiteral("from"), c.oldPath}, {QStringLiteral("to"), c.newPath},
                                 {QStringLiteral("images"), c.images}, {QStringLiteral("merged"), c.mergeInto != 0}});
    return {{QStringLiteral("catalog"), catalog},
            {QStringLiteral("dry_run"), dryRun},
            {QStringLiteral("from"), plan.from},
            {QStringLiteral("to"), plan.to},
            {QStringLiteral("image_folders"), roots},
            {QStringLiteral("images"), plan.images},
            {QStringLiteral("found"), plan.found},
            {QStringLiteral("missing"), plan.missing},
            {QStringLiteral("missing_examples"), QJsonArray::fromStringList(plan.missingExamples)}};
}

} // namespace

int runRelink(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("root"), QStringLiteral("The folder the images were in (as 'exemplar-cli check' names it)."), QStringLiteral("OLD")});
    parser.addOption({QStringLiteral("to"), QStringLiteral("The folder they are in now."), QStringLiteral("NEW")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Show what would change and how many files are found, change nothing.")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Relink even when no file is found in NEW (e.g. a drive not yet connected).")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON for scripts.")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("relink"),
                        QStringLiteral("Points the images under a moved folder OLD to the same files under NEW; labels, "
                                       "history, scores and runs stay attached. Says how many files are found in NEW and "
                                       "refuses when none is (unless --force); a failed relink changes nothing."),
                        args, code))
        return code;
    const QString catalog = requireCatalogPath(parser);
    if (catalog.isEmpty())
        return kExitUsage;
    const QString from = parser.value(QStringLiteral("root"));
    const QString to = parser.value(QStringLiteral("to"));
    if (from.isEmpty() || to.isEmpty()) {
        printError(QStringLiteral("relink needs --root OLD and --to NEW (see exemplar-cli relink --help)"));
        return kExitUsage;
    }
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    const bool json = parser.isSet(QStringLiteral("json"));
    RelinkPlan plan;
    if (dryRun) {
        plan = planRelink(Catalogue::open(catalog, Catalogue::OpenMode::ReadOnly), from, to);
    } else {
        Catalogue catalogue = Catalogue::open(catalog, Catalogue::OpenMode::MustExist);
        plan = relinkImages(catalogue, from, to, parser.isSet(QStringLiteral("force")));
    }
    if (json) {
        printJson(planJson(catalog, plan, dryRun));
        return kExitOk;
    }
    printOut(plan.toText());
    if (dryRun)
        printOut(plan.found == 0 && !parser.isSet(QStringLiteral("force"))
                     ? QStringLiteral("Dry run: nothing changed. No file was found in %1: relink would refuse without --force.").arg(plan.to)
                     : QStringLiteral("Dry run: nothing changed. Run again without --dry-run to relink."));
    else
        printOut(plan.missing > 0 ? QStringLiteral("Relinked. %1 files are still missing: 'exemplar-cli check --catalog %2' lists them.")
                                        .arg(plan.missing).arg(catalog)
                                  : QStringLiteral("Relinked: every file was found."));
    return kExitOk;
}

} // namespace exemplar::cli
