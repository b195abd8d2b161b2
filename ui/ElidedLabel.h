#pragma once
// A one-line label that shrinks below its text's width by eliding it ("128 of 4 096 fa…"), with the
// full text as its tooltip. Status bars and toolbars use it so that a long message never sets the
// window's minimum width.
#include <QLabel>

namespace exemplar::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);
    void setText(const QString& text); // hides QLabel::setText: keeps the full text for the tooltip
    QString fullText() const { return text_; }
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString text_;
};

} // namespace exemplar::ui
