#pragma once
// The virtualised thumbnail grid: a QListView in icon mode with uniform tiles (only the visible
// tiles are ever painted or loaded). Digits and E are turned into labelling requests, U / Shift+U
// and Alt+digit into "go to the next face that ..." requests; Ctrl+wheel and Ctrl +/- zoom.
#include <QListView>

namespace exemplar::ui {

class TileDelegate;

class GalleryView : public QListView {
    Q_OBJECT
public:
    explicit GalleryView(QWidget* parent = nullptr);

    void setTileSize(int side);
    int tileSize() const;
    // Selected image rows, or the current one when nothing is selected; in row order.
    QVector<int> targetRows() const;
    // Moves the current face to `row` and selects only it.
    void selectRow(int row);

Q_SIGNALS:
    void digitPressed(int digit); // 0..9
    void exemplarKeyPressed();
    void nextUnlabelledRequested(bool backwards);      // U, Shift+U
    void nextOfClassRequested(int digit, bool backwards); // Alt+1..9
    void tileSizeChanged(int side);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    TileDelegate* delegate_;
};

} // namespace exemplar::ui
