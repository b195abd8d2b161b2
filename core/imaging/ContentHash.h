#pragma once
// The content hash that identifies an image in the catalogue: the same bytes imported twice (under
// any name) are one image.
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace exemplar {

// Lowercase hex SHA-256 of the bytes.
QByteArray contentHashHex(QByteArrayView bytes);

// Same for a whole file; throws exemplar::Error naming the file when it can't be read.
QByteArray fileContentHashHex(const QString& path);

} // namespace exemplar
