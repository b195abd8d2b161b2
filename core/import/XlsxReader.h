#pragma once
// Reads one sheet of an .xlsx workbook (Office Open XML) as a text table, without a spreadsheet
// library: the zip is opened with QuaZip and the parts are streamed through QXmlStreamReader.
// Handles shared strings (including rich-text runs), inline strings, formula string results,
// numbers (kept as written, "1.3333333333333299"), booleans, and sparse rows whose cells carry
// their column letters (r="D5"; skipped empty cells are empty). The first non-blank row is the
// header.
#include "core/import/TextTable.h"

namespace exemplar {

// Throws exemplar::Error naming the file when it is not a readable workbook or has no sheet of
// that name (the message lists the sheets it has). Sheet names are compared ignoring case and
// surrounding spaces.
TextTable readXlsxSheet(const QString& path, const QString& sheetName);

// The sheet names of a workbook, in workbook order. Throws exemplar::Error like readXlsxSheet.
QStringList xlsxSheetNames(const QString& path);

// "A" -> 0, "D5" -> 3, "AA12" -> 26; -1 when the reference has no column letters.
int xlsxColumnIndex(QStringView cellReference);

} // namespace exemplar
