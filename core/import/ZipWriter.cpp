#include "core/import/ZipWriter.h"

#include "core/util/Error.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>
#include <quazip/quazipnewinfo.h>

namespace exemplar {

void writeZip(const QString& path, const QVector<QPair<QString, QByteArray>>& parts)
{
    QuaZip zip(path);
    if (!zip.open(QuaZip::mdCreate))
        throw Error(QStringLiteral("%1: cannot create the zip archive (error %2)").arg(path).arg(zip.getZipError()));
    for (const auto& [name, bytes] : parts) {
        QuaZipFile file(&zip);
        if (!file.open(QIODevice::WriteOnly, QuaZipNewInfo(name)) || file.write(bytes) != bytes.size())
            throw Error(QStringLiteral("%1: cannot write part %2 of the zip archive").arg(path, name));
        file.close();
    }
    zip.close();
    if (zip.getZipError() != 0)
        throw Error(QStringLiteral("%1: cannot finish the zip archive (error %2)").arg(path).arg(zip.getZipError()));
}

} // namespace exemplar
