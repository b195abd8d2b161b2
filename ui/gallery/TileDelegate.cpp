#include "ui/gallery/TileDelegate.h"

#include "ui/ClassColors.h"
#include "ui/gallery/GalleryModel.h"

#include <QPainter>
#include <QPainterPath>
#include <QtMath>

namespace exemplar::ui {

namespace {

constexpr int kPad = 5;

QPainterPath starPath(QPointF centre, double outer)
{
    QPainterPath path;
    const double inner = outer * 0.45;
    for (int i = 0; i < 10; ++i) {
        const double r = (i % 2) ? inner : outer;
        const double a = -M_PI / 2 + i * M_PI / 5;
        const QPointF p(centre.x() + r * std::cos(a), centre.y() + r * std::sin(a));
        i ? path.lineTo(p) : path.moveTo(p);
    }
    path.closeSubpath();
    return path;
}

} // namespace

TileDelegate::TileDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QSize TileDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const int line = option.fontMetrics.height();
    return {side_ + 2 * kPad, side_ + 2 * kPad + 2 * line + 2};
}

void TileDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    const QRect tile = option.rect.adjusted(1, 1, -1, -1);
    const bool selected = option.state & QStyle::State_Selected;
    const bool current = option.state & QStyle::State_HasFocus;
    const QPalette& pal = option.palette;

    p->setPen(Qt::NoPen);
    p->setBrush(selected ? pal.color(QPalette::Highlight).lighter(170) : pal.color(QPalette::Base));
    p->drawRoundedRect(tile, 6, 6);

    const QRect thumbBox(tile.left() + kPad - 1, tile.top() + kPad - 1, side_, side_);
    // Asked for in device pixels, so a high-density screen or a zoomed tile gets a picture with as
    // many pixels as the tile shows, not an enlarged thumbnail.
    const qreal dpr = p->device() ? p->device()->devicePixelRatioF() : 1.0;
    const auto* gallery = qobject_cast<const GalleryModel*>(index.model());
    const QImage img = gallery ? gallery->thumbnail(index, qCeil(side_ * dpr))
                               : index.data(GalleryModel::ThumbnailRole).value<QImage>();
    if (!img.isNull()) {
        const QSize fitted = img.size().scaled(thumbBox.size(), Qt::KeepAspectRatio);
        const QRect target(thumbBox.center().x() - fitted.width() / 2 + 1, thumbBox.center().y() - fitted.height() / 2 + 1,
                           fitted.width(), fitted.height());
        p->setRenderHint(QPainter::SmoothPixmapTransform, qRound(fitted.width() * dpr) != img.width());
        p->drawImage(target, img);
    } else {
        p->setBrush(pal.color(QPalette::AlternateBase));
        p->drawRect(thumbBox);
    }

    QFont small = option.font;
    small.setPointSizeF(std::max(7.0, option.font.pointSizeF() * 0.85));
    const QFontMetrics sfm(small);

    const QVariant labelVar = index.data(GalleryModel::ActiveLabelRole);
    if (labelVar.isValid()) {
        const TileLabel label = labelVar.value<TileLabel>();
        if (label.classPosition >= 0) {
            const QColor colour = label.colour;
            QFont chipFont = small;
            chipFont.setBold(true);
            const QFontMetrics cfm(chipFont);
            const QString text = cfm.elidedText(label.className, Qt::ElideRight, side_ - 30);
            const QRect chip(thumbBox.left() + 4, thumbBox.top() + 4, cfm.horizontalAdvance(text) + 12, cfm.height() + 4);
            const bool curator = label.provenance != Provenance::Imported;
            p->setPen(curator ? QPen(colour.darker(130), 1) : QPen(colour, 2));
            p->setBrush(curator ? colour : QColor(255, 255, 255, 225));
            p->drawRoundedRect(chip, chip.height() / 2.0, chip.height() / 2.0);
            p->setFont(chipFont);
            p->setPen(curator ? textColorOn(colour) : colour.darker(175));
            p->drawText(chip, Qt::AlignCenter, text);
        }
        if (label.exemplar) {
            const double r = std::max(7.0, side_ / 11.0);
            const QPainterPath star = starPath(QPointF(thumbBox.right() - r - 3, thumbBox.top() + r + 4), r);
            p->setPen(QPen(QColor(120, 80, 0), 1.2));
            p->setBrush(QColor(255, 196, 0));
            p->drawPath(star);
        }
    }

    const QRect text1(tile.left() + kPad, thumbBox.bottom() + 3, tile.width() - 2 * kPad, option.fontMetrics.height());
    p->setFont(option.font);
    p->setPen(pal.color(QPalette::Text));
    p->drawText(text1, Qt::AlignLeft | Qt::AlignVCenter,
                option.fontMetrics.elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideMiddle, text1.width()));
    const QString others = index.data(GalleryModel::OtherLabelsRole).toString();
    if (!others.isEmpty()) {
        const QRect text2(text1.left(), text1.bottom() + 1, text1.width(), sfm.height());
        p->setFont(small);
        p->setPen(pal.color(QPalette::PlaceholderText));
        p->drawText(text2, Qt::AlignLeft | Qt::AlignVCenter, sfm.elidedText(others, Qt::ElideRight, text2.width()));
    }

    if (selected || current) {
        p->setBrush(Qt::NoBrush);
        p->setPen(QPen(pal.color(QPalette::Highlight), current ? 3 : 2));
        p->drawRoundedRect(tile.adjusted(1, 1, -1, -1), 6, 6);
    }
    p->restore();
}

} // namespace exemplar::ui
