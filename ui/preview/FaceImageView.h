#pragma once
// The preview picture with its face boxes: the chosen box solid, the others dashed (click one to
// choose it), curator boxes in their own colour; dragging draws a new box (the curator's). "Crop"
// shows only the chosen face's square, as training sees it. Boxes are in the catalogued image's
// pixels; the shown image may be a scaled-down decode or the thumbnail meanwhile.
#include "core/catalogue/FaceStore.h"

#include <QImage>
#include <QWidget>

namespace exemplar::ui {

class FaceImageView : public QWidget {
    Q_OBJECT
public:
    explicit FaceImageView(QWidget* parent = nullptr);

    // `fullSize`: the catalogued width x height that the boxes refer to.
    void setImage(const QImage& image, const QSize& fullSize);
    void setBoxes(const QVector<FaceBox>& boxes);
    void setPlaceholder(const QString& text);
    void setCropped(bool cropped);
    bool isCropped() const { return cropped_; }
    const QVector<FaceBox>& boxes() const { return boxes_; }

    // Where an image-pixel point is drawn in the widget (tests, and to place mouse events).
    QPointF toWidget(const QPointF& imagePoint) const;
    QPointF toImage(const QPointF& widgetPoint) const;

Q_SIGNALS:
    void boxClicked(qint64 boxId);
    void boxDrawn(const QRect& imageRect);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRectF sourceRect() const; // the part of the image shown, in image pixels
    QRectF targetRect() const; // where it is drawn
    std::optional<FaceBox> chosen() const;

    QImage image_;
    QSize fullSize_;
    QVector<FaceBox> boxes_;
    QString placeholder_;
    bool cropped_ = false;
    bool dragging_ = false;
    QPointF dragStart_, dragNow_; // widget coordinates
};

} // namespace exemplar::ui
