// Inference throughput of an exported compact model: from decoded images (model only) and from
// JPEG files (decode + model). Trains a 1-epoch model on faces-dev first unless given a model dir.
// Usage: bench_infer [model_dir] [batch=64]
#include "FacesDevTasks.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/FaceImage.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/TrainingJob.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>

using namespace exemplar::learning;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (!facesDevPresent(facesDev)) return 1;
    const int batch = argc > 2 ? atoi(argv[2]) : 64;
    const LabelledFolder folder = readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images",
                                                     "expression", {"happiness", "sadness", "anger", "surprise"});
    QTemporaryDir work;
    QString modelDir = argc > 1 ? argv[1] : QString();
    if (modelDir.isEmpty()) {
        TrainingConfig config;
        config.epochs = 1;
        TrainingJob job(folder.data, config, work.path());
        const TrainingResult r = job.run();
        if (r.status != TrainingStatus::Finished) {
            std::printf("training failed: %s\n", qPrintable(r.error));
            return 1;
        }
        modelDir = r.modelDir;
    }
    ExportedModel model = ExportedModel::load(modelDir);
    model.setThreads(0);
    QStringList files;
    for (const auto& s : folder.data.samples) files << s.path;

    std::vector<cv::Mat> decoded;
    for (const QString& f : files) decoded.push_back(cv::imread(f.toStdString(), cv::IMREAD_GRAYSCALE));
    model.predictImages(std::vector<cv::Mat>(decoded.begin(), decoded.begin() + batch), batch); // warm-up
    QElapsedTimer t;
    t.start();
    const auto a = model.predictImages(decoded, batch);
    const double modelRate = a.size() / (t.nsecsElapsed() / 1e9);
    t.restart();
    const auto b = model.predictFiles(files, nullptr, nullptr, {}, batch);
    const double fileRate = b.size() / (t.nsecsElapsed() / 1e9);
    std::printf("images: %d, batch %d, model %s (%dpx)\n", int(files.size()), batch,
                qPrintable(model.sidecar()["config"].toObject()["model"].toString()), model.imageSize());
    std::printf("decoded_images_per_second: %.1f (resize + model)\n", modelRate);
    std::printf("file_images_per_second: %.1f (JPEG decode + resize + model)\n", fileRate);
    return 0;
}
