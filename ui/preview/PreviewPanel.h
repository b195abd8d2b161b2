#pragma once
// The large preview of the current face: the image file (decoded off the GUI thread, the thumbnail
// meanwhile or when the file is gone), its labels per task, its attributes and its label history.
#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

class QLabel;
class QTableWidget;
class QTreeWidget;

namespace exemplar::ui {

class CurationSession;

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

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refreshText();
    void updatePixmap();

    CurationSession* session_;
    qint64 imageId_ = 0;
    QImage image_;
    QLabel* picture_;
    QLabel* title_;
    QLabel* labels_;
    QTableWidget* attributes_;
    QTreeWidget* history_;
    QFutureWatcher<QImage> loading_;
};

} // namespace exemplar::ui
