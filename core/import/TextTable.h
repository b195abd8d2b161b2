#pragma once
// A table read from an annotation or labels file (CSV or one XLSX sheet): a header and rows of text cells,
// each row with the line (CSV) or row number (XLSX) it came from, for "file:line" reports.
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace exemplar {

struct TextTable {
    struct Row {
        int line = 0;      // 1-based line (CSV: where the record starts) or sheet row number
        QStringList cells; // same length as header
    };

    QString source;     // the file path, for messages
    QStringList header; // column names, trimmed
    QVector<Row> rows;  // blank rows are left out
    // CSV only: leading one-cell records starting with '#' before the header (an Exemplar labels
    // export's "#exemplar-labels {...}" task list), in file order.
    QStringList comments;
    bool decimalComma = false; // numbers may be written "1,33" (semicolon/tab separated CSV)

    // Index of the first column whose normalised name (see normalizedColumnName) equals one of
    // the normalised `names`, or -1.
    int findColumn(const QStringList& names) const;
    // The cell as a number (decimal comma handled when decimalComma), nullopt if it is not one.
    std::optional<double> number(const QString& cell) const;
};

// Column names vary between copies of one table ("Emotion", "Emotion?", " emotion ", "Image #"):
// compare them lowercased with everything but letters and digits removed.
QString normalizedColumnName(const QString& name);

// Parses a number written in C locale ("1.33", "-2", "1e3"), or with a decimal comma ("1,33")
// when decimalComma is set. Rejects text, empty cells, NaN and infinities.
std::optional<double> parseNumber(const QString& text, bool decimalComma);

} // namespace exemplar
