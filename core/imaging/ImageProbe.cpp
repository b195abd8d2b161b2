#include "core/imaging/ImageProbe.h"

#include <QStringList>
#include <cstring>

namespace exemplar {

namespace {

// Header fields are read by hand: OpenCV only exposes sizes after a full decode, which is exactly
// what a bomb check must avoid, and Qt's QImageReader would pull Qt Gui into the headless core.
struct Bytes {
    QByteArrayView data;
    bool has(qsizetype pos, qsizetype n) const { return pos >= 0 && n >= 0 && pos + n <= data.size(); }
    quint8 u8(qsizetype pos) const { return quint8(data[pos]); }
    quint32 be16(qsizetype p) const { return (quint32(u8(p)) << 8) | u8(p + 1); }
    quint32 be32(qsizetype p) const { return (be16(p) << 16) | be16(p + 2); }
    quint32 le16(qsizetype p) const { return quint32(u8(p)) | (quint32(u8(p + 1)) << 8); }
    quint32 le24(qsizetype p) const { return le16(p) | (quint32(u8(p + 2)) << 16); }
    quint32 le32(qsizetype p) const { return le16(p) | (le16(p + 2) << 16); }
    bool startsWith(qsizetype pos, const char* magic) const
    {
        const auto n = qsizetype(std::strlen(magic));
        return has(pos, n) && std::memcmp(data.data() + pos, magic, size_t(n)) == 0;
    }
};

std::optional<ImageHeader> fail(QString* problem, const QString& why)
{
    if (problem) *problem = why;
    return std::nullopt;
}

std::optional<ImageHeader> sized(ImageFormat f, qint64 w, qint64 h, QString* problem)
{
    if (w <= 0 || h <= 0 || w > 0x7fffffff || h > 0x7fffffff)
        return fail(problem, QStringLiteral("damaged %1 header (size %2x%3)").arg(imageFormatName(f)).arg(w).arg(h));
    return ImageHeader{f, int(w), int(h)};
}

bool isSofMarker(quint8 m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

bool isStandaloneMarker(quint8 m) { return m == 0x01 || (m >= 0xD0 && m <= 0xD8); }

std::optional<ImageHeader> probeJpeg(const Bytes& b, QString* problem)
{
    qsizetype pos = 2;
    while (b.has(pos, 2)) {
        if (b.u8(pos) != 0xFF) return fail(problem, QStringLiteral("damaged JPEG header (bad marker)"));
        const quint8 marker = b.u8(pos + 1);
        if (marker == 0xFF) { ++pos; continue; } // fill byte
        if (isStandaloneMarker(marker)) { pos += 2; continue; }
        if (marker == 0xD9 || marker == 0xDA) break; // end of image / start of scan before any frame
        if (!b.has(pos + 2, 2)) break;
        const qsizetype length = b.be16(pos + 2);
        if (length < 2) return fail(problem, QStringLiteral("damaged JPEG header (bad segment length)"));
        if (isSofMarker(marker)) {
            if (!b.has(pos + 4, 6)) break;
            auto header = sized(ImageFormat::Jpeg, b.be16(pos + 7), b.be16(pos + 5), problem);
            if (header) header->grayscale = b.u8(pos + 9) == 1;
            return header;
        }
        pos += 2 + length;
    }
    return fail(problem, QStringLiteral("damaged or truncated JPEG header (no frame header)"));
}

std::optional<ImageHeader> probePng(const Bytes& b, QString* problem)
{
    if (!b.has(8, 16) || !b.startsWith(12, "IHDR"))
        return fail(problem, QStringLiteral("damaged PNG header (no IHDR chunk)"));
    auto header = sized(ImageFormat::Png, b.be32(16), b.be32(20), problem);
    if (header && b.has(25, 1)) header->grayscale = b.u8(25) == 0 || b.u8(25) == 4; // grey, grey + alpha
    return header;
}

std::optional<ImageHeader> probeBmp(const Bytes& b, QString* problem)
{
    if (!b.has(14, 4)) return fail(problem, QStringLiteral("damaged BMP header"));
    const quint32 infoSize = b.le32(14);
    if (infoSize == 12 && b.has(18, 4)) return sized(ImageFormat::Bmp, b.le16(18), b.le16(20), problem);
    if (infoSize >= 40 && b.has(18, 8)) {
        const qint64 w = qint32(b.le32(18));
        const qint64 h = qint32(b.le32(22)); // negative: rows stored top-down
        return sized(ImageFormat::Bmp, w, h < 0 ? -h : h, problem);
    }
    return fail(problem, QStringLiteral("damaged BMP header (unknown info header size %1)").arg(infoSize));
}

std::optional<ImageHeader> probeWebp(const Bytes& b, QString* problem)
{
    if (b.startsWith(12, "VP8 ") && b.has(20, 10) && b.u8(23) == 0x9D && b.u8(24) == 0x01 && b.u8(25) == 0x2A)
        return sized(ImageFormat::Webp, b.le16(26) & 0x3FFF, b.le16(28) & 0x3FFF, problem);
    if (b.startsWith(12, "VP8L") && b.has(20, 5) && b.u8(20) == 0x2F) {
        const quint32 bits = b.le32(21);
        return sized(ImageFormat::Webp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, problem);
    }
    if (b.startsWith(12, "VP8X") && b.has(24, 6))
        return sized(ImageFormat::Webp, qint64(b.le24(24)) + 1, qint64(b.le24(27)) + 1, problem);
    return fail(problem, QStringLiteral("damaged WebP header"));
}

std::optional<ImageHeader> probeTiff(const Bytes& b, QString* problem)
{
    const bool little = b.startsWith(0, "II");
    auto u16 = [&](qsizetype p) { return little ? b.le16(p) : b.be16(p); };
    auto u32 = [&](qsizetype p) { return little ? b.le32(p) : b.be32(p); };
    if (u16(2) == 43) return fail(problem, QStringLiteral("BigTIFF files are not supported"));
    const qsizetype ifd = u32(4);
    if (!b.has(ifd, 2)) return fail(problem, QStringLiteral("damaged or truncated TIFF header"));
    const int entries = int(u16(ifd));
    qint64 width = 0, height = 0;
    for (int i = 0; i < entries; ++i) {
        const qsizetype e = ifd + 2 + qsizetype(i) * 12;
        if (!b.has(e, 12)) break;
        const quint32 tag = u16(e), type = u16(e + 2);
        const qint64 value = type == 3 ? u16(e + 8) : type == 4 ? u32(e + 8) : 0;
        if (tag == 256) width = value;
        if (tag == 257) height = value;
    }
    return sized(ImageFormat::Tiff, width, height, problem);
}

} // namespace

QString imageFormatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Jpeg: return QStringLiteral("JPEG");
    case ImageFormat::Png: return QStringLiteral("PNG");
    case ImageFormat::Bmp: return QStringLiteral("BMP");
    case ImageFormat::Webp: return QStringLiteral("WebP");
    case ImageFormat::Tiff: return QStringLiteral("TIFF");
    }
    return {};
}

std::optional<ImageHeader> probeImage(QByteArrayView data, QString* problem)
{
    const Bytes b{data};
    if (data.isEmpty()) return fail(problem, QStringLiteral("empty file (0 bytes)"));
    if (b.has(0, 3) && b.u8(0) == 0xFF && b.u8(1) == 0xD8 && b.u8(2) == 0xFF) return probeJpeg(b, problem);
    if (b.startsWith(0, "\x89PNG\r\n\x1a\n")) return probePng(b, problem);
    if (b.startsWith(0, "BM")) return probeBmp(b, problem);
    if (b.startsWith(0, "RIFF") && b.startsWith(8, "WEBP")) return probeWebp(b, problem);
    if ((b.startsWith(0, "II") || b.startsWith(0, "MM")) && b.has(0, 8)) {
        const bool little = b.startsWith(0, "II");
        const quint32 magic = little ? b.le16(2) : b.be16(2);
        if (magic == 42 || magic == 43) return probeTiff(b, problem);
    }
    return fail(problem, QStringLiteral("not an image (no JPEG, PNG, BMP, WebP or TIFF header)"));
}

bool jpegIsComplete(QByteArrayView data)
{
    const Bytes b{data};
    if (!b.has(0, 2) || b.u8(0) != 0xFF || b.u8(1) != 0xD8) return false;
    qsizetype pos = 2;
    while (b.has(pos, 2)) {
        if (b.u8(pos) != 0xFF) return false;
        const quint8 marker = b.u8(pos + 1);
        if (marker == 0xFF) { ++pos; continue; }
        if (marker == 0xD9) return true;
        if (isStandaloneMarker(marker)) { pos += 2; continue; }
        if (!b.has(pos + 2, 2)) return false;
        const qsizetype length = b.be16(pos + 2);
        if (length < 2 || !b.has(pos + 2, length)) return false;
        pos += 2 + length;
        if (marker != 0xDA) continue;
        // Entropy-coded data: 0xFF is followed by 0x00 (stuffing), a restart marker or fill
        // bytes; anything else is the next real marker.
        const char* const base = data.data();
        for (;;) {
            const void* ff = std::memchr(base + pos, 0xFF, size_t(data.size() - pos));
            if (!ff) return false;
            pos = static_cast<const char*>(ff) - base;
            if (!b.has(pos, 2)) return false;
            const quint8 next = b.u8(pos + 1);
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) { ++pos; continue; }
            break;
        }
    }
    return false;
}

bool pngIsComplete(QByteArrayView data)
{
    const Bytes b{data};
    qsizetype pos = 8;
    while (b.has(pos, 12)) {
        const qsizetype length = b.be32(pos);
        if (b.startsWith(pos + 4, "IEND")) return true;
        if (!b.has(pos + 12, length)) return false;
        pos += 12 + length;
    }
    return false;
}

bool hasImageExtension(const QString& fileName)
{
    static const QStringList kExtensions{QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"),
                                         QStringLiteral("bmp"), QStringLiteral("webp"), QStringLiteral("tif"),
                                         QStringLiteral("tiff")};
    const qsizetype dot = fileName.lastIndexOf(QLatin1Char('.'));
    if (dot < 0) return false;
    const QStringView ext = QStringView(fileName).mid(dot + 1);
    for (const auto& e : kExtensions)
        if (ext.compare(e, Qt::CaseInsensitive) == 0) return true;
    return false;
}

} // namespace exemplar
