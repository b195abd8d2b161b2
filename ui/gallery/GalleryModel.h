#pragma once
// The gallery's list model: the ids of the images matching the current filter, in order. Tile data
// (thumbnail, labels) is looked up lazily when a tile is painted, so 10,000 rows cost only their
// ids; thumbnails come from a bounded cache filled by a ThumbnailLoader thread. Tiles larger (in
// device pixels) than the stored thumbnail get the original image decoded at their size, kept in
// a second bounded cache; the stored thumbnail stands in while it loads.
#include "core/catalogue/Types.h"

#include <QAbstractListModel>
#include <QColor>
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
    int classPosition = -1; // -1 when the label has no class
    QColor colour;          // the class colour (CurationSession::classColour)
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

    // The best picture for a tile whose longest side is `devicePixels` device pixels: the original
    // decoded at that size when the stored thumbnail is smaller (requested when missing; the
    // thumbnail meanwhile), else the thumbnail. Null while nothing is loaded yet.
    QImage thumbnail(const QModelIndex& index, int devicePixels) const;
    // The decoded original cached for a tile of `devicePixels`, without requesting anything.
    QImage cachedSharp(qint64 imageId, int devicePixels) const;
    // Decode size for a tile of `devicePixels`: rounded up to a step, so zooming re-decodes every
    // few steps rather than at each one; the tile draws the picture scaled down a little.
    static int sharpSide(int devicePixels);

    // Thumbnails requested but not yet decoded; 0 when the visible tiles are complete.
    int pendingThumbnails() const;
    int cachedThumbnails() const { return cache_.count(); }
    int cachedSharpImages() const { return sharp_.count(); }
    static constexpr int thumbnailCacheKiB = 160 * 1024; // ~1,600 thumbnails of 160x160
    static constexpr int sharpCacheKiB = 128 * 1024;     // a few screens of 512x512 tiles

Q_SIGNALS:
    void queryFailed(const QString& message);
    void thumbnailsArrived(); // a batch of thumbnails was cached (tiles repaint)

private:
    void restartLoader();
    void reloadPaths();
    void onLoaded(qint64 imageId, int maxSide, const QImage& image);
    static quint64 sharpKey(qint64 imageId, int side) { return (quint64(imageId) << 13) | quint64(side); }
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
    mutable QCache<quint64, QImage> sharp_; // decoded originals by sharpKey
    QSet<qint64> noOriginal_;               // files that could not be read: thumbnails only
    QSet<int> loadedRows_;
    QTimer flushTimer_; // coalesces thumbnail arrivals into few repaints
};

} // namespace exemplar::ui

Q_DECLARE_METATYPE(exemplar::ui::TileLabel)
