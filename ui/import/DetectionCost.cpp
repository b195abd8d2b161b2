#include "ui/import/DetectionCost.h"

#include "core/imaging/FaceDetectorPool.h"
#include "core/imaging/ImageProbe.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QStringList>
#include <algorithm>
#include <thread>

namespace exemplar::ui {

namespace {

QStringList samplePhotos(const QString& folder, int samples)
{
    QStringList found;
    QDirIterator it(folder, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
    while (it.hasNext() && found.size() < samples) {
        const QString file = it.next();
        if (hasImageExtension(file))
            found << file;
    }
    return found;
}

} // namespace

DetectionCost measureDetectionCost(const QString& folder, int samples)
{
    DetectionCost cost;
    cost.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    const QStringList photos = samplePhotos(folder, samples);
    if (photos.isEmpty()) {
        cost.problem = QStringLiteral("no photos found in %1").arg(folder);
        return cost;
    }
    std::unique_ptr<FaceDetectorPool> pool;
    try {
        pool = std::make_unique<FaceDetectorPool>();
    } catch (const Error& e) {
        cost.problem = e.message();
        return cost;
    }
    QElapsedTimer clock;
    qint64 nanoseconds = 0;
    for (const QString& path : photos) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        const auto header = probeImage(bytes);
        if (!header)
            continue;
        clock.start();
        pool->detectEncoded(bytes, *header);
        nanoseconds += clock.nsecsElapsed();
        ++cost.photos;
    }
    if (cost.photos == 0) {
        cost.problem = QStringLiteral("none of the photos looked at in %1 could be read").arg(folder);
        return cost;
    }
    cost.msPerPhoto = double(nanoseconds) / 1e6 / cost.photos;
    return cost;
}

} // namespace exemplar::ui
