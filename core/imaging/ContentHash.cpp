#include "core/imaging/ContentHash.h"

#include "core/util/Error.h"

#include <QCryptographicHash>
#include <QFile>

namespace exemplar {

QByteArray contentHashHex(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray fileContentHashHex(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        throw Error(QStringLiteral("%1: cannot read: %2").arg(path, file.errorString()));
    return hash.result().toHex();
}

} // namespace exemplar
