#include "ui/gallery/GalleryModel.h"

#include "core/util/Error.h"
#include "ui/curation/CurationSession.h"
#include "ui/gallery/ThumbnailLoader.h"

namespace exemplar::ui {

GalleryModel::GalleryModel(CurationSession* session, QObject* parent)
    : QAbstractListModel(parent), session_(session), cache_(thumbnailCacheKiB), sharp_(sharpCacheKiB)
{
    flushTimer_.setSingleShot(true);
    flushTimer_.setInterval(15);
    connect(&flushTimer_, &QTimer::timeout, this, &GalleryModel::flushLoaded);
    // A new catalogue starts empty: whoever owns the filters runs the first query (running one
    // here too would query 10,000 rows twice while the window opens).
    connect(session_, &CurationSession::opened, this, [this] {
        restartLoader();
        reloadPaths();
        beginResetModel();
        query_ = {};
        showsList_ = false;
        listCaption_.clear();
        ids_.clear();
        rowOfId_.clear();
        loadedRows_.clear();
        endResetModel();
    });
    connect(session_, &CurationSession::labelsChanged, this, &GalleryModel::onLabelsChanged);
    connect(session_, &CurationSession::tasksChanged, this, [this] { onLabelsChanged({}); });
    connect(session_, &CurationSession::activeTaskChanged, this, [this] { onLabelsChanged({}); });
    if (session_->isOpen()) {
        restartLoader();
        reloadPaths();
        setQuery(query_);
    }
}

GalleryModel::~GalleryModel() = default;

void GalleryModel::restartLoader()
{
    if (loader_)
        disconnect(loader_.get(), nullptr, this, nullptr);
    loader_.reset();
    cache_.clear();
    noThumbnail_.clear();
    sharp_.clear();
    noOriginal_.clear();
    loadedRows_.clear();
    if (!session_->isOpen())
        return;
    loader_ = std::make_unique<ThumbnailLoader>(session_->path());
    connect(loader_.get(), &ThumbnailLoader::loaded, this, &GalleryModel::onLoaded, Qt::QueuedConnection);
    connect(loader_.get(), &ThumbnailLoader::failed, this, &GalleryModel::queryFailed, Qt::QueuedConnection);
    loader_->start(QThread::LowPriority);
}

void GalleryModel::reloadPaths()
{
    paths_.clear();
    if (!session_->isOpen())
        return;
    const QVector<ImageRecord> all = session_->catalogue().allImages();
    paths_.reserve(all.size());
    for (const ImageRecord& r : all)
        paths_.insert(r.id, r.relativePath);
}

void GalleryModel::setQuery(const ImageQuery& query)
{
    QVector<qint64> ids;
    query_ = query;
    showsList_ = false;
    listCaption_.clear();
    if (session_->isOpen()) {
        try {
            ids = session_->catalogue().findImages(query);
        } catch (const Error& e) {
            Q_EMIT queryFailed(e.message());
        }
        // An import by another connection may have added images we have no path for yet.
        for (qint64 id : std::as_const(ids))
            if (!paths_.contains(id)) {
                reloadPaths();
                break;
            }
    }
    resetRows(std::move(ids));
}

void GalleryModel::showImageList(const QVector<qint64>& imageIds, const QString& caption)
{
    for (qint64 id : imageIds)
        if (!paths_.contains(id)) { // imported by another connection since the paths were read
            reloadPaths();
            break;
        }
    QVector<qint64> ids;
    ids.reserve(imageIds.size());
    for (qint64 id : imageIds)
        if (paths_.contains(id))
            ids.push_back(id);
    showsList_ = true;
    listCaption_ = caption;
    resetRows(std::move(ids));
}

void GalleryModel::resetRows(QVector<qint64> ids)
{
    beginResetModel();
    ids_ = std::move(ids);
    rowOfId_.clear();
    rowOfId_.reserve(ids_.size());
    for (int i = 0; i < ids_.size(); ++i)
        rowOfId_.insert(ids_[i], i);
    loadedRows_.clear();
    endResetModel();
}

int GalleryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(ids_.size()); }

QVariant GalleryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= ids_.size())
        return {};
    const qint64 id = ids_[index.row()];
    switch (role) {
    case ImageIdRole: return id;
    case Qt::DisplayRole: return paths_.value(id).section(QLatin1Char('/'), -1);
    case RelativePathRole:
    case Qt::ToolTipRole: return paths_.value(id);
    case ThumbnailRole: {
        if (const QImage* img = cache_.object(id))
            return *img;
        if (loader_ && !noThumbnail_.contains(id))
            loader_->request(id);
        return QImage();
    }
    case ActiveLabelRole: {
        const auto task = session_->activeTask();
        if (!task)
            return {};
        const auto l = session_->label(id, task->id);
        if (!l)
            return {};
        TileLabel t;
        t.taskName = task->name;
        if (l->classId) {
            t.className = session_->className(task->id, *l->classId);
            t.classPosition = session_->classPosition(task->id, *l->classId);
            t.colour = session_->classColour(*l->classId);
        }
        t.exemplar = l->exemplar;
        t.provenance = l->provenance;
        return QVariant::fromValue(t);
    }
    case OtherLabelsRole: {
        const auto active = session_->activeTask();
        QStringList parts;
        for (const TaskInfo& task : session_->tasks()) {
            if (active && task.id == active->id)
                continue;
            const auto l = session_->label(id, task.id);
            if (l && l->classId)
                parts << session_->className(task.id, *l->classId);
        }
        return parts.join(QStringLiteral(" · "));
    }
    default: return {};
    }
}

int GalleryModel::sharpSide(int devicePixels)
{
    constexpr int step = 64;
    return std::min(ThumbnailLoader::maxDecodeSide, (devicePixels + step - 1) / step * step);
}

QImage GalleryModel::cachedSharp(qint64 imageId, int devicePixels) const
{
    // A larger decode serves a smaller tile as well (after zooming out).
    for (int side = sharpSide(devicePixels); side <= ThumbnailLoader::maxDecodeSide; side += 64)
        if (const QImage* img = sharp_.object(sharpKey(imageId, side)))
            return *img;
    return {};
}

QImage GalleryModel::thumbnail(const QModelIndex& index, int devicePixels) const
{
    if (!index.isValid() || index.row() >= ids_.size())
        return {};
    const qint64 id = ids_[index.row()];
    const QImage* thumb = cache_.object(id);
    const int stored = thumb ? std::max(thumb->width(), thumb->height()) : kThumbnailMaxSide;
    // A thumbnail smaller than the stored maximum is the whole original: nothing sharper exists.
    const bool wantSharp = devicePixels > stored && (!thumb || stored >= kThumbnailMaxSide) && !noOriginal_.contains(id);
    if (wantSharp) {
        const QImage sharp = cachedSharp(id, devicePixels);
        if (!sharp.isNull())
            return sharp;
        if (loader_)
            loader_->request(id, sharpSide(devicePixels));
    }
    if (thumb)
        return *thumb;
    // Requested last so that it is served first (newest first): something to show at once.
    if (loader_ && !noThumbnail_.contains(id))
        loader_->request(id);
    return {};
}

int GalleryModel::pendingThumbnails() const { return loader_ ? loader_->pending() : 0; }

void GalleryModel::onLoaded(qint64 imageId, int maxSide, const QImage& image)
{
    const qsizetype kib = std::max<qsizetype>(1, image.sizeInBytes() / 1024);
    if (maxSide > 0 && image.isNull())
        noOriginal_.insert(imageId);
    else if (maxSide > 0)
        sharp_.insert(sharpKey(imageId, maxSide), new QImage(image), kib);
    else if (image.isNull())
        noThumbnail_.insert(imageId);
    else
        cache_.insert(imageId, new QImage(image), kib);
    const int row = rowOf(imageId);
    if (row >= 0)
        loadedRows_.insert(row);
    if (!flushTimer_.isActive())
        flushTimer_.start();
}

void GalleryModel::flushLoaded()
{
    if (loadedRows_.isEmpty())
        return;
    int lo = INT_MAX, hi = -1;
    for (int r : std::as_const(loadedRows_)) {
        lo = std::min(lo, r);
        hi = std::max(hi, r);
    }
    loadedRows_.clear();
    if (hi >= static_cast<int>(ids_.size()))
        hi = static_cast<int>(ids_.size()) - 1;
    if (lo <= hi)
        Q_EMIT dataChanged(index(lo), index(hi), {ThumbnailRole});
    Q_EMIT thumbnailsArrived();
}

void GalleryModel::onLabelsChanged(const QVector<qint64>& imageIds)
{
    if (ids_.isEmpty())
        return;
    const QList<int> roles{ActiveLabelRole, OtherLabelsRole};
    if (imageIds.isEmpty() || imageIds.size() > 500) { // one repaint instead of thousands of signals
        Q_EMIT dataChanged(index(0), index(static_cast<int>(ids_.size()) - 1), roles);
        return;
    }
    for (qint64 id : imageIds) {
        const int row = rowOf(id);
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row), roles);
    }
}

} // namespace exemplar::ui
