#include "ui/HelpOverlay.h"

#include <QEvent>
#include <QKeyEvent>
#include <QPainter>

namespace exemplar::ui {

QVector<ShortcutHelp> studioShortcuts()
{
    return {
        {QStringLiteral("1 … 9"), QObject::tr("Set the class of the selected faces (n-th class of the active task)")},
        {QStringLiteral("0"), QObject::tr("Clear the class of the selected faces")},
        {QStringLiteral("E"), QObject::tr("Toggle the exemplar star")},
        {QStringLiteral("← → ↑ ↓  PgUp PgDn  Home End"), QObject::tr("Move through the gallery")},
        {QStringLiteral("Shift/Ctrl + click, Ctrl+A"), QObject::tr("Select several faces for batch labelling")},
        {QStringLiteral("Ctrl+Z"), QObject::tr("Undo the last label change (survives restarts)")},
        {QStringLiteral("Ctrl+Shift+Z, Ctrl+Y"), QObject::tr("Redo")},
        {QStringLiteral("Ctrl+F"), QObject::tr("Search file names")},
        {QStringLiteral("Ctrl + wheel, Ctrl +/−"), QObject::tr("Zoom the thumbnails")},
        {QStringLiteral("Ctrl+O / Ctrl+N / Ctrl+I"), QObject::tr("Open / new catalogue / import photos")},
        {QStringLiteral("Ctrl+T"), QObject::tr("Edit tasks and classes")},
        {QStringLiteral("Click a bar"), QObject::tr("Show only that class in the gallery")},
        {QStringLiteral("F1  or  ?"), QObject::tr("Show this help")},
    };
}

HelpOverlay::HelpOverlay(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("helpOverlay"));
    setFocusPolicy(Qt::StrongFocus);
    parent->installEventFilter(this);
    hide();
}

void HelpOverlay::showOver()
{
    setGeometry(parentWidget()->rect());
    raise();
    show();
    setFocus();
}

bool HelpOverlay::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void HelpOverlay::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), QColor(20, 24, 30, 170));

    const QVector<ShortcutHelp> rows = studioShortcuts();
    QFont keyFont = font();
    keyFont.setBold(true);
    QFont titleFont = font();
    titleFont.setPointSizeF(font().pointSizeF() * 1.5);
    titleFont.setBold(true);
    const QFontMetrics fm(font());
    const int rowH = fm.height() + 10;
    const int keyW = 260;
    const int w = std::min(width() - 40, 760);
    const int h = 70 + rows.size() * rowH + 40;
    const QRect card((width() - w) / 2, std::max(20, (height() - h) / 2), w, h);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(250, 250, 252));
    p.drawRoundedRect(card, 10, 10);

    p.setPen(QColor(30, 30, 30));
    p.setFont(titleFont);
    p.drawText(card.adjusted(24, 18, -24, 0), Qt::AlignLeft | Qt::AlignTop, tr("Keyboard shortcuts"));
    int y = card.top() + 64;
    for (const ShortcutHelp& r : rows) {
        const QRect keyRect(card.left() + 24, y, keyW, rowH - 4);
        p.setFont(keyFont);
        p.setPen(QColor(40, 80, 140));
        p.drawText(keyRect, Qt::AlignLeft | Qt::AlignVCenter, r.keys);
        p.setFont(font());
        p.setPen(QColor(40, 40, 40));
        p.drawText(QRect(keyRect.right() + 12, y, card.right() - keyRect.right() - 36, rowH - 4),
                   Qt::AlignLeft | Qt::AlignVCenter, r.action);
        y += rowH;
    }
    p.setPen(QColor(120, 120, 120));
    p.drawText(QRect(card.left(), card.bottom() - 34, card.width(), 24), Qt::AlignCenter,
               tr("Press any key or click to close"));
}

void HelpOverlay::mousePressEvent(QMouseEvent*) { hide(); }

void HelpOverlay::keyPressEvent(QKeyEvent* event)
{
    event->accept();
    hide();
}

} // namespace exemplar::ui
