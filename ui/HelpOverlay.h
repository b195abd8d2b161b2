#pragma once
// A translucent sheet over the main window listing the keyboard shortcuts. Shown on the first
// start and with F1 / "?"; any key or click hides it.
#include <QWidget>

namespace exemplar::ui {

struct ShortcutHelp {
    QString keys;
    QString action;
};

// The shortcuts the studio understands, in the order the overlay lists them.
QVector<ShortcutHelp> studioShortcuts();

class HelpOverlay : public QWidget {
    Q_OBJECT
public:
    explicit HelpOverlay(QWidget* parent);
    void showOver(); // covers the parent and takes focus

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
};

} // namespace exemplar::ui
