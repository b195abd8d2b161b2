#include "ui/gallery/GalleryView.h"

#include "ui/StudioSettings.h"
#include "ui/gallery/TileDelegate.h"

#include <QKeyEvent>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>

namespace exemplar::ui {

GalleryView::GalleryView(QWidget* parent) : QListView(parent), delegate_(new TileDelegate(this))
{
    setViewMode(QListView::IconMode);
    setUniformItemSizes(true); // lets the view lay out 10,000 tiles without asking for each size
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionRectVisible(true);
    setSpacing(3);
    setWrapping(true);
    setFlow(QListView::LeftToRight);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setItemDelegate(delegate_);
    setMouseTracking(false);
    setObjectName(QStringLiteral("gallery"));
}

void GalleryView::setTileSize(int side)
{
    side = std::clamp(side, StudioSettings::minThumbnailSize, StudioSettings::maxThumbnailSize);
    if (side == delegate_->tileSize())
        return;
    delegate_->setTileSize(side);
    verticalScrollBar()->setSingleStep(side / 4);
    const QModelIndex keep = currentIndex();
    doItemsLayout();
    if (keep.isValid())
        scrollTo(keep);
    Q_EMIT tileSizeChanged(side);
}

int GalleryView::tileSize() const { return delegate_->tileSize(); }

QVector<int> GalleryView::targetRows() const
{
    QVector<int> rows;
    if (selectionModel())
        for (const QModelIndex& i : selectionModel()->selectedIndexes())
            rows.push_back(i.row());
    if (rows.isEmpty() && currentIndex().isValid())
        rows.push_back(currentIndex().row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

void GalleryView::selectRow(int row)
{
    if (!model() || row < 0 || row >= model()->rowCount())
        return;
    const QModelIndex i = model()->index(row, 0);
    selectionModel()->setCurrentIndex(i, QItemSelectionModel::ClearAndSelect);
    scrollTo(i);
}

void GalleryView::keyPressEvent(QKeyEvent* event)
{
    if (event->text() == QLatin1String("?")) {
        event->ignore(); // the main window shows the shortcut help
        return;
    }
    const auto mods = event->modifiers() & ~Qt::KeypadModifier;
    if (mods == Qt::NoModifier) {
        if (event->key() >= Qt::Key_0 && event->key() <= Qt::Key_9) {
            Q_EMIT digitPressed(event->key() - Qt::Key_0);
            event->accept();
            return;
        }
        if (event->key() == Qt::Key_E) {
            Q_EMIT exemplarKeyPressed();
            event->accept();
            return;
        }
    }
    // U rather than N: N would read as "next" of anything, and letters other than E are free.
    if (event->key() == Qt::Key_U && (mods == Qt::NoModifier || mods == Qt::ShiftModifier)) {
        Q_EMIT nextUnlabelledRequested(mods == Qt::ShiftModifier);
        event->accept();
        return;
    }
    // Alt+digit: the digit names the class exactly as it does for labelling.
    if (mods == Qt::AltModifier && event->key() >= Qt::Key_1 && event->key() <= Qt::Key_9) {
        Q_EMIT nextOfClassRequested(event->key() - Qt::Key_0, false);
        event->accept();
        return;
    }
    if (mods == Qt::ControlModifier && (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal)) {
        setTileSize(tileSize() + 16);
        return;
    }
    if (mods == Qt::ControlModifier && event->key() == Qt::Key_Minus) {
        setTileSize(tileSize() - 16);
        return;
    }
    QListView::keyPressEvent(event);
}

void GalleryView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        setTileSize(tileSize() + (event->angleDelta().y() > 0 ? 16 : -16));
        event->accept();
        return;
    }
    QListView::wheelEvent(event);
}

} // namespace exemplar::ui
