#pragma once
// Reads and decodes thumbnails off the GUI thread. The worker has its own read-only Catalogue
// connection (one connection per thread; WAL lets it read while the GUI thread writes labels).
// Requests are served newest first, so the tiles the curator is looking at now come before the
// ones scrolled past; the queue is bounded and the oldest requests are dropped (they are
// requested again if their tiles become visible again).
#include <QImage>
#include <QMutex>
#include <QSet>
#include <QThread>
#include <QWaitCondition>
#include <deque>

namespace exemplar::ui {

class ThumbnailLoader : public QThread {
    Q_OBJECT
public:
    explicit ThumbnailLoader(const QString& cataloguePath, QObject* parent = nullptr);
    ~ThumbnailLoader() override; // stops and joins the worker

    // Thread-safe; a request already queued or being decoded is ignored.
    void request(qint64 imageId);
    // Requests not yet decoded (queued + in flight).
    int pending() const;
    void stop();

    static constexpr int maxQueued = 2048;

Q_SIGNALS:
    // Emitted from the worker thread; `image` is null when the image has no thumbnail.
    void loaded(qint64 imageId, const QImage& image);
    void failed(const QString& message); // the worker could not open the catalogue

protected:
    void run() override;

private:
    const QString path_;
    mutable QMutex mutex_;
    QWaitCondition wake_;
    std::deque<qint64> queue_; // back = newest
    QSet<qint64> queued_;      // queued or in flight
    bool stopping_ = false;
};

} // namespace exemplar::ui
