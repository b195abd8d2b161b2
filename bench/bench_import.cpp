// Import speed and memory. Prints `name: value` lines; the last line is `images_per_second: N`
// (faces-dev import with thumbnails, or the synthetic set when faces-dev is absent).
//
//   bench_import [--threads N] [--synthetic N]
//
// 1. Generates N (default 10,000) synthetic 350x350 JPEGs in a temp folder, imports them into a
//    fresh catalogue and prints the peak resident memory of the process (VmHWM).
// 2. Imports the 5,589 faces-dev images into a fresh catalogue and compares the speed with plain
//    full-size decoding (cv::imread) of the same files on the same number of threads.
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace exemplar;

namespace {

double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:")) return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

// CPU seconds of all threads of the process: with other jobs sharing the cores, wall-clock
// speed is noisy, while CPU time per image shows what an idle machine would do.
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void print(const char* name, double value) { std::printf("%s: %.2f\n", name, value); }

// Face-sized JPEGs that compress like photos (smooth shading plus a few shapes), unique per index.
void writeSyntheticSet(const QString& dir, int count)
{
    cv::Mat base(350, 350, CV_8UC3);
    for (int y = 0; y < base.rows; ++y)
        for (int x = 0; x < base.cols; ++x) base.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 255 / 350), uchar(y * 255 / 350), 128);
    for (int i = 0; i < count; ++i) {
        cv::Mat img = base.clone();
        cv::RNG rng(uint64_t(i) + 1);
        for (int k = 0; k < 4; ++k)
            cv::circle(img, {rng.uniform(0, 350), rng.uniform(0, 350)}, rng.uniform(10, 90),
                       cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), -1, cv::LINE_AA);
        cv::putText(img, std::to_string(i), {20, 330}, cv::FONT_HERSHEY_SIMPLEX, 1.0, cv::Scalar(255, 255, 255), 2);
        const QString sub = QStringLiteral("%1/%2").arg(dir).arg(i / 1000);
        if (i % 1000 == 0) QDir().mkpath(sub);
        cv::imwrite(QStringLiteral("%1/s%2.jpg").arg(sub).arg(i).toStdString(), img, {cv::IMWRITE_JPEG_QUALITY, 90});
    }
}

double importSpeed(const QString& folder, const QString& catalogueFile, int threads, ImportReport* reportOut)
{
    auto catalogue = Catalogue::open(catalogueFile);
    FolderImportOptions options;
    options.threads = threads;
    QElapsedTimer timer;
    timer.start();
    const ImportReport report = importFolder(catalogue, folder, options);
    const double seconds = timer.nsecsElapsed() / 1e9;
    if (reportOut) *reportOut = report;
    return report.added / seconds;
}

// Plain cv::imread of every file at full size, spread over the same number of threads.
double fullDecodeSpeed(const QStringList& files, int threads)
{
    std::atomic<int> next{0}, decoded{0};
    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (int i = next++; i < files.size(); i = next++)
                if (!cv::imread(files[i].toStdString(), cv::IMREAD_COLOR).empty()) ++decoded;
        });
    for (auto& w : workers) w.join();
    return decoded / (timer.nsecsElapsed() / 1e9);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto option = [&](const char* name, int fallback) {
        const int i = int(args.indexOf(QString::fromLatin1(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : fallback;
    };
    const int threads = option("--threads", int(std::max(1u, std::thread::hardware_concurrency())));
    const int syntheticCount = option("--synthetic", 10000);
    QTemporaryDir temp;
    print("threads", threads);

    double lastSpeed = 0;
    if (syntheticCount > 0) {
        const QString synthetic = temp.filePath(QStringLiteral("synthetic"));
        QElapsedTimer timer;
        timer.start();
        writeSyntheticSet(synthetic, syntheticCount);
        print("synthetic_generate_seconds", timer.nsecsElapsed() / 1e9);
        print("rss_before_synthetic_import_mb", peakRssMb());
        ImportReport report;
        lastSpeed = importSpeed(synthetic, temp.filePath(QStringLiteral("synthetic.exemplar")), threads, &report);
        print("synthetic_images", report.added);
        print("synthetic_images_per_second", lastSpeed);
        print("synthetic_peak_rss_mb", peakRssMb());
        print("synthetic_catalogue_mb", QFileInfo(temp.filePath(QStringLiteral("synthetic.exemplar"))).size() / 1048576.0);
        QDir(synthetic).removeRecursively();
    }

    const QString faces = QStringLiteral(EXEMPLAR_FACES_DEV_DIR "/images");
    if (QFileInfo(faces).isDir()) {
        QStringList files;
        for (QDirIterator it(faces, QDir::Files); it.hasNext();) files.append(it.next());
        qint64 bytes = 0;
        for (const auto& f : files) { // warm the page cache so both passes read from memory
            QFile file(f);
            if (file.open(QIODevice::ReadOnly)) bytes += file.readAll().size();
        }
        print("faces_dev_files", files.size());
        print("faces_dev_mb", bytes / 1048576.0);
        double cpu = cpuSeconds();
        const double full = fullDecodeSpeed(files, threads);
        const double fullCpuMs = (cpuSeconds() - cpu) * 1000 / files.size();
        print("full_decode_imread_images_per_second", full);
        print("full_decode_cpu_ms_per_image", fullCpuMs);
        ImportReport report;
        cpu = cpuSeconds();
        lastSpeed = importSpeed(faces, temp.filePath(QStringLiteral("faces.exemplar")), threads, &report);
        const double importCpuMs = (cpuSeconds() - cpu) * 1000 / std::max(1, report.added);
        print("faces_dev_import_cpu_ms_per_image", importCpuMs);
        print("import_vs_full_decode_cpu_ratio", fullCpuMs / importCpuMs);
        // What the same CPU work gives when `threads` cores are free (perfect spreading assumed).
        print("faces_dev_cpu_bound_images_per_second", threads * 1000.0 / importCpuMs);
        print("faces_dev_added", report.added);
        print("faces_dev_skipped", report.skipped);
        print("faces_dev_duplicates", report.duplicates);
        print("faces_dev_import_seconds", report.seconds);
        print("import_vs_full_decode_ratio", lastSpeed / full);
        print("peak_rss_mb", peakRssMb());
    } else {
        std::printf("faces_dev: absent (%s), speed below is for the synthetic set\n", EXEMPLAR_FACES_DEV_DIR);
    }
    std::printf("images_per_second: %.0f\n", lastSpeed);
    return 0;
}
