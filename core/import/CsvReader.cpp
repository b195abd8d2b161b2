#include "core/import/CsvReader.h"

#include "core/util/Error.h"

#include <QFile>
#include <QStringDecoder>

#include <algorithm>

namespace exemplar {

QChar sniffCsvDelimiter(QStringView line)
{
    int comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (const QChar c : line) {
        if (c == QLatin1Char('"')) quoted = !quoted;
        else if (quoted) continue;
        else if (c == QLatin1Char(',')) ++comma;
        else if (c == QLatin1Char(';')) ++semicolon;
        else if (c == QLatin1Char('\t')) ++tab;
    }
    if (semicolon > comma && semicolon >= tab) return QLatin1Char(';');
    if (tab > comma && tab > semicolon) return QLatin1Char('\t');
    return QLatin1Char(',');
}

namespace {

QString decodeText(const QByteArray& data)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(data);
    if (utf8.hasError()) text = QString::fromLatin1(data);
    if (text.startsWith(QChar(0xFEFF))) text.remove(0, 1);
    return text;
}

// The header line: the first line that is not a leading comment record ("#..." or "\"#...").
QStringView firstLine(const QString& text)
{
    qsizetype start = 0;
    for (;;) {
        qsizetype end = start;
        bool quoted = false;
        for (; end < text.size(); ++end) {
            const QChar c = text[end];
            if (c == QLatin1Char('"')) quoted = !quoted;
            else if (!quoted && (c == QLatin1Char('\n') || c == QLatin1Char('\r'))) break;
        }
        const QStringView line = QStringView(text).mid(start, end - start);
        const bool comment = line.startsWith(QLatin1Char('#')) || line.startsWith(QLatin1String("\"#"));
        if (!comment || end >= text.size()) return line;
        start = end + 1;
        if (start < text.size() && text[end] == QLatin1Char('\r') && text[start] == QLatin1Char('\n')) ++start;
    }
}

} // namespace

TextTable parseCsv(const QByteArray& data, const QString& sourceName)
{
    const QString text = decodeText(data);
    TextTable table;
    table.source = sourceName;
    const QChar delimiter = sniffCsvDelimiter(firstLine(text));
    table.decimalComma = delimiter != QLatin1Char(',');

    QStringList record;
    QString field;
    int line = 1, recordLine = 1;
    bool quoted = false, fieldWasQuoted = false, headerDone = false;
    auto endField = [&] {
        record.append(fieldWasQuoted ? field : field.trimmed());
        field.clear();
        fieldWasQuoted = false;
    };
    auto endRecord = [&] {
        endField();
        const bool blank = std::all_of(record.cbegin(), record.cend(), [](const QString& s) { return s.isEmpty(); });
        if (!headerDone) {
            if (record.size() == 1 && record.front().startsWith(QLatin1Char('#'))) {
                table.comments.append(record.front()); // e.g. the task list of an Exemplar export
            } else if (!blank) {
                for (auto& name : record) name = name.trimmed();
                table.header = record;
                headerDone = true;
            }
        } else if (!blank) {
            record.resize(table.header.size());
            table.rows.append({recordLine, record});
        }
        record.clear();
    };

    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < n && text[i + 1] == QLatin1Char('"')) { field.append(c); ++i; }
                else quoted = false;
            } else {
                if (c == QLatin1Char('\n')) ++line;
                field.append(c);
            }
        } else if (c == QLatin1Char('"') && field.trimmed().isEmpty()) {
            field.clear();
            quoted = fieldWasQuoted = true;
        } else if (c == delimiter) {
            endField();
        } else if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < n && text[i + 1] == QLatin1Char('\n')) ++i;
            endRecord();
            recordLine = ++line;
        } else {
            field.append(c);
        }
    }
    if (quoted)
        throw Error(QStringLiteral("%1: line %2: a quoted field is never closed").arg(sourceName).arg(recordLine));
    if (!field.isEmpty() || !record.isEmpty()) endRecord();
    if (table.header.isEmpty()) throw Error(QStringLiteral("%1: the file is empty (no header line)").arg(sourceName));
    return table;
}

TextTable readCsvFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    return parseCsv(file.readAll(), path);
}

} // namespace exemplar
