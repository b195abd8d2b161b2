// How far the pretrained models' features go on faces-dev's expression tasks with ~90-190 faces per
// rare class: linear heads on frozen features, measured over many identity-disjoint splits (one
// split's test set holds ~16-22 faces per rare class, so one split moves balanced accuracy by
// +-0.04; the mean over ten is what tells two methods apart).
//
//   bench_frozen_heads [expression4|expression6] [splits=10] [model|area|tfjs|stretch|pad] [faceres]
//
// Features are computed once per image and orientation (the model's own preprocessing, as
// zero-shot uses it), averaged over the face and its mirror image, and cached in the temp dir.
// Per split (seed 1..splits, the trainer's splitByIdentity with its default 15%/15%), each head is
// a class-weighted logistic regression fitted on the training part, its L2 penalty pulling the
// weights towards where they start (the zero-shot mapping of the emotion model's logits; zero for
// features), for several penalty strengths; "valsel" picks the strength on validation.
// Heads (solved by the product's fitLinear): prior (the emotion logits only), emotion+features
// (+ its 256 pooled features), faceres+logits (+ faceres' 1024-d embedding); "views": the emotion
// logits averaged over the nine test-time views and their mirrors (internal/TestTimeViews.h, as
// backbone_fit class_biases scores faces), zero-shot and as the prior's input; "views+view
// features": logits and features both averaged over the views, what backbone_fit linear_head fits
// ("person^a": each face weighted by 1/(its person's faces of that class)^a); "penalty=inf" fits
// the biases alone (as backbone_fit class_biases does). Prints one row per head and `name: mean`
// lines, after a pooled 5-fold cross-validation by identity (every face scored once; splits=0
// prints only that; "chosen": the penalty picked inside each fold as a linear_head run picks it),
// scored on every face, per person (each person's recall of a class weighted alike) and per
// source (labeller jhamski's film stills vs the press photos). The splits' test sets hold few
// people of the rarest classes (expression6: one disgust face each), so their balanced accuracy
// moves by 1/6 with that one face; the pooled figure on every face rewards whatever tells the
// sources apart, since faces-dev's rare classes are mostly film stills.
// (Views cut from the decoded 350 px image instead of the 64 px input scored lower: 0.795
// zero-shot, 4 classes.)
// "stretch" and "pad": the model's float input from the whole image made square (resized, or its
// edges repeated) instead of its centre square, for faces-dev's film stills (portrait crops, height
// 1.1-3x the width: the centre square cuts off the chin or forehead). Pooled, 6 classes: zero-shot
// views on the film stills 0.300 -> 0.319 / 0.357, but every face with class biases 0.499 -> 0.484 /
// 0.488 (README): the centre square stays.
#include "FacesDevTasks.h"
#include "core/learning/LabelledFolder.h"
#include "core/learning/Metrics.h"
#include "core/learning/Split.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/TrainingConfig.h"
#include "core/learning/FaceImage.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/ImageTensors.h"
#include "core/learning/internal/LinearFit.h"
#include "core/learning/internal/TestTimeViews.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QHash>
#include <QRegularExpression>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
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
    torch::Tensor viewFeatures;     // [N, F] the same
};

FrozenFeatures frozenFeatures(const TrainingData& data, const QString& model, const QString& task,
                              const QString& decode)
{
    const QString cache = QDir::temp().filePath(QStringLiteral("exemplar-frozen-views2-%1-%2-%3-%4.pt")
                                                    .arg(model, task, decode)
                                                    .arg(data.samples.size()));
    if (QFileInfo::exists(cache)) {
        std::vector<torch::Tensor> saved;
        torch::load(saved, cache.toStdString());
        return {saved[0], saved[1], saved[2], saved[3]};
    }
    TrainingConfig config;
    config.backbone = model;
    auto net = std::dynamic_pointer_cast<BackboneNetImpl>(makeNetwork(config, data.classNames));
    net->eval();
    const PretrainedModelInfo info = pretrainedModelInfo(model);
    const int size = info.inputSize, channels = info.grayscale ? 1 : 3;
    std::vector<torch::Tensor> features, logits, viewLogits, viewFeatures;
    const size_t chunk = 32;
    for (size_t start = 0; start < data.samples.size(); start += chunk) {
        const size_t end = std::min(data.samples.size(), start + chunk);
        std::vector<torch::Tensor> images(end - start);
        cv::parallel_for_(cv::Range(int(start), int(end)), [&](const cv::Range& range) {
            for (int i = range.start; i < range.end; ++i) {
                const QString& path = data.samples[size_t(i)].path;
                if (decode == QLatin1String("area") || decode == QLatin1String("tfjs")) {
                    const cv::Mat prepared = loadFaceImage(path, size, info.grayscale, faceSamplingFromName(decode));
                    if (prepared.empty()) throw Error(QStringLiteral("%1: cannot be decoded").arg(path));
                    images[size_t(i) - start] = toTensor(prepared).to(torch::kFloat) / 255.0;
                    continue;
                }
                cv::Mat decoded = cv::imread(path.toStdString(), cv::IMREAD_COLOR);
                if (decoded.empty()) throw Error(QStringLiteral("%1: cannot be decoded").arg(path));
                const int side = std::max(decoded.rows, decoded.cols);
                if (decode == QLatin1String("stretch") && decoded.rows != decoded.cols)
                    cv::resize(cv::Mat(decoded), decoded, cv::Size(side, side), 0, 0, cv::INTER_LINEAR);
                else if (decode == QLatin1String("pad") && decoded.rows != decoded.cols)
                    cv::copyMakeBorder(cv::Mat(decoded), decoded, (side - decoded.rows) / 2,
                                       side - decoded.rows - (side - decoded.rows) / 2, (side - decoded.cols) / 2,
                                       side - decoded.cols - (side - decoded.cols) / 2, cv::BORDER_REPLICATE);
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
        torch::Tensor sum = torch::zeros_like(z0), featureSum = torch::zeros_like(f0);
        const std::vector<TestTimeView> views =
            model == QLatin1String("emotion") ? testTimeViews(size) : std::vector<TestTimeView>{{0, 0, 0, size}};
        for (const TestTimeView& view : views) {
            const auto v = viewOf(x, view);
            const auto [fv, zv] = net->features(v);
            const auto [fm, zm] = net->features(v.flip({3}));
            sum += zv + zm;
            featureSum += fv + fm;
        }
        viewLogits.push_back(sum / double(2 * views.size()));
        viewFeatures.push_back(featureSum / double(2 * views.size()));
    }
    FrozenFeatures out{torch::cat(features), torch::cat(logits), torch::cat(viewLogits), torch::cat(viewFeatures)};
    torch::save(std::vector<torch::Tensor>{out.features, out.logits, out.viewLogits, out.viewFeatures},
                cache.toStdString());
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

// The product's one-pass fit (internal/LinearFit.h: class-weighted logistic regression pulled
// towards its start, solved to convergence); returns the logits of every row of x.
torch::Tensor fitAndScore(const torch::Tensor& x, const std::vector<int64_t>& trainRows, const torch::Tensor& labels,
                          int, double penalty, const torch::Tensor& start, const std::vector<double>& weights = {})
{
    const auto rows = torch::tensor(trainRows);
    const auto y = labels.index_select(0, rows);
    const LinearFit fit = fitLinear(x.index_select(0, rows), std::vector<int>(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel()),
                                    start, penalty, weights);
    torch::NoGradGuard noGrad;
    return x.matmul(fit.weights.t()) + fit.biases;
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

        QStringList people;
        for (size_t i = 0; i < data.samples.size(); ++i) people << personOf(data.samples, i);
        // Row weights 1 / (the person's faces of that class among `rows`)^alpha: alpha 1 makes each
        // person weigh the same within a class, however long their photo series; 0: every face alike.
        auto personWeights = [&](const std::vector<int64_t>& rows, double alpha) {
            std::map<std::pair<int, QString>, int> count;
            for (int64_t i : rows) ++count[{truth[size_t(i)], people[int(i)]}];
            std::vector<double> w;
            for (int64_t i : rows) w.push_back(std::pow(double(count[{truth[size_t(i)], people[int(i)]}]), -alpha));
            return w;
        };
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
                // What backbone_fit linear_head fits: both averaged over the views.
                {"views+view features", torch::cat({emotion.viewLogits, standardised(emotion.viewFeatures)}, 1),
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
                    if (head.name == "views+view features" && !std::isinf(penalty))
                        for (double alpha : {0.5, 1.0})
                            record(head.name + " person^" + QString::number(alpha).toStdString() +
                                       " penalty=" + QString::number(penalty).toStdString(),
                                   fitAndScore(head.x, trainRows, labels, classes, penalty, head.start,
                                               personWeights(trainRows, alpha)));
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
            QStringList unique = people;
            unique.removeDuplicates();
            std::sort(unique.begin(), unique.end());
            std::mt19937 shuffle(1);
            std::shuffle(unique.begin(), unique.end(), shuffle);
            QHash<QString, int> foldOf;
            for (int i = 0; i < unique.size(); ++i) foldOf[unique[i]] = i % folds;
            // x(train rows) builds a head's inputs (features standardised on the fold's training faces).
            using Inputs = std::function<torch::Tensor(const std::vector<int64_t>&)>;
            double lastPersonBalanced = 0, lastBySource[2] = {0, 0};
            QString lastSourceRecall[2]; // per class: recall/faces
            const std::vector<bool> filmStill = facesDevFilmStills(facesDev, data.samples);
            auto pooled = [&](const Inputs& x, bool fit, double penalty, const torch::Tensor& start, double alpha = 0) {
                auto out = torch::zeros({int64_t(truth.size()), classes});
                for (int f = 0; f < folds; ++f) {
                    std::vector<int64_t> train, held;
                    for (size_t i = 0; i < truth.size(); ++i) (foldOf[people[int(i)]] == f ? held : train).push_back(int64_t(i));
                    const auto inputs = x(train);
                    double chosen = penalty;
                    const std::vector<double> weights = personWeights(train, alpha);
                    if (std::isnan(penalty)) { // chosen as a training run chooses it: on the fold's training faces alone
                        std::vector<TrainingSample> fitted;
                        std::vector<int> fittedLabels;
                        for (int64_t i : train) {
                            fitted.push_back(data.samples[size_t(i)]);
                            fittedLabels.push_back(truth[size_t(i)]);
                        }
                        chosen = choosePenaltyByGroupFolds(inputs.index_select(0, torch::tensor(train)), fittedLabels,
                                                           identityFolds(fitted, folds, 1), start,
                                                           {1.0, 0.3, 0.1, 0.03, 0.01}, weights)
                                     .penalty;
                        std::printf("    fold %d: penalty %g\n", f + 1, chosen);
                    }
                    const auto logits = fit ? fitAndScore(inputs, train, labels, classes, chosen, start, weights)
                                            : inputs.matmul(mapping.t()) - (1 - mapping.sum(1)) * 1e9;
                    const auto rows = torch::tensor(held);
                    out.index_copy_(0, rows, logits.index_select(0, rows));
                }
                const auto predicted = out.argmax(1);
                std::vector<int> p(truth.size());
                for (size_t i = 0; i < truth.size(); ++i) p[i] = int(predicted[int64_t(i)].item<int64_t>());
                // Also each class's recall averaged over its people (a person's faces weigh as much
                // as another's, however many photos they have): the splits' test parts hold mostly
                // people with few photos, the pooled figure is dominated by long photo series.
                std::map<std::pair<int, QString>, std::pair<int, int>> perPerson; // (class, person) -> right, all
                for (size_t i = 0; i < truth.size(); ++i) {
                    auto& [right, all] = perPerson[{truth[i], people[int(i)]}];
                    right += p[i] == truth[i];
                    ++all;
                }
                std::vector<double> sum(size_t(classes), 0.0), count(size_t(classes), 0.0);
                for (const auto& [key, tally] : perPerson) {
                    sum[size_t(key.first)] += double(tally.first) / tally.second;
                    count[size_t(key.first)] += 1;
                }
                double personBalanced = 0;
                for (int k = 0; k < classes; ++k) personBalanced += sum[size_t(k)] / count[size_t(k)] / classes;
                lastPersonBalanced = personBalanced;
                // And by source: faces-dev mixes long film-still series (labeller jhamski) with
                // press photos of people with few pictures; the rare classes come mostly from the former.
                for (int source = 0; source < 2; ++source) {
                    std::vector<int> t, q;
                    for (size_t i = 0; i < truth.size(); ++i)
                        if (filmStill[i] == (source == 0)) t.push_back(truth[i]), q.push_back(p[i]);
                    const Metrics m = computeMetrics(t, q, data.classNames);
                    lastBySource[source] = m.balancedAccuracy;
                    lastSourceRecall[source].clear();
                    for (size_t k = 0; k < m.perClass.size(); ++k)
                        lastSourceRecall[source] += QStringLiteral(" %1 %2/%3").arg(data.classNames[int(k)])
                                                        .arg(m.perClass[k].recall, 0, 'f', 2).arg(m.perClass[k].support);
                }
                return computeMetrics(truth, p, data.classNames);
            };
            auto print = [&](const std::string& name, const Metrics& m) {
                std::printf("  %-28s balanced accuracy %.4f  per person %.4f  film %.4f  photos %.4f  macro-F1 %.4f  recall:",
                            name.c_str(), m.balancedAccuracy, lastPersonBalanced, lastBySource[0], lastBySource[1], m.macroF1);
                for (size_t k = 0; k < m.perClass.size(); ++k)
                    std::printf(" %s %.3f", qPrintable(data.classNames[int(k)]), m.perClass[k].recall);
                std::printf("\n      film:%s\n      photos:%s\n", qPrintable(lastSourceRecall[0]), qPrintable(lastSourceRecall[1]));
                std::fflush(stdout);
            };
            const double inf = std::numeric_limits<double>::infinity();
            auto just = [](const torch::Tensor& t) { return [t](const std::vector<int64_t>&) { return t; }; };
            auto withFeatures = [](const torch::Tensor& logits, const torch::Tensor& features) {
                return [logits, features](const std::vector<int64_t>& train) {
                    const auto onTrain = features.index_select(0, torch::tensor(train));
                    return torch::cat({logits, (features - onTrain.mean(0)) / onTrain.std(0).clamp_min(1e-6)}, 1);
                };
            };
            const auto featureStart = torch::cat({mapping, torch::zeros({classes, emotion.features.size(1)})}, 1);
            std::printf("\npooled %d-fold cross-validation by identity (every face scored once):\n", folds);
            print("zeroshot", pooled(just(emotion.logits), false, inf, mapping));
            print("zeroshot views", pooled(just(emotion.viewLogits), false, inf, mapping));
            print("prior biases", pooled(just(emotion.logits), true, inf, mapping));
            print("prior views biases", pooled(just(emotion.viewLogits), true, inf, mapping));
            // As backbone_fit linear_head fits: the penalty chosen by cross-validation within each fold.
            print("views+view features chosen", pooled(withFeatures(emotion.viewLogits, emotion.viewFeatures), true,
                                                       std::numeric_limits<double>::quiet_NaN(), featureStart));
            print("  person^1 chosen", pooled(withFeatures(emotion.viewLogits, emotion.viewFeatures), true,
                                              std::numeric_limits<double>::quiet_NaN(), featureStart, 1.0));
            for (double penalty : {1.0, 0.3, 0.1, 0.03, 0.01}) {
                const std::string p = " p=" + QString::number(penalty).toStdString();
                print("prior views" + p, pooled(just(emotion.viewLogits), true, penalty, mapping));
                print("views+features" + p, pooled(withFeatures(emotion.viewLogits, emotion.features), true, penalty,
                                                   featureStart));
                print("views+view features" + p, pooled(withFeatures(emotion.viewLogits, emotion.viewFeatures), true,
                                                        penalty, featureStart));
                for (double alpha : {0.5, 1.0})
                    print("  person^" + QString::number(alpha).toStdString() + p,
                          pooled(withFeatures(emotion.viewLogits, emotion.viewFeatures), true, penalty, featureStart, alpha));
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
