#include "ui/ElidedLabel.h"

#include <QPainter>
#include <QStyle>
#include <QStyleOption>

namespace exemplar::ui {

ElidedLabel::ElidedLabel(QWidget* parent) : QLabel(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void ElidedLabel::setText(const QString& text)
{
    text_ = text;
    QLabel::setText(text);
    setToolTip(text);
    updateGeometry();
    update();
}

QSize ElidedLabel::minimumSizeHint() const
{
    // Room for a few characters and the ellipsis: the label stays readable as a hint.
    const QFontMetrics fm = fontMetrics();
    const int w = text_.isEmpty() ? 0 : std::min(fm.horizontalAdvance(text_), fm.horizontalAdvance(QStringLiteral("0000…")));
    return {w + 2 * margin(), QLabel::minimumSizeHint().height()};
}

QSize ElidedLabel::sizeHint() const
{
    return {fontMetrics().horizontalAdvance(text_) + 2 * margin() + 4, QLabel::sizeHint().height()};
}

void ElidedLabel::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QRect r = contentsRect().adjusted(margin(), margin(), -margin(), -margin());
    p.setPen(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, foregroundRole()));
    p.drawText(r, Qt::AlignVCenter | (alignment() & Qt::AlignHorizontal_Mask),
               fontMetrics().elidedText(text_, Qt::ElideRight, r.width()));
}

} // namespace exemplar::ui
