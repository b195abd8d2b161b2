// Training throughput of Exemplar against the same network, data and augmentation trained with
// PyTorch in Python (bench_train_pytorch.py). Last line: `speedup_vs_pytorch: X.XX`.
// Usage: bench_train_speed [epochs=3] [threads=0 (all cores)]
#include "FacesDevTasks.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/TrainingJob.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>
#include <thread>

using namespace exemplar::learning;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int epochs = argc > 1 ? atoi(argv[1]) : 3;
    const int threads = argc > 2 ? atoi(argv[2]) : 0;
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (!facesDevPresent(facesDev)) return 1;
    const QStringList classes{"happiness", "sadness", "anger", "surprise"};
    const LabelledFolder folder = readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images",
                                                     "expression", classes);
    TrainingConfig config;
    config.epochs = epochs;
    config.patience = 0;
    config.threads = threads;
    QTemporaryDir work;
    std::vector<double> rates;
    TrainingCallbacks cb;
    cb.onEpoch = [&](const EpochProgress& e) {
        rates.push_back(e.imagesPerSecond);
        std::printf("exemplar epoch %d: %.1f images/s (val macro-F1 %.3f)\n", e.epoch, e.imagesPerSecond,
                    e.valMacroF1);
        std::fflush(stdout);
    };
    TrainingJob job(folder.data, config, work.path(), cb);
    const TrainingResult r = job.run();
    if (r.status != TrainingStatus::Finished) {
        std::printf("training failed: %s\n", qPrintable(r.error));
        return 1;
    }
    // The first epoch carries warm-up costs (allocator, oneDNN kernel selection).
    double exemplarRate = 0;
    const size_t first = rates.size() > 1 ? 1 : 0;
    for (size_t i = first; i < rates.size(); ++i) exemplarRate += rates[i];
    exemplarRate /= double(rates.size() - first);
    const int usedThreads = threads > 0 ? threads : int(std::thread::hardware_concurrency());
    std::printf("exemplar_images_per_second: %.2f (compact, 64x64 gray, batch %d, %d threads)\n",
                exemplarRate, config.batchSize, usedThreads);
    std::fflush(stdout);

    // PyTorch is run twice: as a user gets it (glibc's default malloc settings), and with the
    // malloc settings Exemplar applies to itself (core/learning/TorchRuntime.cpp), so the figure
    // that is down to the allocator and the one that is down to the training loop can be told apart.
    const QString script = QFileInfo(QStringLiteral(__FILE__)).absolutePath() + "/bench_train_pytorch.py";
    auto runPytorch = [&](const char* label, bool tunedAllocator) -> double {
        QProcess python;
        python.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (tunedAllocator) {
            env.insert("MALLOC_MMAP_THRESHOLD_", QString::number(1 << 30));
            env.insert("MALLOC_TRIM_THRESHOLD_", QString::number(1 << 30));
            env.insert("MALLOC_TOP_PAD_", QString::number(64 << 20));
        }
        python.setProcessEnvironment(env);
        python.start("/usr/bin/python3", {script, "--faces-dev", facesDev, "--epochs", QString::number(epochs),
                                          "--threads", QString::number(usedThreads)});
        if (!python.waitForFinished(-1) || python.exitCode() != 0) return -1;
        double rate = 0;
        for (const QString& line : QString::fromUtf8(python.readAllStandardOutput()).split('\n')) {
            if (!line.trimmed().isEmpty()) std::printf("pytorch (%s) %s\n", label, qPrintable(line));
            if (line.startsWith("images_per_second:")) rate = line.section(':', 1).toDouble();
        }
        std::fflush(stdout);
        return rate;
    };
    const double tunedRate = runPytorch("Exemplar's malloc settings", true);
    const double pytorchRate = runPytorch("default malloc", false);
    if (tunedRate < 0 || pytorchRate < 0) {
        std::printf("the PyTorch reference failed (needs python3-torch, python3-torchvision)\n");
        return 1;
    }
    std::printf("pytorch_tuned_allocator_images_per_second: %.2f\n", tunedRate);
    std::printf("speedup_vs_pytorch_tuned_allocator: %.2f\n", tunedRate > 0 ? exemplarRate / tunedRate : 0.0);
    std::printf("pytorch_images_per_second: %.2f\n", pytorchRate);
    std::printf("speedup_vs_pytorch: %.2f\n", pytorchRate > 0 ? exemplarRate / pytorchRate : 0.0);
    return 0;
}
