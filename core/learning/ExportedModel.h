#pragma once
// An exported model directory (model.pt TorchScript + model.json sidecar), loaded without the
// catalogue, to classify image files. Torch-free header (pimpl). Also loadable from Python:
// torch.jit.load("model.pt") takes [B,C,S,S] floats in [0,1] and returns logits.
#include "core/learning/FaceImage.h"
#include "core/util/Cancellation.h"
#include "core/util/Error.h"

#include <QJsonObject>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace cv { class Mat; }

namespace exemplar::learning {

class ExportedModel {
public:
    static constexpr const char* kModelFile = "model.pt";
    static constexpr const char* kSidecarFile = "model.json";

    static constexpr const char* kRunSubfolder = "model"; // where a training run's folder keeps its model

    // The model folder `dir` names: `dir` itself when it holds model.json, else the model/ folder
    // of a training run's folder (what `train --out` made). Throws exemplar::Error naming both
    // paths looked at when neither holds a model. Every reader of a model folder goes through it.
    static QString resolveDir(const QString& dir);
    // Loads the model of resolveDir(dir). Throws exemplar::Error naming the directory when a file
    // is missing or unreadable.
    static ExportedModel load(const QString& dir);
    ExportedModel(ExportedModel&&) noexcept;
    ExportedModel& operator=(ExportedModel&&) noexcept;
    ~ExportedModel();

    QString task() const;
    QStringList classes() const;
    int imageSize() const;
    bool grayscale() const;
    FaceSampling faceSampling() const; // how faces are scaled to imageSize() (FaceImage.h)
    QJsonObject sidecar() const; // the whole model.json

    struct Prediction {
        QString file;
        int classIndex = -1;
        QString className;
        std::vector<float> probabilities; // in classes() order
        std::vector<float> embedding;     // penultimate features; only from scoreFiles()
    };

    // Classifies files in batches, framed like the training images (faceFramingOfSidecar): the
    // same pixels as the training run's own evaluation. Files that cannot be decoded are left out and reported in
    // `issues` (when given). progress(done, total) after each batch.
    std::vector<Prediction> predictFiles(const QStringList& files, std::vector<Issue>* issues = nullptr,
                                         const CancelFlag* cancel = nullptr,
                                         const std::function<void(int, int)>& progress = {},
                                         int batchSize = 64) const;
    // predictFiles() that also returns each image's embedding (the model's penultimate features)
    // when the model has one (see hasEmbedding()); for mining and near-duplicate search.
    std::vector<Prediction> scoreFiles(const QStringList& files, std::vector<Issue>* issues = nullptr,
                                       const CancelFlag* cancel = nullptr,
                                       const std::function<void(int, int)>& progress = {},
                                       int batchSize = 64) const;
    // Models exported before embed() existed have none: callers fall back to the probabilities.
    bool hasEmbedding() const;

    // One already-decoded OpenCV image (BGR or grayscale, any size), taken as already framed:
    // centre square, resized with the model's sampling. The model's face framing is NOT applied
    // here; give face crops (FaceImage.h cropDetectedFace) or use predictFiles().
    Prediction predictImage(const cv::Mat& image) const;
    // Already-decoded images, in batches (the decoding-free path, e.g. for a GUI that holds them).
    std::vector<Prediction> predictImages(const std::vector<cv::Mat>& images, int batchSize = 64) const;

    // Thread count for inference (0: all cores). Applies to the process's torch pool.
    void setThreads(int threads);

private:
    struct Impl;
    explicit ExportedModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace exemplar::learning
