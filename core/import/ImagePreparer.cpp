#include "core/import/ImagePreparer.h"

#include "core/catalogue/Types.h"
#include "core/imaging/ContentHash.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/imaging/ImageProbe.h"
#include "core/imaging/ThumbnailMaker.h"

#include <QFile>
#include <QFileInfo>
#include <exception>
#include <utility>

namespace exemplar {

namespace {
QString megabytes(qint64 bytes) { return QString::number(double(bytes) / (1 << 20), 'f', 1); }
} // namespace

PreparedImage prepareImage(const QString& absolutePath, const ImageLimits& limits, const FaceDetectorPool* faces)
{
    PreparedImage out;
    try {
        const QFileInfo info(absolutePath);
        out.fileSize = info.size();
        if (out.fileSize == 0) {
            out.problem = QStringLiteral("empty file (0 bytes)");
            return out;
        }
        if (out.fileSize > limits.maxFileBytes) {
            out.problem = QStringLiteral("file too large (%1 MB, the limit is %2 MB); not read")
                              .arg(megabytes(out.fileSize), megabytes(limits.maxFileBytes));
            return out;
        }
        QFile file(absolutePath);
        if (!file.open(QIODevice::ReadOnly)) {
            out.problem = QStringLiteral("cannot read: %1").arg(file.errorString());
            return out;
        }
        const QByteArray bytes = file.readAll();
        if (bytes.size() != out.fileSize) {
            out.problem = QStringLiteral("cannot read: %1").arg(file.errorString());
            return out;
        }
        QString problem;
        const auto header = probeImage(bytes, &problem);
        if (!header) {
            out.problem = problem;
            return out;
        }
        if (header->pixels() > limits.maxPixels) {
            out.problem = QStringLiteral("refused: the header claims %1x%2 pixels (%3 megapixels, the limit is %4); "
                                         "possibly a decompression bomb, not decoded")
                              .arg(header->width)
                              .arg(header->height)
                              .arg(QString::number(header->pixels() / 1e6, 'f', 1))
                              .arg(QString::number(limits.maxPixels / 1e6, 'f', 1));
            return out;
        }
        if ((header->format == ImageFormat::Jpeg && !jpegIsComplete(bytes)) ||
            (header->format == ImageFormat::Png && !pngIsComplete(bytes))) {
            out.problem = QStringLiteral("truncated or corrupt %1 file (its structure ends before the end-of-image marker)")
                              .arg(imageFormatName(header->format));
            return out;
        }
        const auto thumbnail = makeThumbnail(bytes, *header, kThumbnailMaxSide, &problem);
        if (!thumbnail) {
            out.problem = problem;
            return out;
        }
        out.width = header->width;
        out.height = header->height;
        // The decoder applies the EXIF orientation (phone photos are often stored sideways): keep
        // the catalogued size in the orientation the thumbnail and every later decode will have.
        if ((thumbnail->width > thumbnail->height && out.width < out.height) ||
            (thumbnail->width < thumbnail->height && out.width > out.height))
            std::swap(out.width, out.height);
        out.thumbnailJpeg = thumbnail->jpeg;
        out.contentHash = contentHashHex(bytes);
        if (faces) out.faces = faces->detectEncoded(bytes, *header);
    } catch (const std::exception& e) {
        out.problem = QStringLiteral("cannot read the image: %1").arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        out.problem = QStringLiteral("cannot read the image (unknown error)");
    }
    return out;
}

} // namespace exemplar
