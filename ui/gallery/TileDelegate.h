#pragma once
// Paints one gallery tile: the thumbnail, a chip with the active task's class (solid when the
// curator set it, outlined when it was imported), a star for exemplars, the file name and the
// classes of the other tasks.
#include <QStyledItemDelegate>

namespace exemplar::ui {

class TileDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit TileDelegate(QObject* parent = nullptr);

    void setTileSize(int side) { side_ = side; }
    int tileSize() const { return side_; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int side_ = 128;
};

} // namespace exemplar::ui
