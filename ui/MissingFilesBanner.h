#pragma once
// The strip above the views that says when the catalogue's photos are not where it expects them
// (a moved or renamed folder, a drive that is not connected) and offers "Locate folder…". Without
// it the studio would go on from the stored thumbnails and fail later, silently, on every preview,
// training run or detection that needs the files.
#include <QFrame>
#include <QVector>

class QLabel;
class QPushButton;

namespace exemplar {
class Catalogue;
}

namespace exemplar::ui {

struct MissingFolder {
    qint64 rootId = 0;
    QString path; // where the catalogue expects it
    int images = 0;
};

// The catalogue's image folders that do not exist on disk (cheap: one stat per folder).
QVector<MissingFolder> missingImageFolders(const Catalogue& catalogue);

class MissingFilesBanner : public QFrame {
    Q_OBJECT
public:
    explicit MissingFilesBanner(QWidget* parent = nullptr);

    // Shows the banner for these folders, hides it when there are none.
    void setMissing(const QVector<MissingFolder>& folders);
    const QVector<MissingFolder>& missing() const { return missing_; }
    QString text() const;

Q_SIGNALS:
    void locateRequested(const MissingFolder& folder); // the first missing folder

private:
    QVector<MissingFolder> missing_;
    QLabel* text_;
    QPushButton* locate_;
};

} // namespace exemplar::ui
