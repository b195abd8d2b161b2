#include "core/imaging/FaceDetectionPass.h"

#include "core/catalogue/FaceStore.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/imaging/FaceRecords.h"
#include "core/import/OrderedParallelMap.h"

#include <QElapsedTimer>
#include <QFile>
#include <thread>

namespace exemplar {

FaceDetectionPassReport detectCatalogueFaces(Catalogue& catalogue, const FaceDetectionPassOptions& options,
                                             const std::function<void(int, int)>& progress, const CancelFlag* cancel)
{
    QElapsedTimer timer;
    timer.start();
    FaceDetectionPassReport report;
    FaceStore store(catalogue);
    const QVector<qint64> ids = options.redo ? [&] {
        QVector<qint64> all;
        for (const ImageRecord& r : catalogue.allImages()) all.append(r.id);
        return all;
    }() : store.uncheckedImages();
    const QVector<ImageRecord> images = catalogue.images(ids);
    const FaceDetectorPool pool;
    const int threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const int batch = std::max(1, options.batchSize);
    QVector<FaceDetectionRecord> pending;
    auto flush = [&] {
        store.recordDetections(pending);
        pending.clear();
    };
    const int n = int(images.size());
    const int consumed = orderedParallelMap<FaceDetection>(
        n, threads, std::max(2 * batch, 4 * threads),
        [&](int i) {
            QFile f(images[i].absolutePath);
            FaceDetection failed;
            failed.status = FaceStatus::Failed;
            if (!f.open(QIODevice::ReadOnly)) {
                failed.problem = QStringLiteral("cannot read: %1").arg(f.errorString());
                return failed;
            }
            const QByteArray bytes = f.readAll();
            QString problem;
            const auto header = probeImage(bytes, &problem);
            if (!header) {
                failed.problem = problem;
                return failed;
            }
            return pool.detectEncoded(bytes, *header);
        },
        [&](int i, FaceDetection&& d) {
            if (d.status == FaceStatus::Failed) report.issues.append({images[i].absolutePath, d.problem});
            report.statuses[faceStatusName(d.status)] += 1;
            ++report.checked;
            pending.append(toRecord(images[i].id, d));
            if (pending.size() >= batch) flush();
            if (progress) progress(i + 1, n);
            return true;
        },
        cancel);
    flush(); // what was detected before a cancel is kept
    report.cancelled = consumed < n && cancel && cancel->isCancelled();
    report.seconds = timer.nsecsElapsed() / 1e9;
    return report;
}

} // namespace exemplar
