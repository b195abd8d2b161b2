#pragma once
// Everything an import needs to know about one image file, computed off the catalogue thread:
// size checks, header probe (bomb check before decoding), truncation check, content hash and
// thumbnail. Never throws: a bad file comes back with `problem` set.
#include <QByteArray>
#include <QString>

namespace exemplar {

struct PreparedImage {
    QString problem; // non-empty: the file is skipped for this reason
    QByteArray contentHash;
    int width = 0;
    int height = 0;
    QByteArray thumbnailJpeg;
    qint64 fileSize = 0;
};

struct ImageLimits {
    qint64 maxPixels = 80'000'000;
    qint64 maxFileBytes = 200LL << 20;
};

PreparedImage prepareImage(const QString& absolutePath, const ImageLimits& limits);

} // namespace exemplar
