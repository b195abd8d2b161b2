// Header probing (bomb check before decoding), truncation checks, reduced-size thumbnails and the
// content hash, on images generated here with OpenCV.
#include "core/imaging/ContentHash.h"
#include "core/imaging/ImageProbe.h"
#include "core/imaging/ThumbnailMaker.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>
#include <opencv2/imgcodecs.hpp>

using namespace exemplar;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

QByteArray be32(quint32 v)
{
    QByteArray b(4, '\0');
    qToBigEndian(v, b.data());
    return b;
}

// A PNG whose IHDR claims width x height, followed by junk instead of pixel data.
QByteArray pngHeaderClaiming(quint32 width, quint32 height)
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png += be32(13) + QByteArray("IHDR") + be32(width) + be32(height) + QByteArray("\x08\x02\x00\x00\x00", 5) + be32(0);
    png += QByteArray(200, 'x');
    return png;
}

// A JPEG whose frame header claims width x height.
QByteArray jpegHeaderClaiming(quint16 width, quint16 height)
{
    QByteArray jpeg("\xFF\xD8", 2);
    jpeg += QByteArray("\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
    jpeg += QByteArray("\xFF\xC0\x00\x11\x08", 5);
    jpeg += char(height >> 8);
    jpeg += char(height & 0xFF);
    jpeg += char(width >> 8);
    jpeg += char(width & 0xFF);
    jpeg += QByteArray("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
    jpeg += QByteArray(300, '\x11');
    return jpeg;
}

} // namespace

class TestImaging : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void probeReadsEveryFormat_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("format");
        QTest::newRow("jpg") << "jpg" << int(ImageFormat::Jpeg);
        QTest::newRow("png") << "png" << int(ImageFormat::Png);
        QTest::newRow("bmp") << "bmp" << int(ImageFormat::Bmp);
        QTest::newRow("webp") << "webp" << int(ImageFormat::Webp);
        QTest::newRow("tiff") << "tiff" << int(ImageFormat::Tiff);
    }
    void probeReadsEveryFormat()
    {
        QFETCH(QString, extension);
        QFETCH(int, format);
        if (!cv::haveImageWriter(("x." + extension).toStdString())) QSKIP("OpenCV cannot write this format here");
        QTemporaryDir dir;
        const QString path = dir.filePath("a." + extension);
        test::writeSyntheticImage(path, 123, 77, 1);
        QString problem;
        const auto header = probeImage(readAll(path), &problem);
        QVERIFY2(header, qPrintable(problem));
        QCOMPARE(int(header->format), format);
        QCOMPARE(header->width, 123);
        QCOMPARE(header->height, 77);
        // The thumbnail of every format decodes and keeps the aspect ratio.
        const auto thumb = makeThumbnail(readAll(path), *header, 64, &problem);
        QVERIFY2(thumb, qPrintable(problem));
        QCOMPARE(thumb->width, 64);
        QCOMPARE(thumb->height, 40);
    }

    void probeRefusesNonImages()
    {
        QString problem;
        QVERIFY(!probeImage(QByteArray("hello, I am a text file\n"), &problem));
        QVERIFY2(problem.contains("not an image"), qPrintable(problem));
        QVERIFY(!probeImage(QByteArray(), &problem));
        QVERIFY2(problem.contains("empty"), qPrintable(problem));
        // A JPEG signature with nothing after it has no frame header.
        QVERIFY(!probeImage(QByteArray("\xFF\xD8\xFF", 3), &problem));
        QVERIFY2(problem.contains("JPEG"), qPrintable(problem));
    }

    void probeReadsBombHeadersWithoutDecoding()
    {
        auto png = probeImage(pngHeaderClaiming(50000, 50000));
        QVERIFY(png);
        QCOMPARE(png->format, ImageFormat::Png);
        QCOMPARE(png->pixels(), qint64(50000) * 50000);
        auto jpeg = probeImage(jpegHeaderClaiming(50000, 50000));
        QVERIFY(jpeg);
        QCOMPARE(jpeg->format, ImageFormat::Jpeg);
        QCOMPARE(jpeg->width, 50000);
        QCOMPARE(jpeg->height, 50000);
    }

    void truncatedJpegAndPngAreDetected()
    {
        QTemporaryDir dir;
        test::writeSyntheticImage(dir.filePath("a.jpg"), 200, 150, 2);
        test::writeSyntheticImage(dir.filePath("a.png"), 200, 150, 2);
        const QByteArray jpeg = readAll(dir.filePath("a.jpg"));
        const QByteArray png = readAll(dir.filePath("a.png"));
        QVERIFY(jpegIsComplete(jpeg));
        QVERIFY(!jpegIsComplete(jpeg.left(jpeg.size() / 2)));
        QVERIFY(!jpegIsComplete(jpeg.left(jpeg.size() - 2))); // only the end marker missing
        QVERIFY(jpegIsComplete(jpeg + QByteArray(100, '\0'))); // padding after the end is fine
        QVERIFY(pngIsComplete(png));
        QVERIFY(!pngIsComplete(png.left(png.size() / 2)));
        // The header is still readable from the first bytes of a truncated file.
        QVERIFY(probeImage(jpeg.left(jpeg.size() / 2)));
    }

    void reducedDecodeFactorStaysAboveThumbnailSize()
    {
        QCOMPARE(reducedDecodeFactor(350, 350, 160), 2);
        QCOMPARE(reducedDecodeFactor(319, 1000, 160), 1);
        QCOMPARE(reducedDecodeFactor(640, 640, 160), 4);
        QCOMPARE(reducedDecodeFactor(2000, 1500, 160), 8);
        QCOMPARE(reducedDecodeFactor(8000, 6000, 160), 8); // libjpeg scales at most 1/8
        QCOMPARE(reducedDecodeFactor(100, 100, 160), 1);
    }

    void thumbnailHasTheRightSize()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("wide.jpg");
        test::writeSyntheticImage(path, 1000, 500, 3);
        const QByteArray bytes = readAll(path);
        const auto header = probeImage(bytes);
        QVERIFY(header);
        const auto thumb = makeThumbnail(bytes, *header, kThumbnailMaxSide);
        QVERIFY(thumb);
        QCOMPARE(thumb->width, kThumbnailMaxSide);
        QCOMPARE(thumb->height, kThumbnailMaxSide / 2);
        const cv::Mat decoded = cv::imdecode(std::vector<uchar>(thumb->jpeg.begin(), thumb->jpeg.end()), cv::IMREAD_COLOR);
        QCOMPARE(decoded.cols, kThumbnailMaxSide);
        QCOMPARE(decoded.rows, kThumbnailMaxSide / 2);

        // Small images are not enlarged.
        test::writeSyntheticImage(dir.filePath("small.png"), 90, 60, 4);
        const QByteArray small = readAll(dir.filePath("small.png"));
        const auto smallThumb = makeThumbnail(small, *probeImage(small), kThumbnailMaxSide);
        QVERIFY(smallThumb);
        QCOMPARE(smallThumb->width, 90);
        QCOMPARE(smallThumb->height, 60);
    }

    void thumbnailOfCorruptDataFails()
    {
        const QByteArray bytes = jpegHeaderClaiming(300, 200);
        QString problem;
        QVERIFY(!makeThumbnail(bytes, *probeImage(bytes), kThumbnailMaxSide, &problem));
        QVERIFY2(problem.contains("cannot decode"), qPrintable(problem));
    }

    void contentHashIsSha256Hex()
    {
        QCOMPARE(contentHashHex(QByteArray("abc")),
                 QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QTemporaryDir dir;
        test::writeTextFile(dir.filePath("f.bin"), "abc");
        QCOMPARE(fileContentHashHex(dir.filePath("f.bin")), contentHashHex(QByteArray("abc")));
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, fileContentHashHex(dir.filePath("missing.bin")));
    }

    void imageExtensions()
    {
        for (const char* name : {"a.jpg", "b.JPEG", "c.png", "d.Bmp", "e.webp", "f.tif", "g.TIFF"})
            QVERIFY2(hasImageExtension(QString::fromLatin1(name)), name);
        for (const char* name : {"labels.csv", "notes.txt", "jpg", "archive.jpg.zip"})
            QVERIFY2(!hasImageExtension(QString::fromLatin1(name)), name);
    }
};

QTEST_GUILESS_MAIN(TestImaging)
#include "test_imaging.moc"
