// Face detection and alignment on faces-dev. Prints `name: value` lines.
//
//   bench_faces [--limit N] [--photos N] [--no-training | --training-only] [--framings whole,aligned[,box]] [--epochs E]
//               [--size S] [--seed S] [--minutes M]
//
// 1. Detection on the faces-dev crops as imported: share of images with a face (tight_crop or
//    found/several), with eyes, and the CPU milliseconds per image (decode + detection).
// 2. "Photos": each of N faces-dev crops pasted at a random place and scale (1/4..1/2 of the
//    height) on a 1600x1200 canvas of noise, then detected from the JPEG bytes as an import does:
//    share of pasted faces found (a box overlapping the pasted square with IoU >= 0.3), false boxes
//    per image, milliseconds per image.
//    Then the calibration of the crop margin and of the aligned eye positions (medians on crops).
// 3. Alignment effect (unless --no-training): the same 4-class training (happiness, sadness, anger,
//    surprise; same split, same seed, same epochs) with TrainingConfig::face whole and aligned (and
//    box when asked: on faces-dev nearly the whole image, every crop being a tight crop); test
//    balanced accuracy of each. Short training (default compact model, 15 epochs, 64 px, at most
//    --minutes each): the figures compare the preprocessings, not the best reachable accuracy.
#include "core/imaging/FaceDetectorPool.h"
#include "core/imaging/ImageProbe.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/TrainingJob.h"
#include "FacesDevTasks.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

using namespace exemplar;

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void print(const char* name, double value) { std::printf("%s: %.3f\n", name, value); std::fflush(stdout); }

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

double iou(const cv::Rect& a, const cv::Rect& b)
{
    const double inter = (a & b).area();
    return inter / (a.area() + b.area() - inter);
}

double median(std::vector<double> v)
{
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

// 3. Trains the 4 expression classes (bench/FacesDevTasks.h "expression4") on faces-dev once per
// face framing (TrainingConfig::face: the pipeline of training, export and predict), with the same
// samples in the same order, seed, settings and epochs, so the identity split is the same.
int alignmentEffect(const QString& facesDev, const QStringList& framings, int epochs, int size, quint64 seed,
                    double minutes)
{
    using namespace exemplar::learning;
    FacesDevTask task;
    for (const FacesDevTask& t : facesDevTasks())
        if (t.key == QLatin1String("expression4")) task = t;
    const LabelledFolder folder = readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images", task.column, task.classes);
    QTemporaryDir work;
    print("train_images", double(folder.data.samples.size()));
    print("train_epochs", epochs);
    print("train_image_size", size);

    auto train = [&](const QString& face) {
        TrainingConfig config;
        config.face = face;
        config.epochs = epochs;
        config.imageSize = size;
        config.seed = seed;
        config.patience = 0;
        config.maxMinutes = minutes;
        TrainingCallbacks cb;
        cb.onEpoch = [face](const EpochProgress& e) {
            std::printf("# %s epoch %d: val balanced accuracy %.3f, %.0f s\n", qPrintable(face), e.epoch,
                        e.valBalancedAccuracy, e.seconds);
            std::fflush(stdout);
        };
        TrainingJob job(folder.data, config, work.filePath(face), cb);
        const TrainingResult r = job.run();
        if (r.status != TrainingStatus::Finished) {
            std::printf("# %s: training failed: %s\n", qPrintable(face), qPrintable(r.error));
            return -1.0;
        }
        std::printf("# %s: %d epochs run, best %d, %.0f s\n", qPrintable(face), r.epochsRun, r.bestEpoch, r.seconds);
        return r.test.balancedAccuracy;
    };
    QMap<QString, double> score;
    for (const QString& face : framings) {
        score[face] = train(face);
        print(qPrintable(QStringLiteral("test_balanced_accuracy_%1").arg(face)), score[face]);
    }
    if (score.contains("whole") && score.contains("aligned"))
        print("alignment_gain", score["aligned"] - score["whole"]);
    for (double v : score)
        if (v < 0) return 1;
    return 0;
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
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    const QDir images(facesDev + QStringLiteral("/images"));
    if (!images.exists()) {
        std::fprintf(stderr, "faces-dev is not at %s\n", qPrintable(facesDev));
        return 1;
    }
    QStringList files = images.entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name);
    const int limit = option("--limit", int(files.size()));
    if (limit < files.size()) files = files.mid(0, limit);
    FaceDetectorPool pool;
    const bool detection = !args.contains(QStringLiteral("--training-only"));

    // 1. The crops as they are.
    if (detection) {
        int withFace = 0, tight = 0, withEyes = 0, decoded = 0;
        const double cpu0 = cpuSeconds();
        for (const QString& f : files) {
            const QByteArray bytes = readAll(images.filePath(f));
            const auto header = probeImage(bytes);
            if (!header) continue;
            ++decoded;
            const FaceDetection d = pool.detectEncoded(bytes, *header);
            if (d.status == FaceStatus::TightCrop) ++tight;
            if (!d.faces.empty()) {
                ++withFace;
                if (d.faces[0].eyes) ++withEyes;
            }
        }
        const double cpu = cpuSeconds() - cpu0;
        print("crops_images", decoded);
        print("crops_face_rate", double(withFace) / decoded);
        print("crops_tight_crop_rate", double(tight) / decoded);
        print("crops_eyes_rate", double(withEyes) / decoded);
        print("crops_ms_per_image", 1000 * cpu / decoded);
    }

    // Calibration of FaceDetectorOptions::cropMargin and AlignmentGeometry: on face crops, how much
    // wider the frame is than the cascade's box, and where the eyes are (fractions of the frame).
    if (detection) {
        FaceDetectorOptions raw;
        raw.tightCropFraction = 10; // never: keep the cascade's own box
        raw.cropMargin = 1;
        const FaceDetector detector(raw);
        std::vector<double> margin, eyeY, leftX, rightX;
        for (int i = 0; i < files.size(); i += 10) {
            const cv::Mat img = cv::imread(images.filePath(files[i]).toStdString(), cv::IMREAD_GRAYSCALE);
            const FaceDetection d = detector.detect(img);
            if (d.faces.size() != 1) continue;
            margin.push_back(double(img.cols) / d.faces[0].box.width);
            if (d.faces[0].eyes) {
                eyeY.push_back((d.faces[0].eyes->left.y + d.faces[0].eyes->right.y) / 2 / img.rows);
                leftX.push_back(d.faces[0].eyes->left.x / img.cols);
                rightX.push_back(d.faces[0].eyes->right.x / img.cols);
            }
        }
        print("crops_median_frame_to_box", median(margin));
        print("crops_median_eye_y", median(eyeY));
        print("crops_median_left_eye_x", median(leftX));
        print("crops_median_right_eye_x", median(rightX));
    }

    // 2. Crops pasted on larger canvases.
    if (detection) {
        const int n = std::min(option("--photos", 300), int(files.size()));
        std::mt19937 rng(7);
        int found = 0, falseBoxes = 0, withEyes = 0;
        double cpu = 0;
        for (int i = 0; i < n; ++i) {
            const cv::Mat face = cv::imread(images.filePath(files[int(rng() % files.size())]).toStdString(), cv::IMREAD_COLOR);
            if (face.empty()) continue;
            cv::Mat canvas(1200, 1600, CV_8UC3);
            cv::randu(canvas, cv::Scalar::all(60), cv::Scalar::all(200));
            cv::GaussianBlur(canvas, canvas, cv::Size(0, 0), 6);
            const int side = 300 + int(rng() % 300);
            const cv::Rect at(int(rng() % (1600 - side)), int(rng() % (1200 - side)), side, side);
            cv::resize(face, canvas(at), at.size(), 0, 0, cv::INTER_LINEAR);
            std::vector<uchar> jpeg;
            cv::imencode(".jpg", canvas, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
            const QByteArray bytes(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size()));
            const double c0 = cpuSeconds();
            const FaceDetection d = pool.detectEncoded(bytes, *probeImage(bytes));
            cpu += cpuSeconds() - c0;
            bool hit = false;
            for (const DetectedFace& f : d.faces) {
                if (iou(f.box, at) >= 0.3 && !hit) {
                    hit = true;
                    if (f.eyes) ++withEyes;
                } else ++falseBoxes;
            }
            if (hit) ++found;
        }
        print("photos_images", n);
        print("photos_face_found_rate", double(found) / n);
        print("photos_eyes_rate", double(withEyes) / n);
        print("photos_false_boxes_per_image", double(falseBoxes) / n);
        print("photos_ms_per_image", 1000 * cpu / n);
    }

    if (args.contains(QStringLiteral("--no-training"))) return 0;
    const int f = int(args.indexOf(QStringLiteral("--framings")));
    const QStringList framings = f >= 0 && f + 1 < args.size() ? args[f + 1].split(',')
                                                                : QStringList{"whole", "aligned"};
    return alignmentEffect(facesDev, framings, option("--epochs", 15), option("--size", 64), quint64(option("--seed", 7)),
                           option("--minutes", 20));
}
