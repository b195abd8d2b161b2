#pragma once
// Writing CSV text that spreadsheets and exemplar's own CsvReader read back unchanged (RFC 4180).
#include <QString>
#include <QStringList>

namespace exemplar::ui {

// `field` as one CSV field: quoted (with inner quotes doubled) when it holds a comma, a quote, a
// line break or leading/trailing spaces; as is otherwise.
QString csvField(const QString& field);
// One record: the fields joined by commas, ended by "\n".
QString csvRecord(const QStringList& fields);

} // namespace exemplar::ui
