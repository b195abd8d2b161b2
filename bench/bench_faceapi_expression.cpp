// Would a second expression model help #8? face-api's expression network (npm @vladmandic/face-api
// 1.7.15, MIT; its weights manifest holds no graph, so the product builds the network from face-api's
// source: FaceApiExpressionGraph.h), scored on every labelled face of a
// faces-dev expression task: zero-shot and with class biases fitted in a 5-fold cross-validation by
// identity (the product's fitLinear), over the face and its mirror and over the nine test-time views,
// alone and averaged with the emotion model's view logits (bench_frozen_heads' cache, when there).
// bench/faceapi_expression/ holds the same network written in TF.js ops (an earlier exploration).
//
//   npm pack @vladmandic/face-api@1.7.15 && tar xzf vladmandic-face-api-1.7.15.tgz
//   bench_faceapi_expression [expression4|expression6] [FACE_API_MODEL_DIR=package/model] [pad|centre]
// pad (default): the whole image padded to a square, as face-api frames; centre: the centre
// square, as the product frames faces.
#include "FacesDevTasks.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/Metrics.h"
#include "core/learning/Split.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/internal/LinearFit.h"
#include "core/learning/internal/TestTimeViews.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/FaceApiExpressionGraph.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsGraphModule.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

// face-api's network as the product builds it (FaceApiExpressionGraph.h), seven logits of
// [N, 3, 112, 112] RGB 0..255.
class FaceApiExpressionNet {
public:
    explicit FaceApiExpressionNet(const QString& dir)
        : graph_(readTfjsGraphModel(QDir(dir).filePath(pretrainedModelInfo("faceapi").fileName)))
    {
        graph_->eval();
    }
    torch::Tensor logits(const torch::Tensor& x)
    {
        torch::NoGradGuard noGrad;
        return graph_->forwardTo(x, QString::fromLatin1(kFaceApiLogitsNode));
    }

private:
    TfjsGraphModule graph_{nullptr};
};

// The whole image padded to a square with black (as face-api pads), or its centre square (as the
// product frames faces), TF.js's legacy bilinear resize to 112, RGB 0..255 as [3, 112, 112].
torch::Tensor faceApiInput(const QString& path, bool centre)
{
    const cv::Mat decoded = cv::imread(path.toStdString(), cv::IMREAD_COLOR);
    if (decoded.empty()) throw Error(QStringLiteral("%1: cannot be decoded").arg(path));
    if (centre) {
        const cv::Mat image = faceModelImage(decoded, 112, false) * 255.0;
        return torch::from_blob(const_cast<float*>(image.ptr<float>()), {112, 112, 3}).permute({2, 0, 1}).clone();
    }
    const int side = std::max(decoded.rows, decoded.cols);
    cv::Mat square;
    cv::copyMakeBorder(decoded, square, (side - decoded.rows) / 2, side - decoded.rows - (side - decoded.rows) / 2,
                       (side - decoded.cols) / 2, side - decoded.cols - (side - decoded.cols) / 2, cv::BORDER_CONSTANT,
                       cv::Scalar::all(0));
    cv::Mat rgb;
    cv::cvtColor(square, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(rgb, CV_32FC3);
    const cv::Mat resized = legacyResizeBilinear(rgb, 112, 112);
    return torch::from_blob(const_cast<float*>(resized.ptr<float>()), {112, 112, 3}).permute({2, 0, 1}).clone();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString which = argc > 1 ? argv[1] : "expression6";
    const QString modelDir = argc > 2 ? argv[2] : "package/model";
    const bool centre = argc > 3 && QString(argv[3]) == "centre";
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (!facesDevPresent(facesDev)) return 1;
    const std::optional<FacesDevTask> task = facesDevTask(which);
    if (!task || task->column != QLatin1String("expression")) return 1;
    try {
        configureTorchRuntime(0);
        FaceApiExpressionNet net(modelDir);
        const TrainingData data =
            readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images", task->column, task->classes).data;
        const int64_t n = int64_t(data.samples.size()), classes = int64_t(data.classNames.size());
        std::printf("%s: %lld faces\n", qPrintable(which), static_cast<long long>(n));
        std::fflush(stdout);
        torch::Tensor single = torch::zeros({n, 7}), views = torch::zeros({n, 7});
        const std::vector<TestTimeView> nine = testTimeViews(112);
        for (int64_t start = 0; start < n; start += 64) {
            const int64_t end = std::min(n, start + 64);
            std::vector<torch::Tensor> images(size_t(end - start));
            cv::parallel_for_(cv::Range(int(start), int(end)), [&](const cv::Range& r) {
                for (int i = r.start; i < r.end; ++i) images[size_t(i - start)] = faceApiInput(data.samples[size_t(i)].path, centre);
            });
            const auto x = torch::stack(images);
            single.narrow(0, start, end - start).copy_((net.logits(x) + net.logits(x.flip({3}))) / 2);
            torch::Tensor sum = torch::zeros({end - start, 7});
            for (const TestTimeView& v : nine) {
                const auto vx = viewOf(x, v);
                sum += net.logits(vx) + net.logits(vx.flip({3}));
            }
            views.narrow(0, start, end - start).copy_(sum / double(2 * nine.size()));
        }
        // The task's classes out of each model's seven, as log-probabilities (the product's class
        // mapping: mapPretrainedClasses).
        auto taskLogProbs = [&](const torch::Tensor& logits, const QString& model) {
            const std::vector<int> taskOf = mapPretrainedClasses(model, data.classNames);
            std::vector<int64_t> columns;
            for (int t = 0; t < int(data.classNames.size()); ++t)
                columns.push_back(int64_t(std::find(taskOf.begin(), taskOf.end(), t) - taskOf.begin()));
            return torch::log_softmax(logits, 1).index_select(1, torch::tensor(columns));
        };
        std::map<std::string, torch::Tensor> inputs{{"face-api", taskLogProbs(single, "faceapi")},
                                                    {"face-api views", taskLogProbs(views, "faceapi")}};
        const QString cache = QDir::temp().filePath(
            QStringLiteral("exemplar-frozen-views2-emotion-%1-model-%2.pt").arg(which).arg(n));
        if (QFileInfo::exists(cache)) {
            std::vector<torch::Tensor> saved;
            torch::load(saved, cache.toStdString());
            const auto emotion = taskLogProbs(saved[2], "emotion");
            inputs["emotion views"] = emotion;
            inputs["both views (mean)"] = (emotion + inputs["face-api views"]) / 2;
        } else {
            std::printf("(no %s: run bench_frozen_heads %s 0 model for the emotion model's side)\n", qPrintable(cache),
                        qPrintable(which));
        }
        std::vector<int> truth;
        for (const TrainingSample& s : data.samples) truth.push_back(s.label);
        const std::vector<int> fold = identityFolds(data.samples, 5, 1);
        const std::vector<bool> filmStill = facesDevFilmStills(facesDev, data.samples);
        auto report = [&](const std::string& name, const torch::Tensor& logits) {
            const auto predicted = logits.argmax(1);
            std::vector<int> all, film, photos, allTruth, filmTruth, photoTruth;
            for (int64_t i = 0; i < n; ++i) {
                const int p = int(predicted[i].item<int64_t>());
                all.push_back(p);
                allTruth.push_back(truth[size_t(i)]);
                const bool still = filmStill[size_t(i)];
                (still ? film : photos).push_back(p);
                (still ? filmTruth : photoTruth).push_back(truth[size_t(i)]);
            }
            std::printf("  %-32s balanced accuracy %.4f  film %.4f  photos %.4f  macro-F1 %.4f\n", name.c_str(),
                        computeMetrics(allTruth, all, data.classNames).balancedAccuracy,
                        computeMetrics(filmTruth, film, data.classNames).balancedAccuracy,
                        computeMetrics(photoTruth, photos, data.classNames).balancedAccuracy,
                        computeMetrics(allTruth, all, data.classNames).macroF1);
        };
        std::printf("every labelled face; class biases fitted by 5-fold cross-validation by identity:\n");
        for (const auto& [name, x] : inputs) {
            report(name + " zero-shot", x);
            torch::Tensor pooled = torch::zeros_like(x);
            for (int f = 0; f < 5; ++f) {
                std::vector<int64_t> train, held;
                std::vector<int> labels;
                for (int64_t i = 0; i < n; ++i) {
                    if (fold[size_t(i)] == f) {
                        held.push_back(i);
                    } else {
                        train.push_back(i);
                        labels.push_back(truth[size_t(i)]);
                    }
                }
                const LinearFit fit = fitLinear(x.index_select(0, torch::tensor(train)), labels, torch::eye(classes),
                                                std::numeric_limits<double>::infinity());
                const auto rows = torch::tensor(held);
                pooled.index_copy_(0, rows, x.index_select(0, rows) + fit.biases);
            }
            report(name + " biases", pooled);
        }
    } catch (const Error& e) {
        std::printf("error: %s\n", qPrintable(e.message()));
        return 1;
    }
    return 0;
}
