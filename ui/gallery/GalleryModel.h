#pragma once
// The gallery's list model: the ids of the images matching the current filter, in order. Tile data
// (thumbnail, labels) is looked up lazily when a tile is painted, so 10,000 rows cost only their
// ids; thumbnails come from a bounded cache filled by a ThumbnailLoader thread.
#include "core/catalogue/Types.h"

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QSet>
#include <QTimer>
#include <memory>

namespace exemplar::ui {

class CurationSession;
class ThumbnailLoader;

// What a tile shows about one task's label.
struct TileLabel {
    QString taskName;
    QString className;
    int classPosition = -1; // for the colour; -1 when the label has no class
    bool exemplar = false;
    Provenance provenance = Provenance::Curator;
};

class GalleryModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        ImageIdRole = Qt::UserRole + 1,
        ThumbnailRole,   // QImage; null while loading (a load is requested)
        ActiveLabelRole, // QVariant<TileLabel>, invalid when unlabelled for the active task
        OtherLabelsRole, // QString "glasses: no glasses · sex: male" for the other tasks
        RelativePathRole,
    };

    explicit GalleryModel(CurationSession* session, QObject* parent = nullptr);
    ~GalleryModel() override;

    // Runs the query on the catalogue and resets the rows.
    void setQuery(const ImageQuery& query);
    const ImageQuery& query() const { return query_; }

    // Shows exactly these images in this order (e.g. the faces behind a confusion-matrix cell)
    // instead of the query's result, until the next setQuery. Unknown ids are left out.
    void showImageList(const QVector<qint64>& imageIds, const QString& caption);
    bool showsImageList() const { return showsList_; }
    QString imageListCaption() const { return listCaption_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    qint64 imageIdAt(int row) const { return ids_.value(row, 0); }
    int rowOf(qint64 imageId) const { return rowOfId_.value(imageId, -1); }
    const QVector<qint64>& imageIds() const { return ids_; }
    QString relativePath(qint64 imageId) const { return paths_.value(imageId); }

    // Thumbnails requested but not yet decoded; 0 when the visible tiles are complete.
    int pendingThumbnails() const;
    int cachedThumbnails() const { return cache_.count(); }
    static constexpr int thumbnailCacheKiB = 160 * 1024; // ~1,600 thumbnails of 160x160

Q_SIGNALS:
    void queryFailed(const QString& message);
    void thumbnailsArrived(); // a batch of thumbnails was cached (tiles repaint)

private:
    void restartLoader();
    void reloadPaths();
    void onLoaded(qint64 imageId, const QImage& image);
    void flushLoaded();
    void resetRows(QVector<qint64> ids);
    void onLabelsChanged(const QVector<qint64>& imageIds);

    CurationSession* session_;
    ImageQuery query_;
    bool showsList_ = false;
    QString listCaption_;
    QVector<qint64> ids_;
    QHash<qint64, int> rowOfId_;
    QHash<qint64, QString> paths_; // relative path of every catalogued image
    std::unique_ptr<ThumbnailLoader> loader_;
    mutable QCache<qint64, QImage> cache_;
    QSet<qint64> noThumbnail_;
    QSet<int> loadedRows_;
    QTimer flushTimer_; // coalesces thumbnail arrivals into few repaints
};

} // namespace exemplar::ui

Q_DECLARE_METATYPE(exemplar::ui::TileLabel)
