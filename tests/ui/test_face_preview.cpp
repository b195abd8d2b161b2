// The preview's face boxes: status text, choosing one of several faces by clicking it, drawing a
// box with the mouse, the face-crop toggle. Boxes are written into the generated catalogue with
// FaceStore (the detector itself is tested in tests/core/test_face_detection).
#include "UiTestSupport.h"
#include "core/catalogue/FaceStore.h"
#include "ui/preview/FaceImageView.h"
#include "ui/preview/PreviewPanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QMouseEvent>

using namespace exemplar;
using namespace exemplar::test;

namespace {
FaceBox box(int x, int y, int w, int h, double confidence)
{
    FaceBox b;
    b.box = QRect(x, y, w, h);
    b.confidence = confidence;
    return b;
}
} // namespace

class FacePreviewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsStatusChoosesAndDrawsBoxes()
    {
        StudioFixture f(12);
        const qint64 several = f.model()->imageIdAt(0), none = f.model()->imageIdAt(1);
        {
            Catalogue c = f.reopen();
            const auto rec = c.image(several);
            QVERIFY(rec && rec->width >= 64);
            const int w = rec->width, h = rec->height;
            FaceStore(c).recordDetections({{several, "several", "test", {box(2, 2, w / 2 - 4, h / 2 - 4, 0.9),
                                                                        box(w / 2 + 2, h / 2 + 2, w / 2 - 4, h / 2 - 4, 0.6)}},
                                           {none, "none", "test", {}}});
        }
        // The fixture opened on the first face: move away and back so the preview reads the boxes
        // recorded above through another connection.
        f.gallery()->selectRow(1);
        f.gallery()->selectRow(0);
        ui::PreviewPanel* preview = f.view()->preview();
        QCOMPARE(preview->imageId(), several);
        QVERIFY2(preview->faceStatusText().contains("2 faces"), qPrintable(preview->faceStatusText()));
        ui::FaceImageView* view = preview->faceView();
        QTRY_COMPARE(view->boxes().size(), 2);
        QVERIFY(view->boxes()[0].chosen);

        // Click inside the second (dashed) box: it becomes the chosen face, in the catalogue too.
        const FaceBox second = view->boxes()[1];
        const QPoint inSecond = view->toWidget(QRectF(second.box).center()).toPoint();
        QTest::mouseClick(view, Qt::LeftButton, {}, inSecond);
        QCOMPARE(FaceStore(f.reopen()).chosenBox(several)->id, second.id);
        QVERIFY(view->boxes()[0].chosen && view->boxes()[0].id == second.id);

        // Crop: the view now shows only the chosen face's square.
        preview->setFaceCropped(true);
        QVERIFY(view->isCropped());
        const QPointF centre = view->toWidget(QRectF(second.box).center());
        QVERIFY(std::abs(centre.x() - view->width() / 2.0) < 3 && std::abs(centre.y() - view->height() / 2.0) < 3);
        preview->setFaceCropped(false);

        // The flagged image: status says so; a drag draws the curator's box in image pixels.
        f.gallery()->selectRow(1);
        QCOMPARE(preview->imageId(), none);
        QVERIFY2(preview->faceStatusText().contains("No face"), qPrintable(preview->faceStatusText()));
        const auto rec = f.reopen().image(none);
        const QPoint from = view->toWidget(QPointF(rec->width * 0.25, rec->height * 0.2)).toPoint();
        const QPoint to = view->toWidget(QPointF(rec->width * 0.75, rec->height * 0.8)).toPoint();
        QTest::mousePress(view, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), view->mapToGlobal(QPointF(to)), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(view, &move);
        QTest::mouseRelease(view, Qt::LeftButton, {}, to);
        const auto drawn = FaceStore(f.reopen()).chosenBox(none);
        QVERIFY(drawn && drawn->curator);
        const double tolerance = 0.05 * rec->width + 2;
        QVERIFY2(std::abs(drawn->box.x() - rec->width * 0.25) < tolerance && std::abs(drawn->box.right() - rec->width * 0.75) < tolerance,
                 qPrintable(QString("drawn %1,%2 %3x%4 on %5x%6").arg(drawn->box.x()).arg(drawn->box.y())
                                .arg(drawn->box.width()).arg(drawn->box.height()).arg(rec->width).arg(rec->height)));
        QVERIFY2(preview->faceStatusText().contains("by hand"), qPrintable(preview->faceStatusText()));
    }
};

QTEST_MAIN(FacePreviewTest)
#include "test_face_preview.moc"
