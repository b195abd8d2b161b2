// Gallery speed on 10,000 faces: builds a synthetic catalogue, opens the main window offscreen,
// measures the time to the first screen with its thumbnails painted, scrolls through the whole grid
// measuring each frame, and prints the peak resident memory. Prints `name: value` lines.
#include "ui/MainWindow.h"
#include "ui/StudioSettings.h"
#include "ui/curation/CurationView.h"
#include "ui/demo/DemoCatalogue.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <numeric>

namespace {

double peakRssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

// True when every tile in the viewport has its thumbnail (asking for one requests its load).
bool visibleTilesComplete(exemplar::ui::GalleryView* view, exemplar::ui::GalleryModel* model)
{
    const QRect area = view->viewport()->rect();
    const QModelIndex first = view->indexAt(area.topLeft() + QPoint(8, 8));
    if (!first.isValid())
        return model->rowCount() == 0;
    bool complete = true;
    for (int row = first.row(); row < model->rowCount(); ++row) {
        const QModelIndex i = model->index(row);
        if (!view->visualRect(i).intersects(area))
            break;
        if (model->data(i, exemplar::ui::GalleryModel::ThumbnailRole).value<QImage>().isNull())
            complete = false;
    }
    return complete;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int images = argc > 1 ? std::atoi(argv[1]) : 10000;

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.exemplar"));
    QElapsedTimer clock;
    clock.start();
    exemplar::ui::DemoOptions opts;
    opts.images = images;
    opts.imageSide = exemplar::kThumbnailMaxSide;
    opts.writeImageFiles = false;
    exemplar::ui::generateDemoCatalogue(path, opts);
    std::printf("images: %d\n", images);
    std::printf("generate_catalogue_s: %.2f\n", clock.elapsed() / 1000.0);

    exemplar::ui::StudioSettings settings(dir.filePath(QStringLiteral("settings.ini")));
    settings.setThumbnailSize(128);
    clock.restart();
    exemplar::ui::MainWindow window(&settings);
    window.setInteractive(false);
    window.resize(1440, 900);
    if (!window.openCatalogue(path))
        return 1;
    const qint64 openMs = clock.elapsed();
    window.show();
    auto* view = window.curationView()->gallery();
    auto* model = window.curationView()->model();
    while (!visibleTilesComplete(view, model) && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    window.grab(); // paints the whole window once, thumbnails included
    std::printf("open_catalogue_ms: %lld\n", static_cast<long long>(openMs));
    std::printf("first_screen_ms: %lld\n", static_cast<long long>(clock.elapsed()));

    // Scroll through the whole grid in steps of half a screen, painting every frame.
    QScrollBar* bar = view->verticalScrollBar();
    const int step = std::max(1, view->viewport()->height() / 2);
    std::vector<double> frames;
    QElapsedTimer frame;
    clock.restart();
    for (int v = 0; v <= bar->maximum(); v += step) {
        frame.start();
        bar->setValue(v);
        view->viewport()->repaint();
        QCoreApplication::processEvents();
        frames.push_back(frame.nsecsElapsed() / 1e6);
        if (qEnvironmentVariableIsSet("BENCH_GALLERY_VERBOSE") && frames.back() > 40)
            std::fprintf(stderr, "slow frame %zu at %d: %.1f ms\n", frames.size(), v, frames.back());
    }
    const double scrollMs = clock.elapsed();
    // After the scroll stops, how long until the screen it stopped on is complete.
    clock.restart();
    while (!visibleTilesComplete(view, model) && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double settleMs = clock.elapsed();

    std::sort(frames.begin(), frames.end());
    const double mean = std::accumulate(frames.begin(), frames.end(), 0.0) / std::max<size_t>(1, frames.size());
    std::printf("rows_in_model: %d\n", model->rowCount());
    std::printf("scroll_frames: %zu\n", frames.size());
    std::printf("scroll_total_ms: %.0f\n", scrollMs);
    std::printf("frame_mean_ms: %.2f\n", mean);
    std::printf("frame_p95_ms: %.2f\n", frames.empty() ? 0 : frames[frames.size() * 95 / 100]);
    std::printf("frame_worst_ms: %.2f\n", frames.empty() ? 0 : frames.back());
    std::printf("thumbnails_settle_after_scroll_ms: %.0f\n", settleMs);
    std::printf("thumbnails_cached: %d\n", model->cachedThumbnails());
    std::printf("peak_rss_mb: %.1f\n", peakRssMb());
    return 0;
}
