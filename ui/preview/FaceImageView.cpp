#include "ui/preview/FaceImageView.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace exemplar::ui {

namespace {
const QColor kChosen(70, 220, 90);
const QColor kOther(250, 200, 60);
const QColor kCurator(80, 170, 255);
constexpr double kMinDrag = 6; // pixels: a shorter drag is a click
} // namespace

FaceImageView::FaceImageView(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("faceImageView"));
    setMinimumSize(120, 120);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Drag to draw the face box; click a dashed box to choose that face"));
}

void FaceImageView::setImage(const QImage& image, const QSize& fullSize)
{
    image_ = image;
    fullSize_ = fullSize.isValid() && !fullSize.isEmpty() ? fullSize : image.size();
    update();
}

void FaceImageView::setBoxes(const QVector<FaceBox>& boxes)
{
    boxes_ = boxes;
    update();
}

void FaceImageView::setPlaceholder(const QString& text)
{
    placeholder_ = text;
    update();
}

void FaceImageView::setCropped(bool cropped)
{
    cropped_ = cropped;
    update();
}

std::optional<FaceBox> FaceImageView::chosen() const
{
    for (const FaceBox& b : boxes_)
        if (b.chosen) return b;
    return std::nullopt;
}

QRectF FaceImageView::sourceRect() const
{
    const QRectF whole(QPointF(0, 0), QSizeF(fullSize_));
    const auto c = chosen();
    if (!cropped_ || !c) return whole;
    // The square training uses (FaceAligner's squareAround), which may reach past the image.
    const double side = std::max(c->box.width(), c->box.height());
    const QPointF centre = QRectF(c->box).center();
    return QRectF(centre.x() - side / 2, centre.y() - side / 2, side, side);
}

QRectF FaceImageView::targetRect() const
{
    const QRectF src = sourceRect();
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -4);
    if (src.isEmpty() || area.isEmpty()) return {};
    const double s = std::min(area.width() / src.width(), area.height() / src.height());
    const QSizeF size(src.width() * s, src.height() * s);
    return QRectF(area.center() - QPointF(size.width() / 2, size.height() / 2), size);
}

QPointF FaceImageView::toWidget(const QPointF& p) const
{
    const QRectF src = sourceRect(), dst = targetRect();
    if (src.isEmpty()) return {};
    return dst.topLeft() + QPointF((p.x() - src.x()) * dst.width() / src.width(), (p.y() - src.y()) * dst.height() / src.height());
}

QPointF FaceImageView::toImage(const QPointF& p) const
{
    const QRectF src = sourceRect(), dst = targetRect();
    if (dst.isEmpty()) return {};
    return src.topLeft() + QPointF((p.x() - dst.x()) * src.width() / dst.width(), (p.y() - dst.y()) * src.height() / dst.height());
}

void FaceImageView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Dark));
    if (image_.isNull()) {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(rect(), Qt::AlignCenter, placeholder_);
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.setRenderHint(QPainter::Antialiasing);
    // The decoded image may be smaller than the catalogued size: scale the source rect to it.
    const double sx = double(image_.width()) / fullSize_.width(), sy = double(image_.height()) / fullSize_.height();
    const QRectF src = sourceRect();
    const QRectF dst = targetRect();
    p.save();
    p.setClipRect(dst);
    p.drawImage(dst, image_, QRectF(src.x() * sx, src.y() * sy, src.width() * sx, src.height() * sy));
    p.restore();

    for (const FaceBox& b : boxes_) {
        const QRectF r(toWidget(b.box.topLeft()), toWidget(QPointF(b.box.x() + b.box.width(), b.box.y() + b.box.height())));
        const QColor colour = b.curator ? kCurator : b.chosen ? kChosen : kOther;
        p.setPen(QPen(colour, b.chosen ? 2.5 : 1.5, b.chosen ? Qt::SolidLine : Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRect(r);
        if (b.leftEye && b.rightEye) {
            p.setBrush(colour);
            for (const QPointF& e : {*b.leftEye, *b.rightEye}) p.drawEllipse(toWidget(e), 2.5, 2.5);
        }
    }
    if (dragging_) {
        p.setPen(QPen(kCurator, 2, Qt::DashDotLine));
        p.setBrush(QColor(80, 170, 255, 40));
        p.drawRect(QRectF(dragStart_, dragNow_).normalized());
    }
}

void FaceImageView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || image_.isNull()) return;
    dragging_ = true;
    dragStart_ = dragNow_ = event->position();
}

void FaceImageView::mouseMoveEvent(QMouseEvent* event)
{
    if (!dragging_) return;
    dragNow_ = event->position();
    update();
}

void FaceImageView::mouseReleaseEvent(QMouseEvent* event)
{
    if (!dragging_ || event->button() != Qt::LeftButton) return;
    dragging_ = false;
    dragNow_ = event->position();
    update();
    const QPointF delta = dragNow_ - dragStart_;
    if (std::abs(delta.x()) < kMinDrag && std::abs(delta.y()) < kMinDrag) {
        // A click: the smallest box under it (boxes can nest), chosen or not.
        const QPointF at = toImage(dragNow_);
        const FaceBox* hit = nullptr;
        for (const FaceBox& b : boxes_)
            if (QRectF(b.box).contains(at) && (!hit || b.box.width() * b.box.height() < hit->box.width() * hit->box.height()))
                hit = &b;
        if (hit && !hit->chosen) Q_EMIT boxClicked(hit->id);
        return;
    }
    const QRectF bounds(QPointF(0, 0), QSizeF(fullSize_));
    const QRectF drawn = QRectF(toImage(dragStart_), toImage(dragNow_)).normalized() & bounds;
    if (drawn.width() >= 4 && drawn.height() >= 4) Q_EMIT boxDrawn(drawn.toRect());
}

} // namespace exemplar::ui
