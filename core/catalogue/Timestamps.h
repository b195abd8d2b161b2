#pragma once
// Timestamps are stored as ISO-8601 UTC text with milliseconds, which sorts correctly as text.
#include <QDateTime>
#include <QString>

namespace exemplar {

inline QString toStoredTime(const QDateTime& t) { return t.toUTC().toString(Qt::ISODateWithMs); }
inline QString storedNow() { return toStoredTime(QDateTime::currentDateTimeUtc()); }
inline QDateTime fromStoredTime(const QString& s)
{
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

} // namespace exemplar
