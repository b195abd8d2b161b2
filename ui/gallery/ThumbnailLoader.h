#pragma once
// Reads and decodes thumbnails off the GUI thread. The worker has its own read-only Catalogue
// connection (one connection per thread; WAL lets it read while the GUI thread writes labels).
// Requests are served newest first, so the tiles the curator is looking at now come before the
// ones scrolled past; the queue is bounded and the oldest requests are dropped (they are
// requested again if their tiles become visible again).
//
// A request names the longest side wanted in device pixels: 0 is the thumbnail stored in the
// catalogue; anything larger decodes the original image file at that size (JPEG files are decoded
// at a reduced DCT scale, so this stays cheap), for tiles zoomed past the stored thumbnail or
// drawn on a high-density screen.
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

    // Thread-safe; a request already queued or being decoded is ignored. maxSide 0: the stored
    // thumbnail; otherwise the original scaled to fit maxSide x maxSide (never enlarged).
    void request(qint64 imageId, int maxSide = 0);
    // Requests not yet decoded (queued + in flight).
    int pending() const;
    void stop();

    static constexpr int maxQueued = 2048;
    static constexpr int maxDecodeSide = 4096;

Q_SIGNALS:
    // Emitted from the worker thread; `image` is null when there is no thumbnail (maxSide 0) or
    // the original file cannot be read (maxSide > 0).
    void loaded(qint64 imageId, int maxSide, const QImage& image);
    void failed(const QString& message); // the worker could not open the catalogue

protected:
    void run() override;

private:
    struct Request {
        qint64 imageId = 0;
        int maxSide = 0;
    };
    static quint64 keyOf(const Request& r) { return (quint64(r.imageId) << 13) | quint64(r.maxSide); }

    const QString path_;
    mutable QMutex mutex_;
    QWaitCondition wake_;
    std::deque<Request> queue_; // back = newest
    QSet<quint64> queued_;      // queued or in flight
    bool stopping_ = false;
};

} // namespace exemplar::ui
