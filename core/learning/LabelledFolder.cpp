#include "core/learning/LabelledFolder.h"

#include "core/import/CsvReader.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFileInfo>

namespace exemplar::learning {

LabelledFolder readLabelledFolder(const QString& labelsCsv, const QString& imagesDir,
                                  const QString& labelColumn, const QStringList& classes, Auxiliary auxiliary)
{
    const TextTable table = readCsvFile(labelsCsv);
    const int fileColumn = table.findColumn({"file", "filename", "image", "path"});
    const int column = table.findColumn({labelColumn});
    const int identityColumn = table.findColumn({"identity", "person", "subject"});
    if (fileColumn < 0 || column < 0)
        throw Error(QStringLiteral("%1: needs a 'file' column and a '%2' column").arg(labelsCsv, labelColumn));
    LabelledFolder out;
    out.data.task = labelColumn;
    out.data.classNames = classes;
    const QDir dir(imagesDir);
    int row = 0;
    for (const auto& r : table.rows) {
        ++row;
        const QString label = r.cells.value(column).trimmed();
        if (label.isEmpty()) {
            ++out.unlabelled;
            continue;
        }
        int index = int(out.data.classNames.indexOf(label));
        if (index < 0 && auxiliary == Auxiliary::Keep && !classes.isEmpty()) {
            index = int(out.data.auxiliaryClassNames.indexOf(label));
            if (index < 0) {
                index = int(out.data.auxiliaryClassNames.size());
                out.data.auxiliaryClassNames << label;
            }
            index += int(classes.size());
        }
        if (index < 0) {
            if (!classes.isEmpty()) {
                ++out.leftOutByLabel[label];
                continue;
            }
            index = int(out.data.classNames.size());
            out.data.classNames << label;
        }
        const QString path = dir.filePath(r.cells.value(fileColumn).trimmed());
        if (!QFileInfo::exists(path)) {
            ++out.missingFiles;
            if (out.missingExamples.size() < 20)
                out.missingExamples << QStringLiteral("%1:%2").arg(labelsCsv).arg(r.line);
            continue;
        }
        out.data.samples.push_back(
            {path, index, identityColumn >= 0 ? r.cells.value(identityColumn).trimmed() : QString(), row});
    }
    return out;
}

} // namespace exemplar::learning
