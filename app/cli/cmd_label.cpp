// exemplar-cli label: set or clear one task's label on images, as a curator (undoable in the studio).
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/ImageLookup.h"
#include "core/catalogue/Catalogue.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

int runLabel(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("The task, e.g. expression."), QStringLiteral("TASK")});
    parser.addOption({QStringLiteral("class"), QStringLiteral("The class to set."), QStringLiteral("CLASS")});
    parser.addOption({QStringLiteral("clear"), QStringLiteral("Remove the class (and exemplar flag).")});
    parser.addOption({QStringLiteral("exemplar"), QStringLiteral("Also flag the images as exemplars.")});
    parser.addOption({QStringLiteral("not-exemplar"), QStringLiteral("Remove the exemplar flag.")});
    parser.addOption({QStringLiteral("author"), QStringLiteral("Who made the change (default: $USER)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON for scripts.")});
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Image files: path, path relative to an image folder, or unique file name."), QStringLiteral("FILE..."));
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("label"), QStringLiteral("Set or clear one task's label on images, as a curator (undoable in the studio)."), args, code))
        return code;
    const QString path = requireCatalogPath(parser);
    if (path.isEmpty())
        return kExitUsage;
    const QString taskName = parser.value(QStringLiteral("task"));
    const bool clear = parser.isSet(QStringLiteral("clear"));
    const QString className = parser.value(QStringLiteral("class"));
    if (taskName.isEmpty() || parser.positionalArguments().isEmpty() || (clear == !className.isEmpty())
        || (parser.isSet(QStringLiteral("exemplar")) && parser.isSet(QStringLiteral("not-exemplar")))) {
        printError(QStringLiteral("usage: exemplar-cli label --catalog FILE --task TASK (--class CLASS | --clear) "
                                  "[--exemplar | --not-exemplar] FILE..."));
        return kExitUsage;
    }

    Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
    const auto task = catalogue.task(taskName);
    if (!task)
        throw Error(QStringLiteral("%1: no task '%2'").arg(path, taskName));
    std::optional<qint64> classId;
    if (!clear) {
        const auto cls = task->classByName(className);
        if (!cls) {
            QStringList known;
            for (const auto& c : task->classes)
                if (!c.retired) known << c.name;
            throw Error(QStringLiteral("task '%1' has no class '%2' (classes: %3)").arg(taskName, className, known.join(QStringLiteral(", "))));
        }
        if (cls->retired)
            throw Error(QStringLiteral("class '%1' of task '%2' is retired; restore it in the studio first").arg(className, taskName));
        classId = cls->id;
    }

    const ImageLookup lookup(catalogue);
    QVector<LabelEdit> edits;
    QStringList problems;
    const QString author = parser.isSet(QStringLiteral("author")) ? parser.value(QStringLiteral("author"))
                                                                   : qEnvironmentVariable("USER");
    for (const QString& file : parser.positionalArguments()) {
        QString why;
        const auto id = lookup.find(file, why);
        if (!id) {
            problems << why;
            continue;
        }
        const auto current = catalogue.label(*id, task->id);
        bool exemplar = current ? current->exemplar : false;
        if (parser.isSet(QStringLiteral("exemplar")))
            exemplar = true;
        if (parser.isSet(QStringLiteral("not-exemplar")) || clear)
            exemplar = false;
        edits.push_back({*id, task->id, classId, exemplar, Provenance::Curator, {}});
    }
    const QString images = counted(edits.size(), u"image");
    const QString description = clear ? QStringLiteral("clear %1 on %2 (cli)").arg(taskName, images)
                                      : QStringLiteral("set %1 to '%2' on %3 (cli)").arg(taskName, className, images);
    const qint64 change = edits.isEmpty() ? 0 : catalogue.applyLabelEdits(edits, description, author);
    if (parser.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("labelled"), static_cast<int>(edits.size())},
                   {QStringLiteral("change_id"), change},
                   {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}});
    } else {
        for (const QString& p : problems)
            printError(p);
        printOut(QStringLiteral("%1 updated%2").arg(images, change ? QString() : QStringLiteral(" (nothing changed)")));
    }
    return problems.isEmpty() ? kExitOk : kExitError;
}

} // namespace exemplar::cli
