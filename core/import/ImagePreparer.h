#pragma once
// Everything an import needs to know about one image file, computed off the catalogue thread:
// size checks, header probe (bomb check before decoding), truncation check, content hash and
// thumbnail. Never throws: a bad file comes back with `problem` set.
#include "core/imaging/FaceDetector.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace exemplar {

class FaceDetectorPool;

struct PreparedImage {
    QString problem; // non-empty: the file is skipped for this reason
    QByteArray contentHash;
    int width = 0;
    int height = 0;
    QByteArray thumbnailJpeg;
    qint64 fileSize = 0;
    std::optional<FaceDetection> faces; // when asked for
};

struct ImageLimits {
    qint64 maxPixels = 80'000'000;
    qint64 maxFileBytes = 200LL << 20;
};

// With `faces`, also detects the faces (boxes in the catalogued, EXIF-oriented pixels).
PreparedImage prepareImage(const QString& absolutePath, const ImageLimits& limits,
                           const FaceDetectorPool* faces = nullptr);

} // namespace exemplar
