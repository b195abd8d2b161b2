#include "ui/training/EmptyState.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace exemplar::ui {

QWidget* makeEmptyStatePage(QLabel* sentence, const QList<QPushButton*>& actions)
{
    sentence->setWordWrap(true);
    sentence->setAlignment(Qt::AlignCenter);
    // A line of about 60 characters reads well; the stretch either side centres it. The label has
    // a stretch of its own (not a layout alignment), so its wrapped height follows its width.
    const int em = sentence->fontMetrics().averageCharWidth();
    sentence->setMinimumWidth(24 * em);
    sentence->setMaximumWidth(64 * em);
    sentence->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto* text = new QHBoxLayout;
    text->addStretch(1);
    text->addWidget(sentence, 4);
    text->addStretch(1);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    for (QPushButton* b : actions) buttons->addWidget(b);
    buttons->addStretch(1);
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addStretch(1);
    layout->addLayout(text);
    layout->addSpacing(em);
    layout->addLayout(buttons);
    layout->addStretch(2);
    return page;
}

} // namespace exemplar::ui
