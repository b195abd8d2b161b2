#pragma once
// Reads an image's format and pixel size from its header without decoding it, so that a
// decompression bomb (a small file claiming a huge canvas) is refused before any pixel buffer is
// allocated, and so that the decoder can be asked for a reduced size.
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>
#include <optional>

namespace exemplar {

enum class ImageFormat { Jpeg, Png, Bmp, Webp, Tiff };
QString imageFormatName(ImageFormat format); // "JPEG", "PNG", ...

struct ImageHeader {
    ImageFormat format = ImageFormat::Jpeg;
    int width = 0;
    int height = 0;
    bool grayscale = false; // JPEG with one component or grey PNG: decoded as one channel, faster
    qint64 pixels() const { return qint64(width) * qint64(height); }
};

// Format and size from the first bytes of a file (the whole file is fine too). Returns nullopt and
// sets *problem when the bytes are not a JPEG/PNG/BMP/WebP/TIFF image or the header is damaged.
std::optional<ImageHeader> probeImage(QByteArrayView bytes, QString* problem = nullptr);

// libjpeg decodes a truncated JPEG "successfully" (grey fill, a warning on stderr), so
// truncation has to be detected by walking the markers to the end-of-image marker.
bool jpegIsComplete(QByteArrayView bytes);
// True when the PNG chunk chain is intact up to its IEND chunk.
bool pngIsComplete(QByteArrayView bytes);

// True for the file extensions an import looks at: jpg, jpeg, png, bmp, webp, tif, tiff (any case).
bool hasImageExtension(const QString& fileName);

} // namespace exemplar
