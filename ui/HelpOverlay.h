#pragma once
// A translucent sheet over the main window listing the keyboard shortcuts. Shown on the first
// start and with F1 / "?"; any key or click hides it.
//
// The list is built when the sheet is shown: every QAction of the window that has a shortcut
// (menus, toolbars, docks) is listed from the action itself, so a shortcut added to an action can
// never be missing here; keys that widgets handle without an action (the gallery's digits, arrows,
// mouse gestures) come from widgetShortcuts().
#include <QVector>
#include <QWidget>

namespace exemplar::ui {

struct ShortcutHelp {
    QString keys;    // as the user types them, platform notation ("Ctrl+Shift+T")
    QString action;  // what they do
    QString section; // heading the row is listed under
};

// Keys handled by widgets themselves (keyPressEvent, wheel, clicks), in the order listed. A key that
// is a QAction's shortcut does not belong here: it is listed from the action.
QVector<ShortcutHelp> widgetShortcuts();

// Every QAction under `window` with at least one shortcut: menu-bar actions first, in menu order
// and under their menu's title, then any other action (toolbar, dock, widget actions). Several
// shortcuts of one action are listed together ("Ctrl+Shift+Z, Ctrl+Y").
QVector<ShortcutHelp> actionShortcuts(const QWidget* window);

// widgetShortcuts() followed by actionShortcuts(window): what the overlay lists.
QVector<ShortcutHelp> studioShortcuts(const QWidget* window);

class HelpOverlay : public QWidget {
    Q_OBJECT
public:
    explicit HelpOverlay(QWidget* parent);
    void showOver(); // covers the parent and takes focus
    QVector<ShortcutHelp> rows() const { return rows_; } // as last shown

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QVector<ShortcutHelp> rows_;
};

} // namespace exemplar::ui
