#include "core/learning/ExportedModel.h"

#include "core/imaging/FaceDetectorPool.h"
#include "core/learning/FaceImage.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/internal/ImageTensors.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <torch/script.h>

#include <thread>

namespace exemplar::learning {

struct ExportedModel::Impl {
    mutable torch::jit::Module module;
    QJsonObject sidecar;
    QStringList classes;
    int size = 64;
    bool gray = true;
    // The training run's framing (sidecar config "face"), so files are framed as in training.
    FaceFraming framing = FaceFraming::Whole;
    FaceSampling sampling = FaceSampling::Area; // sidecar config "face_sampling"
    std::unique_ptr<FaceDetectorPool> detectors; // Box/Aligned only

    bool hasEmbed() const { return module.find_method("embed").has_value(); }

    std::vector<Prediction> classify(const torch::Tensor& batchU8, const QStringList& files,
                                     bool withEmbedding = false) const
    {
        torch::NoGradGuard noGrad;
        const auto x = batchU8.to(torch::kFloat).div_(255);
        torch::Tensor logits, features;
        if (withEmbedding && module.find_method("classify_embed")) {
            // Backbone exports: scores and features from one pass through the pretrained graph.
            const auto both = module.get_method("classify_embed")({x}).toTuple();
            logits = both->elements()[0].toTensor();
            features = both->elements()[1].toTensor().contiguous();
        } else if (withEmbedding && hasEmbed()) {
            features = module.get_method("embed")({x}).toTensor().contiguous();
            // Our exporter's forward() is linear(embed(x)): apply the classifier to the features
            // rather than running the network twice. Other exporters may not expose it.
            if (module.hasattr("classifier_w") && module.hasattr("classifier_b"))
                logits = torch::linear(features, module.attr("classifier_w").toTensor(),
                                       module.attr("classifier_b").toTensor());
            else
                logits = module.forward({x}).toTensor();
        } else {
            logits = module.forward({x}).toTensor();
        }
        const auto probs = torch::softmax(logits, 1).contiguous();
        std::vector<Prediction> out;
        const int k = int(classes.size());
        for (int64_t i = 0; i < probs.size(0); ++i) {
            Prediction p;
            p.file = files.value(int(i));
            const float* row = probs.data_ptr<float>() + i * k;
            p.probabilities.assign(row, row + k);
            p.classIndex = int(std::max_element(row, row + k) - row);
            p.className = classes.value(p.classIndex);
            if (features.defined()) {
                const int64_t dim = features.size(1);
                const float* f = features.data_ptr<float>() + i * dim;
                p.embedding.assign(f, f + dim);
            }
            out.push_back(std::move(p));
        }
        return out;
    }

    std::vector<Prediction> classifyFiles(const QStringList& files, std::vector<Issue>* issues,
                                          const CancelFlag* cancel, const std::function<void(int, int)>& progress,
                                          int batchSize, bool withEmbedding) const;
};

ExportedModel::ExportedModel(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
ExportedModel::ExportedModel(ExportedModel&&) noexcept = default;
ExportedModel& ExportedModel::operator=(ExportedModel&&) noexcept = default;
ExportedModel::~ExportedModel() = default;

QString ExportedModel::resolveDir(const QString& dir)
{
    if (QFileInfo::exists(QDir(dir).filePath(kSidecarFile))) return dir;
    const QString runModel = QDir(dir).filePath(kRunSubfolder);
    if (QFileInfo::exists(QDir(runModel).filePath(kSidecarFile))) return runModel;
    throw Error(QStringLiteral("%1: no model here: neither %2 nor %3 exists (give an exported model folder, or the "
                               "folder a training run wrote with --out)")
                    .arg(dir, QDir(dir).filePath(kSidecarFile), QDir(runModel).filePath(kSidecarFile)));
}

ExportedModel ExportedModel::load(const QString& modelOrRunDir)
{
    const QString dir = resolveDir(modelOrRunDir);
    auto impl = std::make_unique<Impl>();
    QFile f(QDir(dir).filePath(kSidecarFile));
    if (!f.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: no model description (%2 missing or unreadable)")
                        .arg(dir, QLatin1String(kSidecarFile)));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
    if (!doc.isObject() || doc.object()["format"].toString() != QLatin1String("exemplar-model"))
        throw Error(QStringLiteral("%1: not an Exemplar model description").arg(f.fileName()));
    impl->sidecar = doc.object();
    for (const auto& c : impl->sidecar["classes"].toArray()) impl->classes << c.toString();
    const QJsonObject input = impl->sidecar["input"].toObject();
    impl->size = input["size"].toInt();
    impl->gray = input["channels"].toInt() == 1;
    if (impl->classes.size() < 2 || impl->size < 8)
        throw Error(QStringLiteral("%1: classes or input size missing").arg(f.fileName()));
    try {
        impl->framing = faceFramingOfSidecar(impl->sidecar);
        impl->sampling = faceSamplingOfSidecar(impl->sidecar);
    } catch (const Error& e) {
        throw Error(QStringLiteral("%1: %2").arg(f.fileName(), e.message()));
    }
    // Missing cascades are reported when the model is loaded, not at the first file.
    if (impl->framing != FaceFraming::Whole) impl->detectors = std::make_unique<FaceDetectorPool>();
    const QString modelPath = QDir(dir).filePath(kModelFile);
    try {
        impl->module = torch::jit::load(modelPath.toStdString());
    } catch (const std::exception& e) {
        throw Error(QStringLiteral("%1: cannot load the TorchScript model (%2)")
                        .arg(modelPath, QString::fromUtf8(e.what()).section('\n', 0, 0)));
    }
    impl->module.eval();
    configureTorchRuntime(0);
    return ExportedModel(std::move(impl));
}

QString ExportedModel::task() const { return d->sidecar["task"].toString(); }
QStringList ExportedModel::classes() const { return d->classes; }
int ExportedModel::imageSize() const { return d->size; }
bool ExportedModel::grayscale() const { return d->gray; }
FaceSampling ExportedModel::faceSampling() const { return d->sampling; }
QJsonObject ExportedModel::sidecar() const { return d->sidecar; }

void ExportedModel::setThreads(int threads)
{
    configureTorchRuntime(threads);
}

bool ExportedModel::hasEmbedding() const { return d->hasEmbed(); }

std::vector<ExportedModel::Prediction> ExportedModel::predictFiles(
    const QStringList& files, std::vector<Issue>* issues, const CancelFlag* cancel,
    const std::function<void(int, int)>& progress, int batchSize) const
{
    return d->classifyFiles(files, issues, cancel, progress, batchSize, false);
}

std::vector<ExportedModel::Prediction> ExportedModel::scoreFiles(
    const QStringList& files, std::vector<Issue>* issues, const CancelFlag* cancel,
    const std::function<void(int, int)>& progress, int batchSize) const
{
    return d->classifyFiles(files, issues, cancel, progress, batchSize, true);
}

std::vector<ExportedModel::Prediction> ExportedModel::Impl::classifyFiles(
    const QStringList& files, std::vector<Issue>* issues, const CancelFlag* cancel,
    const std::function<void(int, int)>& progress, int batchSize, bool withEmbedding) const
{
    std::vector<Prediction> out;
    batchSize = std::clamp(batchSize, 1, int(facesPerChunk(size))); // large inputs: smaller batches run faster
    for (int b = 0; b < files.size(); b += batchSize) {
        if (cancel && cancel->isCancelled()) break;
        const QStringList chunk = files.mid(b, batchSize);
        const DecodedImages decoded = decodeImages(chunk, size, gray, cancel, {}, framing, detectors.get(), sampling);
        if (issues) issues->insert(issues->end(), decoded.issues.begin(), decoded.issues.end());
        if (!decoded.kept.empty()) {
            QStringList keptFiles;
            for (int i : decoded.kept) keptFiles << chunk[i];
            auto preds = classify(decoded.pixels, keptFiles, withEmbedding);
            std::move(preds.begin(), preds.end(), std::back_inserter(out));
        }
        if (progress) progress(std::min<int>(b + batchSize, int(files.size())), int(files.size()));
    }
    return out;
}

ExportedModel::Prediction ExportedModel::predictImage(const cv::Mat& image) const
{
    const cv::Mat prepared = prepareFaceImage(image, d->size, d->gray, d->sampling);
    if (prepared.empty()) throw Error(QStringLiteral("predict: the image is empty"));
    return d->classify(toTensor(prepared).unsqueeze(0), {QString()}).front();
}

std::vector<ExportedModel::Prediction> ExportedModel::predictImages(const std::vector<cv::Mat>& images,
                                                                   int batchSize) const
{
    std::vector<Prediction> out;
    batchSize = std::max(1, batchSize);
    for (size_t b = 0; b < images.size(); b += size_t(batchSize)) {
        const size_t end = std::min(images.size(), b + size_t(batchSize));
        std::vector<torch::Tensor> batch;
        for (size_t i = b; i < end; ++i) {
            const cv::Mat prepared = prepareFaceImage(images[i], d->size, d->gray, d->sampling);
            if (prepared.empty()) throw Error(QStringLiteral("predict: image %1 is empty").arg(i));
            batch.push_back(toTensor(prepared));
        }
        auto preds = d->classify(torch::stack(batch), QStringList());
        std::move(preds.begin(), preds.end(), std::back_inserter(out));
    }
    return out;
}

} // namespace exemplar::learning
