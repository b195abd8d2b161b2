#include "core/import/AnnotationTable.h"

#include "core/import/CsvReader.h"
#include "core/import/XlsxReader.h"
#include "core/util/Error.h"

#include <QFileInfo>

namespace exemplar {

TextTable readAnnotationTable(const QString& path, const QString& xlsxSheet)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("xlsx")) return readXlsxSheet(path, xlsxSheet);
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("txt") || suffix == QLatin1String("tsv")) return readCsvFile(path);
    throw Error(QStringLiteral("%1: unsupported annotation file type \"%2\" (use .xlsx or .csv)").arg(path, suffix));
}

int fileColumnOf(const TextTable& table)
{
    const int column = table.findColumn({QStringLiteral("file"), QStringLiteral("filename")});
    if (column >= 0) return column;
    QStringList found;
    for (const auto& h : table.header) found.append(QLatin1Char('"') + h + QLatin1Char('"'));
    throw Error(QStringLiteral("%1: no \"file\" or \"Filename\" column; the columns found are %2")
                    .arg(table.source, found.isEmpty() ? QStringLiteral("none") : found.join(QStringLiteral(", "))));
}

} // namespace exemplar
