#include "ui/gallery/ThumbnailLoader.h"

#include "core/catalogue/Catalogue.h"
#include "core/util/Error.h"

namespace exemplar::ui {

ThumbnailLoader::ThumbnailLoader(const QString& cataloguePath, QObject* parent) : QThread(parent), path_(cataloguePath) {}

ThumbnailLoader::~ThumbnailLoader()
{
    stop();
    wait();
}

void ThumbnailLoader::request(qint64 imageId)
{
    QMutexLocker lock(&mutex_);
    if (stopping_ || queued_.contains(imageId))
        return;
    queued_.insert(imageId);
    queue_.push_back(imageId);
    while (queue_.size() > static_cast<size_t>(maxQueued)) {
        queued_.remove(queue_.front());
        queue_.pop_front();
    }
    wake_.wakeOne();
}

int ThumbnailLoader::pending() const
{
    QMutexLocker lock(&mutex_);
    return static_cast<int>(queued_.size());
}

void ThumbnailLoader::stop()
{
    QMutexLocker lock(&mutex_);
    stopping_ = true;
    wake_.wakeAll();
}

void ThumbnailLoader::run()
{
    std::optional<Catalogue> catalogue;
    try {
        catalogue.emplace(Catalogue::open(path_, Catalogue::OpenMode::ReadOnly));
    } catch (const Error& e) {
        Q_EMIT failed(e.message());
        return;
    }
    for (;;) {
        qint64 id = 0;
        {
            QMutexLocker lock(&mutex_);
            while (queue_.empty() && !stopping_)
                wake_.wait(&mutex_);
            if (stopping_)
                return;
            id = queue_.back();
            queue_.pop_back();
        }
        QImage image;
        try {
            const QByteArray jpeg = catalogue->thumbnail(id);
            if (!jpeg.isEmpty() && image.loadFromData(jpeg, "JPG"))
                // Premultiplied ARGB is what the raster paint engine blends fastest.
                image = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        } catch (const Error&) {
            image = QImage(); // a vanished row paints as "no thumbnail"
        }
        Q_EMIT loaded(id, image);
        QMutexLocker lock(&mutex_);
        queued_.remove(id);
    }
}

} // namespace exemplar::ui
