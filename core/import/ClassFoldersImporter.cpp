#include "core/import/FolderImport.h"
#include "core/import/ImportLog.h"
#include "core/import/LabelBatch.h"

#include <QDir>
#include <QFileInfo>
#include <map>

namespace exemplar {

ImportReport importClassFolders(Catalogue& catalogue, const QString& folder, const QString& taskName,
                                const FolderImportOptions& options, const ImportProgressFn& progress,
                                const CancelFlag* cancel)
{
    if (taskName.trimmed().isEmpty()) throw Error(QStringLiteral("%1: no task name given for the class folders").arg(folder));
    ImportReport report;
    const ImportLog log(QStringLiteral("class-folders"), folder);
    const RootLocation root = addFolderImages(catalogue, folder, options, progress, cancel, report);
    if (report.cancelled) {
        log.record(catalogue, report, report.added);
        return report;
    }

    std::map<QString, QVector<QPair<qint64, QString>>> imagesByClass; // class (sorted) -> (image, path)
    for (const auto& image : catalogue.allImages()) {
        if (image.rootId != root.rootId || !image.relativePath.startsWith(root.prefix)) continue;
        const QString inFolder = image.relativePath.mid(root.prefix.size());
        if (!inFolder.contains(QLatin1Char('/'))) {
            report.issues.append({inFolder, QStringLiteral("not in a class folder; imported without a \"%1\" label").arg(taskName)});
            continue;
        }
        imagesByClass[inFolder.section(QLatin1Char('/'), 0, 0)].append({image.id, inFolder});
    }
    QStringList classes;
    for (const auto& [name, images] : imagesByClass) classes.append(name);
    if (!classes.isEmpty()) {
        if (!catalogue.task(taskName.trimmed())) ++report.tasksCreated;
        const TaskInfo task = catalogue.ensureTask(taskName.trimmed(), classes);
        const QString folderName = QFileInfo(canonicalDirectory(folder)).fileName();
        LabelBatch labels(catalogue);
        for (const auto& [name, images] : imagesByClass) {
            const auto cls = task.classByName(name);
            if (!cls) continue;
            for (const auto& [id, path] : images)
                labels.set(id, task.id, cls->id, folderName + QLatin1Char(':') + name, path, report);
        }
        labels.apply(QStringLiteral("Import class folders of %1 as task \"%2\"").arg(folderName, task.name), QString(), report);
    }
    log.record(catalogue, report, report.added);
    return report;
}

} // namespace exemplar
