// exemplar-cli stats: what is in a catalogue.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

namespace {

QJsonObject statsJson(const Catalogue& catalogue, const CatalogueStats& s)
{
    QJsonArray tasks;
    for (const TaskStats& t : s.tasks) {
        QJsonArray classes;
        for (const ClassCount& c : t.classes)
            classes.append(QJsonObject{{QStringLiteral("name"), c.className},
                                       {QStringLiteral("retired"), c.retired},
                                       {QStringLiteral("imported"), c.imported},
                                       {QStringLiteral("curator"), c.curator},
                                       {QStringLiteral("model"), c.model},
                                       {QStringLiteral("total"), c.total()},
                                       {QStringLiteral("exemplars"), c.exemplars}});
        tasks.append(QJsonObject{{QStringLiteral("name"), t.task.name},
                                 {QStringLiteral("labelled"), t.labelled},
                                 {QStringLiteral("unlabelled"), t.unlabelled},
                                 {QStringLiteral("exemplars"), t.exemplars},
                                 {QStringLiteral("classes"), classes}});
    }
    return {{QStringLiteral("catalog"), catalogue.path()},
            {QStringLiteral("schema_version"), catalogue.schemaVersion()},
            {QStringLiteral("images"), s.images},
            {QStringLiteral("image_folders"), s.roots},
            {QStringLiteral("images_with_identity"), s.imagesWithIdentity},
            {QStringLiteral("tasks"), tasks}};
}

QString statsText(const Catalogue& catalogue, const CatalogueStats& s)
{
    QString out = QStringLiteral("Catalogue %1 (schema %2)\n").arg(catalogue.path()).arg(catalogue.schemaVersion());
    out += QStringLiteral("Images: %1 in %2, %3 with an identity\n").arg(s.images).arg(counted(s.roots, u"folder")).arg(s.imagesWithIdentity);
    for (const TaskStats& t : s.tasks) {
        out += QStringLiteral("\nTask '%1': %2 labelled, %3 unlabelled, %4\n")
                   .arg(t.task.name).arg(t.labelled).arg(t.unlabelled).arg(counted(t.exemplars, u"exemplar"));
        out += QStringLiteral("  %1 %2 %3 %4 %5\n")
                   .arg(QStringLiteral("class").leftJustified(16), QStringLiteral("imported").rightJustified(9),
                        QStringLiteral("curator").rightJustified(8), QStringLiteral("total").rightJustified(7),
                        QStringLiteral("exemplars").rightJustified(10));
        for (const ClassCount& c : t.classes)
            out += QStringLiteral("  %1 %2 %3 %4 %5%6\n")
                       .arg(c.className.leftJustified(16))
                       .arg(c.imported, 9)
                       .arg(c.curator, 8)
                       .arg(c.total(), 7)
                       .arg(c.exemplars, 10)
                       .arg(c.retired ? QStringLiteral("  (retired)") : QString());
    }
    if (s.tasks.isEmpty())
        out += QStringLiteral("No tasks yet: import a labels file or create a task in the studio.\n");
    return out.trimmed();
}

} // namespace

int runStats(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON for scripts.")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("stats"), QStringLiteral("Show what a catalogue holds: images, and per task the labels of each class (imported, "
                                                                     "by a curator), exemplars and unlabelled images."), args, code))
        return code;
    const QString path = requireCatalogPath(parser);
    if (path.isEmpty())
        return kExitUsage;
    const Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
    const CatalogueStats s = catalogue.stats();
    if (parser.isSet(QStringLiteral("json")))
        printJson(statsJson(catalogue, s));
    else
        printOut(statsText(catalogue, s));
    return kExitOk;
}

} // namespace exemplar::cli
