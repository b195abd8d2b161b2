#pragma once
// Reads an annotation table by file type: .xlsx (one sheet) or .csv/.txt/.tsv.
#include "core/import/TextTable.h"

namespace exemplar {

// Throws exemplar::Error naming the file when it can't be read or its type is not supported.
TextTable readAnnotationTable(const QString& path, const QString& xlsxSheet);

// The index of the file-name column (`file`, `Filename`, `File name`...); throws exemplar::Error
// naming the file and listing the columns it has when there is none.
int fileColumnOf(const TextTable& table);

} // namespace exemplar
