#include "ui/gallery/ThumbnailLoader.h"

#include "core/catalogue/Catalogue.h"
#include "core/util/Error.h"

#include <QImageReader>
#include <algorithm>

namespace exemplar::ui {

namespace {

QImage storedThumbnail(const Catalogue& catalogue, qint64 imageId)
{
    QImage image;
    const QByteArray jpeg = catalogue.thumbnail(imageId);
    if (!jpeg.isEmpty())
        image.loadFromData(jpeg, "JPG");
    return image;
}

QImage decodedOriginal(const Catalogue& catalogue, qint64 imageId, int maxSide)
{
    const auto record = catalogue.image(imageId);
    if (!record)
        return {};
    QImageReader reader(record->absolutePath);
    reader.setAutoTransform(true); // as the stored thumbnail was made: EXIF orientation applied
    const QSize size = reader.size();
    if (size.isValid() && std::max(size.width(), size.height()) > maxSide)
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    return reader.read();
}

} // namespace

ThumbnailLoader::ThumbnailLoader(const QString& cataloguePath, QObject* parent) : QThread(parent), path_(cataloguePath) {}

ThumbnailLoader::~ThumbnailLoader()
{
    stop();
    wait();
}

void ThumbnailLoader::request(qint64 imageId, int maxSide)
{
    const Request r{imageId, std::clamp(maxSide, 0, maxDecodeSide)};
    QMutexLocker lock(&mutex_);
    if (stopping_ || queued_.contains(keyOf(r)))
        return;
    queued_.insert(keyOf(r));
    queue_.push_back(r);
    while (queue_.size() > static_cast<size_t>(maxQueued)) {
        queued_.remove(keyOf(queue_.front()));
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
        Request r;
        {
            QMutexLocker lock(&mutex_);
            while (queue_.empty() && !stopping_)
                wake_.wait(&mutex_);
            if (stopping_)
                return;
            r = queue_.back();
            queue_.pop_back();
        }
        QImage image;
        try {
            image = r.maxSide > 0 ? decodedOriginal(*catalogue, r.imageId, r.maxSide) : storedThumbnail(*catalogue, r.imageId);
            if (!image.isNull())
                // Premultiplied ARGB is what the raster paint engine blends fastest.
                image = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        } catch (const Error&) {
            image = QImage(); // a vanished row paints as "no thumbnail"
        }
        Q_EMIT loaded(r.imageId, r.maxSide, image);
        QMutexLocker lock(&mutex_);
        queued_.remove(keyOf(r));
    }
}

} // namespace exemplar::ui
