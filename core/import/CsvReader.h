#pragma once
// Reads a CSV file as exported by spreadsheets: RFC 4180 quoting (quoted delimiters, doubled
// quotes, line breaks inside quotes), CRLF or LF, an optional UTF-8 byte-order mark, and the
// delimiter sniffed from the header line (comma, semicolon or tab; semicolon/tab files come from
// locales with a decimal comma, so their numbers may be written "1,33").
#include "core/import/TextTable.h"

#include <QByteArray>

namespace exemplar {

// Throws exemplar::Error naming the file when it can't be read, is empty or has an unterminated
// quoted field. Text that is not valid UTF-8 is read as Latin-1 (old Excel exports).
TextTable readCsvFile(const QString& path);
TextTable parseCsv(const QByteArray& data, const QString& sourceName);

// The delimiter of a header line: the most frequent of ',', ';', '\t' outside quotes (',' if none).
QChar sniffCsvDelimiter(QStringView headerLine);

} // namespace exemplar
