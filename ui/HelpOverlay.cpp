#include "ui/HelpOverlay.h"

#include <QAction>
#include <QEvent>
#include <QKeyEvent>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QSet>

namespace exemplar::ui {

QVector<ShortcutHelp> widgetShortcuts()
{
    const QString labelling = QObject::tr("Labelling (gallery)");
    const QString gallery = QObject::tr("Gallery");
    return {
        {QStringLiteral("1 … 9"), QObject::tr("Set the class of the selected faces (n-th class of the active task)"), labelling},
        {QStringLiteral("0"), QObject::tr("Clear the class of the selected faces"), labelling},
        {QStringLiteral("E"), QObject::tr("Toggle the exemplar star"), labelling},
        {QStringLiteral("← → ↑ ↓  PgUp PgDn  Home End"), QObject::tr("Move through the gallery"), gallery},
        {QStringLiteral("U / Shift+U"), QObject::tr("Next / previous shown face without a class (active task)"), gallery},
        {QStringLiteral("Alt+1 … Alt+9"), QObject::tr("Next shown face of the n-th class"), gallery},
        {QStringLiteral("Shift/Ctrl + click"), QObject::tr("Select several faces for batch labelling"), gallery},
        {QStringLiteral("Ctrl + wheel"), QObject::tr("Zoom the thumbnails"), gallery},
        {QStringLiteral("Click a bar"), QObject::tr("Show only that class in the gallery"), gallery},
        {QStringLiteral("?"), QObject::tr("Show this help"), QObject::tr("Help")},
    };
}

namespace {

// "&Open catalogue…" -> "Open catalogue": the overlay names the command, not its menu decoration.
QString plainText(const QAction* action)
{
    QString text = action->text();
    text.replace(QLatin1String("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    text = text.trimmed();
    if (text.endsWith(QStringLiteral("…")))
        text.chop(1);
    else if (text.endsWith(QLatin1String("...")))
        text.chop(3);
    return text.trimmed();
}

QString menuTitle(const QMenu* menu)
{
    QString title = menu->title();
    title.remove(QLatin1Char('&'));
    return title;
}

QString keysOf(const QAction* action)
{
    QStringList keys;
    for (const QKeySequence& k : action->shortcuts())
        if (!k.isEmpty())
            keys << k.toString(QKeySequence::NativeText);
    return keys.join(QStringLiteral(", "));
}

void collectMenu(const QMenu* menu, const QString& section, QVector<ShortcutHelp>& out, QSet<const QAction*>& seen)
{
    for (const QAction* action : menu->actions()) {
        if (action->isSeparator() || seen.contains(action))
            continue;
        seen.insert(action);
        if (const QMenu* sub = action->menu()) {
            collectMenu(sub, section, out, seen);
            continue;
        }
        const QString keys = keysOf(action);
        if (!keys.isEmpty())
            out.push_back({keys, plainText(action), section});
    }
}

} // namespace

QVector<ShortcutHelp> actionShortcuts(const QWidget* window)
{
    QVector<ShortcutHelp> out;
    QSet<const QAction*> seen;
    if (const auto* main = qobject_cast<const QMainWindow*>(window); main && main->menuWidget()) {
        for (const QAction* top : main->menuBar()->actions())
            if (const QMenu* menu = top->menu())
                collectMenu(menu, menuTitle(menu), out, seen);
    }
    for (const QAction* action : window->findChildren<QAction*>()) {
        if (seen.contains(action) || action->isSeparator())
            continue;
        seen.insert(action);
        const QString keys = keysOf(action);
        if (!keys.isEmpty())
            out.push_back({keys, plainText(action), QObject::tr("Other")});
    }
    return out;
}

QVector<ShortcutHelp> studioShortcuts(const QWidget* window)
{
    // One heading per section, in order of first appearance: the widget keys' "Help" row joins the
    // Help menu's.
    const QVector<ShortcutHelp> all = widgetShortcuts() + actionShortcuts(window);
    QStringList sections;
    for (const ShortcutHelp& r : all)
        if (!sections.contains(r.section))
            sections << r.section;
    QVector<ShortcutHelp> grouped;
    for (const QString& section : sections)
        for (const ShortcutHelp& r : all)
            if (r.section == section)
                grouped.push_back(r);
    return grouped;
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
    rows_ = studioShortcuts(parentWidget());
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

namespace {

// One line of the sheet: a section heading (row == nullptr) or a shortcut.
struct Line {
    QString heading;
    const ShortcutHelp* row = nullptr;
};

// Splits the lines into as few columns as fit `height`; a heading never ends a column.
QVector<QVector<Line>> flowIntoColumns(const QVector<Line>& lines, int lineHeight, int height)
{
    const int perColumn = std::max(2, height / lineHeight);
    QVector<QVector<Line>> columns(1);
    for (const Line& line : lines) {
        const int needed = line.row ? 1 : 2; // a heading needs its first row beside it
        if (!columns.back().isEmpty() && columns.back().size() + needed > perColumn)
            columns.push_back({});
        columns.back().push_back(line);
    }
    return columns;
}

} // namespace

void HelpOverlay::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), QColor(20, 24, 30, 170));

    QFont keyFont = font();
    keyFont.setBold(true);
    QFont titleFont = font();
    titleFont.setPointSizeF(font().pointSizeF() * 1.5);
    titleFont.setBold(true);
    const QFontMetrics fm(font());
    const QFontMetrics keyFm(keyFont);
    const int lineH = fm.height() + 8;
    const int titleH = 60;
    const int footerH = 40;

    QVector<Line> lines;
    QString section;
    for (const ShortcutHelp& r : rows_) {
        if (lines.isEmpty() || r.section != section)
            lines.push_back({r.section, nullptr});
        section = r.section;
        lines.push_back({{}, &r});
    }
    const int maxCardH = height() - 40;
    const QVector<QVector<Line>> columns = flowIntoColumns(lines, lineH, maxCardH - titleH - footerH);
    qsizetype tallest = 0;
    for (const auto& c : columns)
        tallest = std::max(tallest, c.size());

    const int columnW = std::clamp((width() - 40 - 48) / int(columns.size()), 260, 760);
    const int w = std::min(width() - 40, int(columns.size()) * columnW + 48);
    const int h = std::min(maxCardH, titleH + int(tallest) * lineH + footerH);
    const QRect card((width() - w) / 2, std::max(20, (height() - h) / 2), w, h);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(250, 250, 252));
    p.drawRoundedRect(card, 10, 10);

    p.setPen(QColor(30, 30, 30));
    p.setFont(titleFont);
    p.drawText(card.adjusted(24, 18, -24, 0), Qt::AlignLeft | Qt::AlignTop, tr("Keyboard shortcuts"));

    const int colW = (card.width() - 48) / int(columns.size());
    for (int c = 0; c < columns.size(); ++c) {
        const int left = card.left() + 24 + c * colW;
        int keyW = 0;
        for (const Line& l : columns[c])
            if (l.row)
                keyW = std::max(keyW, keyFm.horizontalAdvance(l.row->keys));
        keyW = std::min(keyW + 16, colW * 9 / 20);
        int y = card.top() + titleH;
        for (const Line& l : columns[c]) {
            if (y + lineH > card.bottom() - footerH + 8)
                break; // no room even in columns: the window is tiny
            if (!l.row) {
                p.setFont(keyFont);
                p.setPen(QColor(110, 110, 120));
                p.drawText(QRect(left, y, colW - 12, lineH), Qt::AlignLeft | Qt::AlignBottom, l.heading.toUpper());
            } else {
                p.setFont(keyFont);
                p.setPen(QColor(40, 80, 140));
                p.drawText(QRect(left, y, keyW, lineH), Qt::AlignLeft | Qt::AlignVCenter,
                           keyFm.elidedText(l.row->keys, Qt::ElideRight, keyW - 8));
                p.setFont(font());
                p.setPen(QColor(40, 40, 40));
                const int textW = colW - keyW - 16;
                p.drawText(QRect(left + keyW, y, textW, lineH), Qt::AlignLeft | Qt::AlignVCenter,
                           fm.elidedText(l.row->action, Qt::ElideRight, textW));
            }
            y += lineH;
        }
    }
    p.setFont(font());
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
