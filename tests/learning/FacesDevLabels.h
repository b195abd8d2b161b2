#pragma once
// The faces-dev images of one expression, for tests that check a real pretrained model on them.
#include <QFile>
#include <QString>
#include <QStringList>

namespace exemplar::test {

// Paths of the first `count` images labelled `expression` in faces-dev's labels.csv (fewer if
// there are fewer; none when the file cannot be read).
inline QStringList facesDevImagesOf(const QString& facesDev, const QString& expression, int count)
{
    QStringList paths;
    QFile labels(facesDev + QStringLiteral("/labels.csv"));
    if (!labels.open(QIODevice::ReadOnly | QIODevice::Text)) return paths;
    labels.readLine(); // header: file,expression,...
    while (!labels.atEnd() && paths.size() < count) {
        const QStringList f = QString::fromUtf8(labels.readLine()).trimmed().split(QLatin1Char(','));
        if (f.size() >= 2 && f[1] == expression) paths << facesDev + QStringLiteral("/images/") + f[0];
    }
    return paths;
}

} // namespace exemplar::test
