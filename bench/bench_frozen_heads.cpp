// How far the pretrained models' features go on faces-dev's expression tasks with ~90-190 faces per
// rare class: linear heads on frozen features, measured over many identity-disjoint splits (one
// split's test set holds ~16-22 faces per rare class, so one split moves balanced accuracy by
// +-0.04; the mean over ten is what tells two methods apart).
//
//   bench_frozen_heads [expression4|expression6] [splits=10] [model|area|tfjs] [faceres]
//
// Features are computed once per image and orientation (the model's own preprocessing, as
// zero-shot uses it), averaged over the face and its mirror image, and cached in the temp dir.
// Per split (seed 1..splits, the trainer's splitByIdentity with its default 15%/15%), each head is
// a class-weighted logistic regression fitted on the training part, its L2 penalty pulling the
// weights towards where they start (the zero-shot mapping of the emotion model's logits; zero for
// features), for several penalty strengths; "valsel" picks the strength on validation.
// Heads: prior (the emotion logits only), emotion+features (+ its 256 pooled features),
// faceres+logits (+ faceres' 1024-d embedding); "views": the emotion logits averaged over the nine
// test-time views and their mirrors (internal/TestTimeViews.h, as backbone_fit class_biases scores
// faces), zero-shot and as the prior's input; "penalty=inf" fits the biases alone (as backbone_fit
// class_biases does). Prints `name: mean` lines and one row per head, then a pooled 5-fold
// cross-validation by identity (every face scored once; splits=0 prints only that): the splits'
// test sets hold few people of the rarest classes (expression6: one disgust face each), so their
// balanced accuracy moves by 1/6 with that one face.
// (Views cut from the decoded 350 px image instead of the 64 px input scored lower: 0.795
// zero-shot, 4 classes.)
#include "FacesDevTasks.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/Metrics.h"
#include "core/learning/Split.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/TrainingConfig.h"
#include "core/learning/FaceImage.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/ImageTensors.h"
#include "core/learning/internal/TestTimeViews.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <cstdio>
#include <limits>
#include <map>

using namespace exemplar;
using namespace exemplar::learning;

namespace {

struct FrozenFeatures {
    torch::Tensor features, logits; // [N, F] and [N, K], averaged over the face and its mirror
    torch::Tensor viewLogits;       // [N, K] averaged over the test-time views and their mirrors
};

FrozenFeatures frozenFeatures(const TrainingData& data, const QString& model, const QString& task,
                              const QString& decode)
{
    const QString cache = QDir::temp().filePath(QStringLiteral("exemplar-frozen-views-%1-%2-%3-%4.pt")
                                                    .arg(model, task, decode)
                                                    .arg(data.samples.size()));
    if (QFileInfo::exists(cache)) {
        std::vector<torch::Tensor> saved;
        torch::load(saved, cache.toStdString());
        return {saved[0], saved[1], saved[2]};
    }
    TrainingConfig config;
    config.backbone = model;
    auto net = std::dynamic_pointer_cast<BackboneNetImpl>(makeNetwork(config, data.classNames));
    net->eval();
    const PretrainedModelInfo info = pretrainedModelInfo(model);
    const int size = info.inputSize, channels = info.grayscale ? 1 : 3;
    std::vector<torch::Tensor> features, logits, viewLogits;
    const size_t chunk = 32;
    for (size_t start = 0; start < data.samples.size(); start += chunk) {
        const size_t end = std::min(data.samples.size(), start + chunk);
        std::vector<torch::Tensor> images(end - start);
        cv::parallel_for_(cv::Range(int(start), int(end)), [&](const cv::Range& range) {
            for (int i = range.start; i < range.end; ++i) {
                const QString& path = data.samples[size_t(i)].path;
                if (decode != QLatin1String("model")) {
                    const cv::Mat prepared = loadFaceImage(path, size, info.grayscale, faceSamplingFromName(decode));
                    if (prepared.empty()) throw Error(QStringLiteral("%1: cannot be decoded").arg(path));
                    images[size_t(i) - start] = toTensor(prepared).to(torch::kFloat) / 255.0;
                    continue;
                }
                const cv::Mat decoded = cv::imread(path.toStdString(), cv::IMREAD_COLOR);
                if (decoded.empty()) throw Error(QStringLiteral("%1: cannot be decoded").arg(path));
                std::vector<float> input = faceModelInput(decoded, size, info.grayscale);
                auto t = torch::from_blob(input.data(), {size, size, channels}).permute({2, 0, 1}).clone();
                // faceModelInput scales gray models to [-1, 1]; the network wants [0, 1] and scales itself.
                images[size_t(i) - start] = info.grayscale ? (t + 1) / 2 : t;
            }
        });
        const auto x = torch::stack(images);
        torch::NoGradGuard noGrad;
        const auto [f0, z0] = net->features(x);
        const auto [f1, z1] = net->features(x.flip({3}));
        features.push_back((f0 + f1) / 2);
        logits.push_back((z0 + z1) / 2);
        // Views for the emotion model only: faceres at 224 px would take 18 times its single pass.
        torch::Tensor sum = torch::zeros_like(z0);
        const std::vector<TestTimeView> views =
            model == QLatin1String("emotion") ? testTimeViews(size) : std::vector<TestTimeView>{{0, 0, 0, size}};
        for (const TestTimeView& view : views) {
            const auto v = viewOf(x, view);
            sum += net->features(v).second + net->features(v.flip({3})).second;
        }
        viewLogits.push_back(sum / double(2 * views.size()));
    }
    FrozenFeatures out{torch::cat(features), torch::cat(logits), torch::cat(viewLogits)};
    torch::save(std::vector<torch::Tensor>{out.features, out.logits, out.viewLogits}, cache.toStdString());
    return out;
}

double balancedAccuracy(const torch::Tensor& logits, const std::vector<int>& truth, const std::vector<int64_t>& rows,
                        const QStringList& classes)
{
    const auto predicted = logits.index_select(0, torch::tensor(rows)).argmax(1);
    std::vector<int> p, t;
    for (size_t i = 0; i < rows.size(); ++i) {
        p.push_back(int(predicted[int64_t(i)].item<int64_t>()));
        t.push_back(truth[size_t(rows[i])]);
    }
    return computeMetrics(t, p, classes).balancedAccuracy;
}

// Class-weighted logistic regression, full batch: a few hundred Adam steps on a convex loss of at
// most ~1,300 inputs converge; no need for a solver library. Returns the logits of every row of x.
torch::Tensor fitAndScore(const torch::Tensor& x, const std::vector<int64_t>& trainRows, const torch::Tensor& labels,
                          int classes, double penalty, const torch::Tensor& start)
{
    const auto rows = torch::tensor(trainRows);
    const auto xTrain = x.index_select(0, rows), yTrain = labels.index_select(0, rows);
    // An infinite penalty keeps the weights where they start: only the biases are fitted, as
    // backbone_fit class_biases does.
    const bool biasesOnly = std::isinf(penalty);
    auto w = start.clone().requires_grad_(!biasesOnly);
    auto b = torch::zeros({classes}).requires_grad_(true);
    const auto counts = torch::bincount(yTrain, {}, classes).to(torch::kFloat);
    const auto classWeights = counts.sum() / (classes * counts.clamp_min(1));
    torch::optim::Adam optimiser(biasesOnly ? std::vector<torch::Tensor>{b} : std::vector<torch::Tensor>{w, b},
                                 torch::optim::AdamOptions(0.05));
    namespace F = torch::nn::functional;
    for (int step = 0; step < 300; ++step) {
        optimiser.zero_grad();
        const auto loss = F::cross_entropy(xTrain.matmul(w.t()) + b, yTrain,
                                           F::CrossEntropyFuncOptions().weight(classWeights)) +
                          (biasesOnly ? 0.0 : penalty) * (w - start).pow(2).sum();
        loss.backward();
        optimiser.step();
    }
    torch::NoGradGuard noGrad;
    return x.matmul(w.t()) + b;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString which = argc > 1 ? argv[1] : "expression4";
    const int splits = argc > 2 ? atoi(argv[2]) : 10;
    // "model": the model's own preprocessing in float (FaceModelInput); "area" or "tfjs": a training
    // run's 8-bit faces with that sampling (FaceImage.h).
    const QString decode = argc > 3 ? argv[3] : "model";
    const QString facesDev = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (!facesDevPresent(facesDev)) return 1;
    const std::optional<FacesDevTask> task = facesDevTask(which);
    if (!task) return 1;
    if (task->pretrained != QLatin1String("emotion")) {
        std::printf("%s: the heads read the emotion model; use expression4 or expression6\n", qPrintable(which));
        return 1;
    }
    try {
        configureTorchRuntime(0);
        const TrainingData data =
            readLabelledFolder(facesDev + "/labels.csv", facesDev + "/images", task->column, task->classes).data;
        const int classes = int(data.classNames.size());
        std::printf("%s: %zu faces, %d identity-disjoint splits\n", qPrintable(which), data.samples.size(), splits);
        std::fflush(stdout);
        const FrozenFeatures emotion = frozenFeatures(data, QStringLiteral("emotion"), which, decode);
        // faceres' features only when asked: at 224 px they take most of the run.
        const bool withFaceres = argc > 4 && QLatin1String(argv[4]) == QLatin1String("faceres");
        const FrozenFeatures faceres =
            withFaceres ? frozenFeatures(data, QStringLiteral("faceres"), which, decode) : FrozenFeatures{};
        std::vector<int> truth;
        for (const TrainingSample& s : data.samples) truth.push_back(s.label);
        const auto labels = torch::tensor(std::vector<int64_t>(truth.begin(), truth.end()));
        // The zero-shot mapping (happy -> happiness, ...) as a [classes, 7] matrix.
        const std::vector<int> taskOf = mapPretrainedClasses(QStringLiteral("emotion"), data.classNames);
        auto mapping = torch::zeros({classes, int64_t(taskOf.size())});
        for (size_t m = 0; m < taskOf.size(); ++m)
            if (taskOf[m] >= 0) mapping[taskOf[m]][int64_t(m)] = 1.0;

        const std::vector<double> penalties{std::numeric_limits<double>::infinity(), 100, 10, 1, 0.3, 0.1};
        std::map<std::string, std::vector<double>> test, validation; // head -> score per split
        std::vector<std::string> order;
        for (int seed = 1; seed <= splits; ++seed) {
            const auto split = splitByIdentity(data.samples, classes, {0.15, 0.15}, quint64(seed));
            std::vector<int64_t> trainRows, valRows, testRows;
            for (size_t i = 0; i < split.size(); ++i)
                (split[i] == SplitPart::Train ? trainRows : split[i] == SplitPart::Validation ? valRows : testRows)
                    .push_back(int64_t(i));
            auto record = [&](const std::string& name, const torch::Tensor& logits) {
                if (!test.count(name)) order.push_back(name);
                test[name].push_back(balancedAccuracy(logits, truth, testRows, data.classNames));
                validation[name].push_back(balancedAccuracy(logits, truth, valRows, data.classNames));
            };
            // Zero-shot on the same split: the unmapped classes (fear, ...) can never win.
            record("zeroshot", emotion.logits.matmul(mapping.t()) - (1 - mapping.sum(1)) * 1e9);
            record("zeroshot views", emotion.viewLogits.matmul(mapping.t()) - (1 - mapping.sum(1)) * 1e9);
            auto standardised = [&](const torch::Tensor& f) {
                const auto onTrain = f.index_select(0, torch::tensor(trainRows));
                return (f - onTrain.mean(0)) / onTrain.std(0).clamp_min(1e-6);
            };
            const auto emotionFeatures = standardised(emotion.features);
            const auto faceresFeatures = withFaceres ? standardised(faceres.features) : torch::Tensor();
            struct Head {
                std::string name;
                torch::Tensor x, start;
            };
            std::vector<Head> heads{
                {"prior", emotion.logits, mapping},
                {"prior views", emotion.viewLogits, mapping},
                {"emotion+features", torch::cat({emotion.logits, emotionFeatures}, 1),
                 torch::cat({mapping, torch::zeros({classes, emotionFeatures.size(1)})}, 1)},
            };
            if (withFaceres)
                heads.push_back({"faceres+logits", torch::cat({emotion.logits, faceresFeatures}, 1),
                                 torch::cat({mapping, torch::zeros({classes, faceresFeatures.size(1)})}, 1)});
            for (const Head& head : heads) {
                double bestValidation = -1;
                torch::Tensor chosen;
                for (double penalty : penalties) {
                    const auto logits = fitAndScore(head.x, trainRows, labels, classes, penalty, head.start);
                    record(head.name + " penalty=" + QString::number(penalty).toStdString(), logits);
                    const double v = balancedAccuracy(logits, truth, valRows, data.classNames);
                    if (v > bestValidation) bestValidation = v, chosen = logits;
                }
                record(head.name + " valsel", chosen);
            }
            std::printf("split %d: zero-shot %.3f\n", seed, test["zeroshot"].back());
            std::fflush(stdout);
        }
        // Pooled identity-grouped cross-validation: every person is scored once by a fit that never
        // saw them, so a class held by few people (faces-dev's disgust: 187 faces of 10 people, one
        // test face per split above) is measured on all of its faces rather than on one.
        {
            const int folds = 5;
            QStringList people;
            for (const TrainingSample& s : data.samples)
                people << (s.identity.isEmpty() ? s.path : s.identity);
            QStringList unique = people;
            unique.removeDuplicates();
            std::sort(unique.begin(), unique.end());
            std::mt19937 shuffle(1);
            std::shuffle(unique.begin(), unique.end(), shuffle);
            QHash<QString, int> foldOf;
            for (int i = 0; i < unique.size(); ++i) foldOf[unique[i]] = i % folds;
            auto pooled = [&](const torch::Tensor& x, bool fit) {
                auto out = torch::zeros({int64_t(truth.size()), classes});
                for (int f = 0; f < folds; ++f) {
                    std::vector<int64_t> train, held;
                    for (size_t i = 0; i < truth.size(); ++i) (foldOf[people[int(i)]] == f ? held : train).push_back(int64_t(i));
                    const auto logits = fit ? fitAndScore(x, train, labels, classes,
                                                          std::numeric_limits<double>::infinity(), mapping)
                                            : x.matmul(mapping.t()) - (1 - mapping.sum(1)) * 1e9;
                    const auto rows = torch::tensor(held);
                    out.index_copy_(0, rows, logits.index_select(0, rows));
                }
                const auto predicted = out.argmax(1);
                std::vector<int> p(truth.size());
                for (size_t i = 0; i < truth.size(); ++i) p[i] = int(predicted[int64_t(i)].item<int64_t>());
                return computeMetrics(truth, p, data.classNames);
            };
            std::printf("\npooled %d-fold cross-validation by identity (every face scored once):\n", folds);
            for (const auto& [name, x, fit] : {std::tuple{"zeroshot", emotion.logits, false},
                                               std::tuple{"zeroshot views", emotion.viewLogits, false},
                                               std::tuple{"prior biases", emotion.logits, true},
                                               std::tuple{"prior views biases", emotion.viewLogits, true}}) {
                const Metrics m = pooled(x, fit);
                std::printf("  %-20s balanced accuracy %.4f  recall:", name, m.balancedAccuracy);
                for (size_t k = 0; k < m.perClass.size(); ++k)
                    std::printf(" %s %.3f", qPrintable(data.classNames[int(k)]), m.perClass[k].recall);
                std::printf("\n");
            }
        }

        std::printf("\n%-30s %9s %9s   test per split\n", "head", "test", "val");
        for (const std::string& name : order) {
            auto mean = [](const std::vector<double>& v) {
                double s = 0;
                for (double x : v) s += x;
                return s / double(v.size());
            };
            std::printf("%-30s %9.4f %9.4f  ", name.c_str(), mean(test[name]), mean(validation[name]));
            for (double x : test[name]) std::printf(" %.3f", x);
            std::printf("\n");
        }
        for (const std::string& name : order) {
            QString key = QString::fromStdString(name);
            key.replace(QRegularExpression(QStringLiteral("[^a-z0-9.]+")), QStringLiteral("_"));
            double s = 0;
            for (double x : test[name]) s += x;
            std::printf("%s_%s_mean_test_balanced_accuracy: %.4f\n", qPrintable(which), qPrintable(key),
                        s / double(test[name].size()));
        }
    } catch (const Error& e) {
        std::printf("error: %s\n", qPrintable(e.message()));
        return 1;
    }
    return 0;
}
