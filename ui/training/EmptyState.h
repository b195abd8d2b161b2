#pragma once
// The page a view shows when it has nothing to show: a sentence saying why and what to do next,
// and the buttons that do it, centred, never empty axes or a 0% bar.
#include <QList>

class QLabel;
class QPushButton;
class QWidget;

namespace exemplar::ui {

// Takes `sentence` and `actions` into the page (word-wrapped, at most a comfortable reading width).
QWidget* makeEmptyStatePage(QLabel* sentence, const QList<QPushButton*>& actions);

} // namespace exemplar::ui
