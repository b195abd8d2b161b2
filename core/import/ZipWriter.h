#pragma once
// Writes a zip archive from in-memory parts (deflated, via QuaZip). Used to build .xlsx workbooks
// (tests build the annotation files they import; exports can reuse it).
#include <QByteArray>
#include <QPair>
#include <QString>
#include <QVector>

namespace exemplar {

// Throws exemplar::Error naming the file when it can't be written.
void writeZip(const QString& path, const QVector<QPair<QString, QByteArray>>& parts);

} // namespace exemplar
