#pragma once
// A count with its noun in the right number, for messages: counted(1, u"thread") is "1 thread",
// counted(3, u"thread") "3 threads", counted(2, u"person", u"people") "2 people". Messages say
// "1 image", never "1 images" or "1 image(s)".
#include <QString>
#include <QStringView>

namespace exemplar {

inline QString counted(qint64 n, QStringView singular, QStringView plural = {})
{
    const QString noun = n == 1 ? singular.toString()
                                : (plural.isEmpty() ? singular.toString() + QLatin1Char('s') : plural.toString());
    return QString::number(n) + QLatin1Char(' ') + noun;
}

} // namespace exemplar
