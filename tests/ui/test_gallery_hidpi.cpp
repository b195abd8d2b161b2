// Sharp tiles on a high-density screen and when zoomed in: the whole test runs with
// QT_SCALE_FACTOR=2, and a tile whose device pixels exceed the stored thumbnail must be drawn from
// the original image decoded at the tile's device size, not from an enlarged thumbnail.
#include "UiTestSupport.h"

#include <QApplication>
#include <QFile>
#include <QWheelEvent>

using namespace exemplar;
using namespace exemplar::test;

namespace {

// Faces with image files larger than any tile (the stored thumbnails stay at kThumbnailMaxSide).
QString makeCatalogue(const QTemporaryDir& dir, int images)
{
    const QString path = dir.filePath(QStringLiteral("hidpi.exemplar"));
    ui::DemoOptions opts;
    opts.images = images;
    opts.imageSide = 640;
    opts.writeImageFiles = true;
    opts.seed = 3;
    ui::generateDemoCatalogue(path, opts);
    return path;
}

// Mean absolute difference of two same-sized images, over the RGB channels.
double meanDifference(const QImage& a, const QImage& b)
{
    const QImage x = a.convertToFormat(QImage::Format_RGB32), y = b.convertToFormat(QImage::Format_RGB32);
    double sum = 0;
    for (int r = 0; r < x.height(); ++r) {
        const QRgb* p = reinterpret_cast<const QRgb*>(x.constScanLine(r));
        const QRgb* q = reinterpret_cast<const QRgb*>(y.constScanLine(r));
        for (int c = 0; c < x.width(); ++c)
            sum += std::abs(qRed(p[c]) - qRed(q[c])) + std::abs(qGreen(p[c]) - qGreen(q[c])) + std::abs(qBlue(p[c]) - qBlue(q[c]));
    }
    return sum / (3.0 * x.width() * x.height());
}

void zoomOnce(ui::GalleryView* gallery, int direction)
{
    QWheelEvent wheel(QPointF(40, 40), gallery->viewport()->mapToGlobal(QPointF(40, 40)), QPoint(), QPoint(0, 120 * direction),
                      Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(gallery->viewport(), &wheel);
}

} // namespace

class GalleryHiDpiTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void largeTilesOnADensityTwoScreenGetOriginalPixels()
    {
        QTemporaryDir dir;
        StudioFixture f(makeCatalogue(dir, 12));
        QCOMPARE(f.gallery()->devicePixelRatioF(), 2.0);
        f.gallery()->setTileSize(256);
        const qint64 id = f.model()->imageIdAt(0);
        // Only the tile's painting asks for 512 px: the delegate knows the screen's pixel ratio.
        QTRY_VERIFY_WITH_TIMEOUT(!f.model()->cachedSharp(id, 512).isNull(), 10000);
        const QImage sharp = f.model()->cachedSharp(id, 512);
        QCOMPARE(sharp.size(), QSize(512, 512));
        QCOMPARE(f.model()->thumbnail(f.model()->index(0), 512).size(), QSize(512, 512));

        // What reaches the screen is that picture at one image pixel per device pixel.
        QTRY_COMPARE_WITH_TIMEOUT(f.model()->pendingThumbnails(), 0, 10000);
        f.gallery()->viewport()->repaint();
        const QImage shot = f.gallery()->viewport()->grab().toImage();
        QCOMPARE(shot.devicePixelRatio(), 2.0);
        const QRect tile = f.gallery()->visualRect(f.model()->index(0));
        // TileDelegate: the picture box starts 4 px inside the item's rect (1 px margin + 5 px pad,
        // then centred with +1).
        const QRect box((tile.left() + 5) * 2, (tile.top() + 5) * 2, 512, 512);
        const QImage drawn = shot.copy(box.adjusted(40, 40, -40, -40)); // inside, clear of chip and star
        QImage thumb;
        QVERIFY(thumb.loadFromData(f.reopen().thumbnail(id), "JPG"));
        const QImage enlarged = thumb.scaled(512, 512, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const double toSharp = meanDifference(drawn, sharp.copy(QRect(40, 40, 432, 432)));
        const double toEnlarged = meanDifference(drawn, enlarged.copy(QRect(40, 40, 432, 432)));
        QVERIFY2(toSharp < toEnlarged * 0.7, qPrintable(QStringLiteral("drawn vs original %1, vs enlarged thumbnail %2")
                                                            .arg(toSharp)
                                                            .arg(toEnlarged)));
    }

    void zoomingDecodesAgainAtTheNewSize()
    {
        QTemporaryDir dir;
        StudioFixture f(makeCatalogue(dir, 12));
        f.gallery()->setTileSize(128); // 256 device pixels
        const qint64 id = f.model()->imageIdAt(0);
        QTRY_VERIFY_WITH_TIMEOUT(!f.model()->cachedSharp(id, 256).isNull(), 10000);
        QCOMPARE(f.model()->cachedSharp(id, 256).size(), QSize(256, 256));
        QVERIFY(f.model()->cachedSharp(id, 320).isNull());

        zoomOnce(f.gallery(), +1);
        zoomOnce(f.gallery(), +1); // 160 px tiles: 320 device pixels
        QCOMPARE(f.gallery()->tileSize(), 160);
        QTRY_VERIFY_WITH_TIMEOUT(!f.model()->cachedSharp(id, 320).isNull(), 10000);
        QCOMPARE(f.model()->cachedSharp(id, 320).size(), QSize(320, 320));

        // Small tiles use the stored thumbnail: it already has more pixels than they show.
        f.gallery()->setTileSize(64);
        QCOMPARE(f.model()->thumbnail(f.model()->index(0), 128).size(), QSize(kThumbnailMaxSide, kThumbnailMaxSide));
    }

    void missingOriginalsFallBackToTheThumbnail()
    {
        QTemporaryDir dir;
        const QString path = makeCatalogue(dir, 6);
        for (const ImageRecord& r : Catalogue::open(path).allImages())
            QVERIFY(QFile::remove(r.absolutePath));
        StudioFixture f(path);
        f.gallery()->setTileSize(256);
        QTRY_VERIFY_WITH_TIMEOUT(!f.model()->thumbnail(f.model()->index(0), 512).isNull(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(f.model()->pendingThumbnails(), 0, 10000);
        f.gallery()->viewport()->repaint(); // painting again asks for nothing more
        QCOMPARE(f.model()->pendingThumbnails(), 0);
        QCOMPARE(f.model()->cachedSharpImages(), 0);
        QCOMPARE(f.model()->thumbnail(f.model()->index(0), 512).size(), QSize(kThumbnailMaxSide, kThumbnailMaxSide));
    }
};

int main(int argc, char** argv)
{
    // Before the application exists, as a user's environment would set it.
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication app(argc, argv);
    GalleryHiDpiTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_gallery_hidpi.moc"
