#pragma once
// The large preview of the current face: the image file (decoded off the GUI thread, the thumbnail
// meanwhile or when the file is gone), its labels per task, its attributes and its label history.
// Face boxes (FaceStore) are drawn on the picture: the curator chooses one of several faces by
// clicking it, draws or corrects a box by dragging, and can show only the face crop.
#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

class QCheckBox;
class QLabel;
class QToolButton;
class QTableWidget;
class QTreeWidget;

namespace exemplar::ui {

class CurationSession;
class FaceImageView;

class PreviewPanel : public QWidget {
    Q_OBJECT
public:
    explicit PreviewPanel(CurationSession* session, QWidget* parent = nullptr);
    ~PreviewPanel() override;

    void showImage(qint64 imageId); // 0 clears
    qint64 imageId() const { return imageId_; }
    // Rows currently shown in the history list (for tests and the status bar).
    int historyRows() const;
    QString labelsText() const;
    QString faceStatusText() const;
    FaceImageView* faceView() const { return picture_; }
    void setFaceCropped(bool cropped);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refreshText();
    void updatePixmap();
    void refreshFaces();

    CurationSession* session_;
    qint64 imageId_ = 0;
    QImage image_;
    QSize fullSize_; // the catalogued size, which face boxes refer to
    FaceImageView* picture_;
    QCheckBox* crop_;
    QLabel* faceStatus_;
    QToolButton* removeDrawn_;
    QLabel* title_;
    QLabel* labels_;
    QTableWidget* attributes_;
    QTreeWidget* history_;
    QFutureWatcher<QImage> loading_;
};

} // namespace exemplar::ui
