#pragma once
// Reads a labels file whatever its kind, recognised by its content rather than its name: a CSV
// (including an Exemplar labels export with its task list), an Exemplar JSON labels export, or an
// .xlsx workbook (first sheet). The 10k US Adult Faces annotation workbook is refused with a
// message saying to import it as annotations, since its codes need a value mapping.
#include "core/import/TextTable.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace exemplar {

// A task as an Exemplar export declares it: its classes in order and the retired ones.
struct DeclaredTask {
    QString name;
    QStringList classes;
    QStringList retired;
};

struct LabelsTable {
    enum class Kind { Csv, ExemplarCsv, ExemplarJson, Xlsx };
    Kind kind = Kind::Csv;
    // JSON exports are turned into the CSV export's columns (file, folder, identity, <task>,
    // <task>_exemplar, <task>_provenance); a row's line is then the image's position in the file.
    TextTable table;
    QVector<DeclaredTask> tasks; // Exemplar exports only, in export order
};

// Throws exemplar::Error naming the file when it can't be read or parsed.
LabelsTable readLabelsTable(const QString& path);

} // namespace exemplar
