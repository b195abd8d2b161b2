#include "core/learning/internal/Trainer.h"

#include "core/learning/ClassBalance.h"
#include "core/learning/Split.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/internal/Augmenter.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/Checkpoint.h"
#include "core/learning/internal/FoldCacheState.h"
#include "core/learning/internal/LinearFit.h"
#include "core/learning/internal/ImageTensors.h"
#include "core/learning/internal/ModelExport.h"
#include "core/learning/internal/TestTimeViews.h"
#include "core/learning/internal/Network.h"
#include "core/learning/internal/WeightAverage.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <thread>

namespace exemplar::learning {

namespace {

struct Evaluation {
    double loss = 0;
    Metrics metrics;
    std::vector<int> predicted;
    torch::Tensor probabilities; // [n, K]
    torch::Tensor embeddings;    // [n, F] when the model gives them here (one-pass fits), else undefined
};

torch::Tensor rowsTensor(const std::vector<int>& rows, size_t begin, size_t end)
{
    std::vector<int64_t> v(rows.begin() + begin, rows.begin() + end);
    return torch::tensor(v, torch::kLong);
}

// The logits (all outputs) of the faces at some rows and, when the model gives them, their embeddings.
using RowLogits = std::function<std::pair<torch::Tensor, torch::Tensor>(const std::vector<int>& rows)>;

Evaluation evaluate(const RowLogits& logitsOf, size_t chunk, const std::vector<int>& rows,
                    const std::vector<int>& labelOfRow, const QStringList& classes)
{
    torch::NoGradGuard noGrad;
    Evaluation e;
    std::vector<int> truth;
    std::vector<torch::Tensor> probs, embeddings;
    double lossSum = 0;
    for (size_t b = 0; b < rows.size(); b += chunk) {
        const size_t end = std::min(rows.size(), b + chunk);
        const std::vector<int> part(rows.begin() + b, rows.begin() + end);
        std::vector<int64_t> y;
        for (int row : part) {
            y.push_back(labelOfRow[row]);
            truth.push_back(labelOfRow[row]);
        }
        const auto target = torch::tensor(y, torch::kLong);
        const auto [all, embedding] = logitsOf(part);
        // Auxiliary outputs (after the task's classes) are never predicted.
        const auto logits = all.narrow(1, 0, classes.size());
        lossSum += torch::nn::functional::cross_entropy(
                       logits, target,
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        const auto p = torch::softmax(logits, 1);
        const auto pred = p.argmax(1);
        for (int64_t i = 0; i < pred.size(0); ++i) e.predicted.push_back(int(pred[i].item<int64_t>()));
        probs.push_back(p);
        if (embedding.defined()) embeddings.push_back(embedding);
    }
    e.loss = rows.empty() ? 0 : lossSum / double(rows.size());
    e.probabilities = probs.empty() ? torch::zeros({0, classes.size()}) : torch::cat(probs);
    if (!embeddings.empty() && embeddings.size() == probs.size()) e.embeddings = torch::cat(embeddings);
    e.metrics = computeMetrics(truth, e.predicted, classes);
    return e;
}

Evaluation evaluate(const std::shared_ptr<ClassifierNet>& net, const torch::Tensor& pixels, const std::vector<int>& rows,
                    const std::vector<int>& labelOfRow, const QStringList& classes)
{
    net->eval();
    const auto logitsOf = [&](const std::vector<int>& part) {
        const auto x = pixels.index_select(0, rowsTensor(part, 0, part.size())).to(torch::kFloat).div_(255);
        return std::pair{net->forward(x), torch::Tensor()};
    };
    return evaluate(logitsOf, size_t(facesPerChunk(pixels.size(3))), rows, labelOfRow, classes);
}

double learningRateAt(const TrainingConfig& c, int64_t step, int64_t stepsPerEpoch, int64_t totalSteps)
{
    const int64_t warmup = int64_t(c.warmupEpochs) * stepsPerEpoch;
    if (step < warmup) return c.learningRate * double(step + 1) / double(warmup);
    if (c.schedule == QLatin1String("cosine")) {
        const double t = double(step - warmup) / double(std::max<int64_t>(1, totalSteps - warmup));
        return c.learningRate * 0.5 * (1 + std::cos(M_PI * std::min(1.0, t)));
    }
    if (c.schedule == QLatin1String("step"))
        return c.learningRate * std::pow(c.stepGamma, double(step / stepsPerEpoch / std::max(1, c.stepEpochs)));
    return c.learningRate;
}

void writeSplitFile(const QString& workDir, const TrainingData& data, const TrainingResult& r)
{
    QJsonArray items;
    for (size_t i = 0; i < data.samples.size(); ++i) {
        if (!r.usable[i]) continue;
        items.append(QJsonObject{{"file", data.samples[i].path},
                                 {"identity", data.samples[i].identity},
                                 {"label", (data.classNames + data.auxiliaryClassNames).value(data.samples[i].label)},
                                 {"part", partName(r.split[i])}});
    }
    QSaveFile f(QDir(workDir).filePath("split.json"));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(items).toJson()) < 0 || !f.commit())
        throw Error(QStringLiteral("%1: cannot write the split").arg(f.fileName()));
}

// One parameter group, or two when the net has pretrained weights: group 0 the new layers (the
// scheduled learning rate), group 1 the pretrained ones (scaled by ClassifierNet::beginEpoch).
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainingConfig& c, const std::shared_ptr<ClassifierNet>& net)
{
    const std::vector<torch::Tensor> pretrained = net->pretrainedParameters();
    std::vector<torch::Tensor> fresh;
    for (const auto& p : net->parameters()) {
        const bool isPretrained = std::any_of(pretrained.begin(), pretrained.end(),
                                              [&](const torch::Tensor& q) { return q.is_same(p); });
        if (!isPretrained) fresh.push_back(p);
    }
    std::vector<torch::optim::OptimizerParamGroup> groups{torch::optim::OptimizerParamGroup(fresh)};
    if (!pretrained.empty()) groups.emplace_back(pretrained);
    if (c.optimizer == QLatin1String("sgd"))
        return std::make_unique<torch::optim::SGD>(groups, torch::optim::SGDOptions(c.learningRate)
                                                               .momentum(c.momentum)
                                                               .nesterov(c.momentum > 0)
                                                               .weight_decay(c.weightDecay));
    return std::make_unique<torch::optim::AdamW>(
        groups, torch::optim::AdamWOptions(c.learningRate).weight_decay(c.weightDecay));
}

// Per-channel mean and standard deviation of the training images, in chunks (the whole training
// set as floats can be hundreds of MB at 96x96 colour).
std::pair<torch::Tensor, torch::Tensor> channelStatistics(const torch::Tensor& pixels,
                                                          const std::vector<int>& rows)
{
    const int64_t c = pixels.size(1);
    auto sum = torch::zeros({c}, torch::kDouble), sumSq = torch::zeros({c}, torch::kDouble);
    double count = 0;
    for (size_t b = 0; b < rows.size(); b += 512) {
        const size_t end = std::min(rows.size(), b + 512);
        const auto x = pixels.index_select(0, rowsTensor(rows, b, end)).to(torch::kDouble).div_(255);
        sum += x.sum({0, 2, 3});
        sumSq += (x * x).sum({0, 2, 3});
        count += double(x.size(0) * x.size(2) * x.size(3));
    }
    const auto mean = sum / std::max(1.0, count);
    const auto var = (sumSq / std::max(1.0, count) - mean * mean).clamp_min(1e-6);
    return {mean.to(torch::kFloat), var.sqrt().to(torch::kFloat)};
}

// The teacher's probabilities over the task's classes for the given rows of the decoded images
// (other rows stay zero: the teacher only looks at the faces it is asked about), at temperature t:
// the pretrained model as the zero-shot baseline uses it (its classes mapped onto the task's).
// The images are those decoded for the student; they are converted to what the teacher reads
// (gray or colour, its input size), as the zero-shot baseline would frame them.
torch::Tensor teacherProbabilities(const QString& model, const TrainingConfig& config, const QStringList& classes,
                                   const torch::Tensor& pixels, const std::vector<int>& rows, double t, FoldCache* cache,
                                   const std::function<QString(int)>& pathOfRow)
{
    const QStringList unknown = unmappedTaskClasses(model, classes);
    if (!unknown.isEmpty())
        throw Error(QStringLiteral("distillation: the %1 model knows %2, not %3; it cannot teach those classes")
                        .arg(model, pretrainedModelClasses(model).join(QStringLiteral(", ")),
                             unknown.join(QStringLiteral(", "))));
    const PretrainedModelInfo info = pretrainedModelInfo(model);
    TrainingConfig teacherConfig = config;
    teacherConfig.backbone = model;
    std::shared_ptr<ClassifierNet> teacher; // made when a face is not in the cache
    torch::NoGradGuard noGrad;
    const auto logitsOf = [&](const std::vector<int>& part) {
        if (!teacher) {
            teacher = makeNetwork(teacherConfig, classes);
            teacher->eval();
        }
        auto x = pixels.index_select(0, rowsTensor(part, 0, part.size())).to(torch::kFloat).div_(255);
        if (info.grayscale && x.size(1) == 3)
            x = (x.select(1, 0) * kFaceModelLuma[0] + x.select(1, 1) * kFaceModelLuma[1] +
                 x.select(1, 2) * kFaceModelLuma[2])
                    .unsqueeze(1);
        else if (!info.grayscale && x.size(1) == 1)
            x = x.expand({-1, 3, -1, -1});
        if (x.size(2) != info.inputSize)
            x = torch::nn::functional::interpolate(
                x, torch::nn::functional::InterpolateFuncOptions()
                       .size(std::vector<int64_t>{info.inputSize, info.inputSize})
                       .mode(torch::kBilinear)
                       .align_corners(false));
        return std::vector<torch::Tensor>{teacher->forward(x)};
    };
    FaceMemo* memo = cache ? &cache->state().taught[model] : nullptr;
    const QString setting = QStringLiteral("%1 px %2").arg(pixels.size(3)).arg(classes.join(QStringLiteral(",")));
    auto probs = torch::zeros({pixels.size(0), int64_t(classes.size())});
    const size_t chunk = size_t(facesPerChunk(std::max<int64_t>(pixels.size(3), info.inputSize)));
    for (size_t b = 0; b < rows.size(); b += chunk) {
        const std::vector<int> part(rows.begin() + b, rows.begin() + std::min(rows.size(), b + chunk));
        const torch::Tensor logits = rowsOnce(memo, setting, part, pathOfRow, logitsOf)[0];
        probs.index_copy_(0, rowsTensor(part, 0, part.size()), torch::softmax(logits / t, 1));
    }
    return probs;
}

// A model chosen automatically as teacher (distill_from "auto") must close at least this share
// of the gap between chance and perfect balanced accuracy on the validation faces. A teacher
// barely above chance pulls the student towards its mistakes: on faces-dev's sex task the gender
// model scores 0.54 on the validation faces (skill 0.08) where a network trained from the labels
// reaches 0.94; the emotion model on happiness/sadness/anger/surprise scores 0.71-0.79 (skill
// 0.61-0.71) and lifts the student from ~0.57 to ~0.77 test balanced accuracy.
constexpr double kMinimumTeacherSkill = 0.3;

double skillAboveChance(double balancedAccuracy, int classCount)
{
    const double chance = 1.0 / classCount;
    return (balancedAccuracy - chance) / (1 - chance);
}

// distill_from "auto": of the installed pretrained models that know every task class, the one with
// the best balanced accuracy on the validation faces, if it is skilled enough; else "none".
// Says why in messages, so the run's log explains its teacher.
QString chooseTeacher(const TrainingConfig& config, const QStringList& classes, const torch::Tensor& pixels,
                      const std::vector<int>& valRows, const std::vector<int>& labelOfRow, FoldCache* cache,
                      const std::function<QString(int)>& pathOfRow, const std::function<void(const QString&)>& message)
{
    std::vector<int> truth;
    for (int row : valRows) truth.push_back(labelOfRow[row]);
    QString best = QStringLiteral("none");
    double bestScore = -1;
    const QStringList candidates = teachersFor(classes);
    for (const QString& model : candidates) {
        torch::Tensor probs;
        try {
            probs = teacherProbabilities(model, config, classes, pixels, valRows, 1.0, cache, pathOfRow)
                        .index_select(0, rowsTensor(valRows, 0, valRows.size()));
        } catch (const Error& e) { // a damaged optional model must not stop training
            message(QStringLiteral("Teacher candidate: the %1 model cannot be used: %2").arg(model, e.message()));
            continue;
        }
        const auto argmax = probs.argmax(1);
        const std::vector<int> predicted(argmax.data_ptr<int64_t>(), argmax.data_ptr<int64_t>() + argmax.numel());
        const double score = computeMetrics(truth, predicted, classes).balancedAccuracy;
        const double skill = skillAboveChance(score, int(classes.size()));
        const bool good = skill >= kMinimumTeacherSkill;
        message(QStringLiteral("Teacher candidate: the %1 model scores %2 balanced accuracy on the validation "
                               "faces (skill above chance %3%4)")
                    .arg(model).arg(score, 0, 'f', 3).arg(skill, 0, 'f', 2)
                    .arg(good ? QString() : QStringLiteral(", below %1: not used").arg(kMinimumTeacherSkill)));
        if (good && score > bestScore) {
            best = model;
            bestScore = score;
        }
    }
    if (candidates.isEmpty())
        message(QStringLiteral("No installed pretrained model knows %1: learning from the labels alone")
                    .arg(classes.join(QStringLiteral(", "))));
    return best;
}

// The frozen pretrained model's evaluated outputs for some rows (BackboneNetImpl::evaluated, through
// the fold cache when there is one).
using EvaluatedRows = std::function<EvaluatedFaces(const std::vector<int>& rows)>;

struct FittedHead {
    LinearFit fit;
    std::vector<int> truth; // the label of each fitted face, in the order of fit.predicted
    size_t offered = 0;     // the task's training faces, fitted or left unscored by the time limit
};

// The training rows of the task's classes (auxiliary images are never fitted) and their labels.
std::pair<std::vector<int>, std::vector<int>> taskRows(const std::vector<int>& trainRows, const std::vector<int>& labelOfRow,
                                                       int classCount)
{
    std::vector<int> rows, labels;
    for (int row : trainRows)
        if (labelOfRow[row] < classCount) {
            rows.push_back(row);
            labels.push_back(labelOfRow[row]);
        }
    return {rows, labels};
}

BackboneNetImpl& backboneOf(const std::shared_ptr<ClassifierNet>& net)
{
    auto* backbone = dynamic_cast<BackboneNetImpl*>(net.get());
    if (!backbone) throw Error(QStringLiteral("fitting a pretrained model's classifier needs a pretrained backbone"));
    return *backbone;
}

// How a one-pass fit keeps a time limit (TrainingConfig::maxMinutes), as gradient training keeps it
// by not starting an epoch it cannot finish. Scoring the training faces is most of the work (nine
// views each), so it stops when the faces still to score would not leave time to solve and then
// validate (validation faces cost what training faces did); the fit uses the faces scored, and
// cross-validation tries no further penalty once another one would overrun.
class OnePassBudget {
public:
    using Progress = std::function<void(size_t scored, size_t total, const OnePassBudget&)>;
    // seconds: what is left of the limit (0: no limit); solveShare: the part of it kept for solving;
    // progress: told after each chunk scored.
    OnePassBudget(double seconds, double solveShare, size_t validationFaces, Progress progress)
        : seconds_(seconds), solveShare_(solveShare), validationFaces_(validationFaces), progress_(std::move(progress))
    {
        timer_.start();
    }
    double elapsed() const { return double(timer_.elapsed()) / 1000.0; }
    void scored(size_t faces, size_t total)
    {
        scored_ = faces;
        scoringSeconds_ = elapsed();
        if (progress_) progress_(faces, total, *this);
    }
    // Seconds left to the end of the fit's pass: the faces still to score and the validation
    // faces at the rate measured so far, within the limit.
    double secondsToGo(size_t total) const
    {
        const double toGo = secondsPerFace() * double(total - std::min(total, scored_) + validationFaces_);
        return seconds_ > 0 ? std::clamp(seconds_ - elapsed(), 0.0, toGo) : toGo;
    }
    bool scoringMayGoOn() const
    {
        return seconds_ <= 0 || elapsed() + validationSeconds() < (1 - solveShare_) * seconds_;
    }
    // Does work expected to take this long still fit in the limit, validation after it included?
    bool roomFor(double seconds) const { return seconds_ <= 0 || elapsed() + seconds + validationSeconds() <= seconds_; }
    double scoringSeconds() const { return scoringSeconds_; }

private:
    double secondsPerFace() const { return scored_ ? scoringSeconds_ / double(scored_) : 0; }
    double validationSeconds() const { return secondsPerFace() * double(validationFaces_); }
    double seconds_, solveShare_;
    size_t validationFaces_;
    Progress progress_;
    size_t scored_ = 0;
    double scoringSeconds_ = 0;
    QElapsedTimer timer_;
};

struct ScoredFaces {
    std::vector<int> rows, labels;      // the faces scored and their labels, in training order
    std::vector<torch::Tensor> outputs; // what `score` returned for them, face for face
    size_t offered = 0;                 // the task's training faces, scored or not
};

// Scores the task's training faces chunk by chunk (between chunks a cancel request is honoured),
// the classes taking turns (classesInTurn) so that when the budget stops the scoring early, the
// faces scored are balanced over the classes and hold the rare ones whole. The first chunk is
// always scored. nullopt when cancelled.
std::optional<ScoredFaces> scoreTrainingFaces(const std::vector<int>& trainRows, const std::vector<int>& labelOfRow,
                                              int classCount, size_t chunk, quint64 seed, OnePassBudget& budget,
                                              const CancelFlag& cancel,
                                              const std::function<std::vector<torch::Tensor>(const std::vector<int>&)>& score)
{
    const auto [rows, labels] = taskRows(trainRows, labelOfRow, classCount);
    const std::vector<int> order = classesInTurn(labels, classCount, seed);
    chunk = std::max(chunk, size_t(classCount)); // the first chunk holds every class
    std::vector<std::vector<torch::Tensor>> chunks;
    size_t done = 0;
    while (done < order.size() && (done == 0 || budget.scoringMayGoOn())) {
        if (cancel.isCancelled()) return std::nullopt;
        const size_t end = std::min(order.size(), done + chunk);
        std::vector<int> part;
        for (size_t i = done; i < end; ++i) part.push_back(rows[size_t(order[i])]);
        chunks.push_back(score(part));
        done = end;
        budget.scored(done, order.size());
    }
    // Back in training order, so that a fit that scored every face sees them as it would unlimited.
    std::vector<int64_t> byPosition(done);
    std::iota(byPosition.begin(), byPosition.end(), 0);
    std::sort(byPosition.begin(), byPosition.end(), [&](int64_t a, int64_t b) { return order[size_t(a)] < order[size_t(b)]; });
    ScoredFaces scored;
    scored.offered = rows.size();
    for (int64_t i : byPosition) {
        scored.rows.push_back(rows[size_t(order[size_t(i)])]);
        scored.labels.push_back(labels[size_t(order[size_t(i)])]);
    }
    const auto index = torch::tensor(byPosition, torch::kLong);
    for (size_t k = 0; !chunks.empty() && k < chunks.front().size(); ++k) {
        std::vector<torch::Tensor> parts;
        for (const auto& c : chunks) parts.push_back(c[k]);
        scored.outputs.push_back(torch::cat(parts).index_select(0, index));
    }
    return scored;
}

// Scores the training faces of the task's classes with the network as it is (in evaluation: over
// its test-time views) and adds the fitted class biases to it; nullopt when cancelled.
std::optional<FittedHead> fitBiasesToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                     size_t chunk, const std::vector<int>& trainRows,
                                                     const std::vector<int>& labelOfRow, const QStringList& classes,
                                                     quint64 seed, OnePassBudget& budget, const CancelFlag& cancel)
{
    const int classCount = int(classes.size());
    auto scored = scoreTrainingFaces(
        trainRows, labelOfRow, classCount, chunk, seed, budget, cancel, [&](const std::vector<int>& part) {
            // Log-probabilities differ from the logits by one constant per face, which no bias changes.
            return std::vector<torch::Tensor>{
                torch::log_softmax(backbone.logitsOfEvaluated(evaluated(part)).narrow(1, 0, classCount), 1)};
        });
    if (!scored) return std::nullopt;
    LinearFit fit = fitLinear(scored->outputs[0], scored->labels, torch::eye(classCount),
                              std::numeric_limits<double>::infinity());
    backbone.addClassBiases(fit.biases);
    return FittedHead{std::move(fit), std::move(scored->labels), scored->offered};
}

// Penalties tried for a linear head, strongest first (a time limit cuts the weakest): each pulls
// the weights towards the zero-shot mapping (on the pretrained logits) and zero (on the features).
// On faces-dev (bench_frozen_heads) the figures peak inside this range (0.1-1 depending on task and
// evaluation) and fall off at both ends, and the best one depends on the data, so each run chooses.
const std::vector<double> kLinearHeadPenalties{1.0, 0.3, 0.1, 0.03, 0.01};

// Fits a linear classifier on the pretrained model's pooled features and its logits, both averaged
// over the test-time views as evaluation averages them, in one convex solve; its L2 penalty chosen
// by cross-validation by identity over the training faces. nullopt when cancelled.
std::optional<FittedHead> fitLinearHeadToTrainingFaces(BackboneNetImpl& backbone, const EvaluatedRows& evaluated,
                                                       size_t chunk, const std::vector<int>& trainRows,
                                                       const std::vector<int>& labelOfRow,
                                                       const std::vector<TrainingSample>& samples, const QStringList& classes,
                                                       quint64 seed, OnePassBudget& budget, const CancelFlag& cancel,
                                                       const std::function<void(const QString&)>& message)
{
    const int64_t classCount = int64_t(classes.size()); // auxiliary outputs, if any, are never fitted
    auto scored = scoreTrainingFaces(
        trainRows, labelOfRow, int(classCount), chunk, seed, budget, cancel, [&](const std::vector<int>& part) {
            const EvaluatedFaces faces = evaluated(part);
            return std::vector<torch::Tensor>{faces.features, faces.logits};
        });
    if (!scored) return std::nullopt;
    const auto& f = scored->outputs[0];
    const auto& z = scored->outputs[1];
    const std::vector<int>& labels = scored->labels;
    backbone.setFeatureStatistics(f);
    const int64_t featureCount = f.size(1);
    const auto inputs = torch::cat({backbone.standardise(f), z}, 1);
    const auto start = torch::cat({torch::zeros({classCount, featureCount}),
                                   backbone.prior()->weight.detach().narrow(0, 0, classCount)}, 1);

    std::vector<TrainingSample> fitted;
    for (int row : scored->rows) fitted.push_back(samples[size_t(row)]);
    const int people = countPeople(fitted);
    const int folds = std::min(5, people);
    double penalty = 0.1; // too few people to cross-validate: the figure that did best on faces-dev
    if (folds >= 2) {
        if (cancel.isCancelled()) return std::nullopt;
        QElapsedTimer sinceLast;
        sinceLast.start();
        // Another penalty takes about as long as the last; the final fit, about one fold of it.
        const auto timeIsUp = [&] {
            const double last = double(sinceLast.restart()) / 1000.0;
            return !budget.roomFor(last * (1.0 + 1.0 / folds));
        };
        const PenaltyChoice choice = choosePenaltyByGroupFolds(inputs, labels, identityFolds(fitted, folds, seed), start,
                                                               kLinearHeadPenalties, {}, timeIsUp);
        penalty = choice.penalty;
        QStringList tried;
        for (size_t i = 0; i < choice.balancedAccuracy.size(); ++i)
            tried << QStringLiteral("%1: %2").arg(kLinearHeadPenalties[i]).arg(choice.balancedAccuracy[i], 0, 'f', 3);
        const size_t untried = kLinearHeadPenalties.size() - choice.balancedAccuracy.size();
        message(QStringLiteral("Penalty %1 chosen by %2-fold cross-validation by identity on the training faces "
                               "(balanced accuracy on the people each fit did not see: %3%4)")
                    .arg(penalty).arg(folds).arg(tried.join(", "))
                    .arg(untried ? QStringLiteral("; the time limit left no room for the %1 weakest").arg(untried)
                                 : QString()));
    } else {
        message(QStringLiteral("Only %1 person among the training faces: no cross-validation, penalty %2")
                    .arg(people).arg(penalty));
    }
    LinearFit fit = fitLinear(inputs, labels, start, penalty);
    backbone.setLinearLayers(fit.weights.narrow(1, 0, featureCount), fit.weights.narrow(1, featureCount, z.size(1)),
                             fit.biases);
    return FittedHead{std::move(fit), std::move(scored->labels), scored->offered};
}

// The split of the usable samples: by identity, except that test-only samples (TrainingData::testOnly,
// indexed like the data; `kept` maps usable rows to data indices) are the test part whatever it says.
std::vector<SplitPart> splitWithTestOnly(const std::vector<TrainingSample>& usable, const std::vector<int>& kept,
                                         const std::vector<bool>& testOnly, int classCount, SplitFractions fractions,
                                         quint64 seed)
{
    if (testOnly.empty()) return splitByIdentity(usable, classCount, fractions, seed);
    std::vector<TrainingSample> rest;
    std::vector<size_t> restRows;
    QSet<QString> testPeople;
    for (size_t row = 0; row < usable.size(); ++row) {
        if (testOnly[size_t(kept[row])]) {
            if (!usable[row].identity.isEmpty()) testPeople.insert(usable[row].identity); // else a person of its own
        } else {
            rest.push_back(usable[row]);
            restRows.push_back(row);
        }
    }
    std::vector<SplitPart> split(usable.size(), SplitPart::Test);
    const std::vector<SplitPart> restSplit = splitByIdentity(rest, classCount, fractions, seed);
    for (size_t i = 0; i < rest.size(); ++i) {
        if (testPeople.contains(rest[i].identity))
            throw Error(QStringLiteral("%1: %2 is among the test-only faces and the others")
                            .arg(rest[i].path, rest[i].identity));
        split[restRows[i]] = restSplit[i];
    }
    return split;
}

} // namespace

QJsonObject trainingSetup(const TrainingData& data, const TrainingConfig& config)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const auto& s : data.samples)
        hash.addData(QStringLiteral("%1\t%2\t%3\n").arg(s.path).arg(s.label).arg(s.identity).toUtf8());
    for (bool test : data.testOnly) hash.addData(test ? "t" : "-");
    QJsonObject setup = config.toJson();
    setup["classes"] = QJsonArray::fromStringList(data.classNames);
    if (!data.auxiliaryClassNames.isEmpty())
        setup["auxiliary_class_names"] = QJsonArray::fromStringList(data.auxiliaryClassNames);
    setup["data_sha256"] = QString::fromLatin1(hash.result().toHex());
    return setup;
}

TrainingResult trainModel(const TrainingData& data, const TrainingConfig& config,
                          const QString& workDir, const TrainingCallbacks& cb,
                          TrainingJob::Resume resume, const CancelFlag& cancel, FoldCache* cache)
{
    QElapsedTimer wall;
    wall.start();
    config.validate();
    auto message = [&](const QString& m) { if (cb.onMessage) cb.onMessage(m); };
    const int classCount = int(data.classNames.size());
    if (classCount < 2) throw Error(QStringLiteral("training needs at least two classes"));
    // Fitting class biases or a linear head: one pass instead of epochs of gradient steps
    // (TrainingConfig::backboneFit).
    const bool classBiasesOnly = config.backboneFit == QLatin1String("class_biases");
    const bool linearHead = config.backboneFit == QLatin1String("linear_head");
    const bool onePass = classBiasesOnly || linearHead;
    const int epochs = onePass ? 1 : config.epochs;
    if (classBiasesOnly) {
        // Only biases learn: the pretrained classifier must already score every chosen class.
        const QStringList unknown = unmappedTaskClasses(config.backbone, data.classNames);
        if (!unknown.isEmpty())
            throw Error(QStringLiteral("the %1 model knows %2, not %3; fitting class biases only needs a model that "
                                       "knows every chosen class (fine-tune it instead)")
                            .arg(config.backbone, pretrainedModelClasses(config.backbone).join(", "), unknown.join(", ")));
    }
    // The network's outputs: the task's classes, then the auxiliary ones (TrainingConfig::auxiliaryClasses).
    const QStringList outputNames = data.classNames + data.auxiliaryClassNames;
    const bool auxiliary = !data.auxiliaryClassNames.isEmpty();

    TrainingResult r;
    r.software = softwareVersions();
    const int threads = config.threads > 0 ? config.threads
                                           : int(std::max(1u, std::thread::hardware_concurrency()));
    configureTorchRuntime(threads);
    // Weight initialisation and dropout draw from torch's global generator: seed it so that a run
    // is repeatable from its seed (thread scheduling can still change the last float bits).
    torch::manual_seed(config.seed);
    if (!QDir().mkpath(workDir))
        throw Error(QStringLiteral("%1: cannot create the work folder").arg(workDir));

    // ---- data: decode once, split by identity -------------------------------------------------
    QStringList paths;
    for (const auto& s : data.samples) paths << s.path;
    message(QStringLiteral("Decoding %1 images at %2x%2 on %3 threads")
                .arg(paths.size()).arg(config.imageSize).arg(threads));
    // Framed as the exported model will frame files (ExportedModel reads config.face back).
    const DecodedImages decoded = decodeImagesOnce(cache, paths, config.imageSize, config.grayscale, &cancel,
                                                   faceFramingFromName(config.face),
                                                   faceSamplingFromName(config.faceSampling()));
    auto finishCancelled = [&] {
        r.status = TrainingStatus::Cancelled;
        r.seconds = wall.elapsed() / 1000.0;
        return r;
    };
    if (cancel.isCancelled()) return finishCancelled();
    r.issues = decoded.issues;
    r.usable.assign(data.samples.size(), false);
    std::vector<TrainingSample> usable;
    std::vector<int> labelOfRow;
    for (int i : decoded.kept) {
        r.usable[i] = true;
        usable.push_back(data.samples[i]);
        labelOfRow.push_back(data.samples[i].label);
    }
    const std::vector<SplitPart> usableSplit =
        splitWithTestOnly(usable, decoded.kept, data.testOnly, classCount, {config.validationFraction, config.testFraction},
                          config.seed);
    r.split.assign(data.samples.size(), SplitPart::Train);
    std::vector<int> trainRows, valRows, testRows;
    for (size_t row = 0; row < usable.size(); ++row) {
        r.split[decoded.kept[row]] = usableSplit[row];
        // Auxiliary images held out with their person are not evaluated: the model never predicts them.
        if (usableSplit[row] != SplitPart::Train && labelOfRow[row] >= classCount) continue;
        (usableSplit[row] == SplitPart::Train ? trainRows
         : usableSplit[row] == SplitPart::Validation ? valRows : testRows).push_back(int(row));
    }
    if (trainRows.size() < 2 || valRows.empty())
        throw Error(QStringLiteral("%1 usable images are too few to train and validate")
                        .arg(usable.size()));
    writeSplitFile(workDir, data, r);
    message(QStringLiteral("Split: %1 train, %2 validation, %3 test images (%4 left out)")
                .arg(trainRows.size()).arg(valRows.size()).arg(testRows.size()).arg(r.issues.size()));

    // Balancing treats the auxiliary classes as one group, as common as each task class: they
    // teach features, and a handful of faces of a tiny auxiliary class must not fill the batches.
    const int groupCount = classCount + (auxiliary ? 1 : 0);
    std::vector<int> trainGroups;
    int auxiliaryTrainImages = 0;
    for (int row : trainRows) {
        trainGroups.push_back(std::min(labelOfRow[row], classCount));
        if (labelOfRow[row] >= classCount) ++auxiliaryTrainImages;
    }
    if (auxiliary && !onePass)
        message(QStringLiteral("Also learning from %1 training images of %2 (never predicted)")
                    .arg(auxiliaryTrainImages).arg(data.auxiliaryClassNames.join(", ")));

    // ---- model, optimiser, imbalance measures -------------------------------------------------
    if (onePass)
        message(QStringLiteral("Starting from the pretrained %1 model, %2: fitting %3 to the training faces, each "
                               "scored over %4 views and their mirror images%5")
                    .arg(config.backbone)
                    .arg(classBiasesOnly ? QStringLiteral("kept as it is") : QStringLiteral("every layer kept"))
                    .arg(classBiasesOnly ? QStringLiteral("one bias per class")
                                         : QStringLiteral("a linear classifier on its features and class scores"))
                    .arg(testTimeViews(config.imageSize).size())
                    .arg(auxiliary || config.distillFrom != QLatin1String("none")
                             ? QStringLiteral(" (no auxiliary classes or teacher in this mode)")
                             : QString()));
    else if (config.backbone != QLatin1String("none"))
        message(QStringLiteral("Starting from the pretrained %1 model: new layers only for %2 epochs, then the "
                               "pretrained layers too, at %3x the learning rate")
                    .arg(config.backbone).arg(config.headEpochs).arg(config.fineTuneFactor));
    const std::shared_ptr<ClassifierNet> net = makeNetwork(config, outputNames);
    {
        const auto [mean, stdev] = channelStatistics(decoded.pixels, trainRows);
        net->setInputStatistics(mean, stdev);
        // The statistics standardise the features for a new head; a bias fit keeps the head at zero.
        if (!onePass) {
            const std::vector<int64_t> sample(trainRows.begin(),
                                              trainRows.begin() + std::min<ptrdiff_t>(ptrdiff_t(trainRows.size()), 512));
            net->fitTrainingSample(decoded.pixels.index_select(0, torch::tensor(sample)).to(torch::kFloat).div_(255));
        }
    }
    // Faces are known to the fold cache by their files.
    const std::function<QString(int)> pathOfRow = [&](int row) { return usable[size_t(row)].path; };
    // A one-pass fit leaves the pretrained model as it is: every face is scored by it once (over its
    // views; shared by the folds of a cross-validation through the cache) and its fitted layers
    // applied to that, in fitting and evaluation alike.
    // Without a cross-validation's cache, one of the run's own still spares validating twice.
    FoldCache ownScores;
    FoldCache* scoreCache = cache ? cache : &ownScores;
    const QString scorer = QStringLiteral("%1 %2 px, %3 views").arg(config.backbone).arg(config.imageSize)
                               .arg(testTimeViews(config.imageSize).size());
    const EvaluatedRows evaluatedRows = [&](const std::vector<int>& rows) {
        return evaluateOnce(scoreCache, backboneOf(net), scorer, decoded.pixels, rows, pathOfRow);
    };
    const auto evaluateRows = [&](const std::vector<int>& rows) {
        if (!onePass) return evaluate(net, decoded.pixels, rows, labelOfRow, data.classNames);
        net->eval();
        const RowLogits logitsOf = [&](const std::vector<int>& part) {
            const EvaluatedFaces faces = evaluatedRows(part);
            return std::pair{backboneOf(net).logitsOfEvaluated(faces), faces.embedding};
        };
        return evaluate(logitsOf, size_t(facesPerChunk(decoded.pixels.size(3))), rows, labelOfRow, data.classNames);
    };
    auto optimizer = makeOptimizer(config, net);
    torch::Tensor teacher; // [usable rows, classes]
    const QString teacherModel =
        onePass ? QStringLiteral("none")
        : config.distillFrom == QLatin1String("auto")
            ? chooseTeacher(config, data.classNames, decoded.pixels, valRows, labelOfRow, cache, pathOfRow, message)
            : config.distillFrom;
    if (teacherModel != QLatin1String("none")) {
        message(QStringLiteral("Labelling the training images with the %1 model (distillation)").arg(teacherModel));
        teacher = teacherProbabilities(teacherModel, config, data.classNames, decoded.pixels, trainRows,
                                       config.distillTemperature, cache, pathOfRow);
        r.teacher = teacherModel;
    }
    const bool useSampler = config.imbalance == "sampler" || config.imbalance == "both";
    const bool useWeights = config.imbalance == "weights" || config.imbalance == "both";
    torch::Tensor lossWeights;
    if (useWeights) {
        const auto w = inverseFrequencyWeights(trainGroups, groupCount);
        std::vector<float> perOutput;
        for (int c = 0; c < int(outputNames.size()); ++c) perOutput.push_back(float(w[std::min(c, classCount)]));
        lossWeights = torch::tensor(perOutput);
    }
    const BalancedSampler sampler(trainGroups, groupCount);
    const int batchSize = std::min<int>(config.batchSize, int(trainRows.size()));
    const int64_t batchesPerEpoch = std::max<int64_t>(1, int64_t(trainRows.size()) / batchSize);
    const int64_t totalSteps = batchesPerEpoch * epochs;
    std::optional<WeightAverage> average;
    if (config.averageEpochs > 0 && !onePass) average.emplace(*net, config.averageEpochs * double(batchesPerEpoch));

    // ---- resume -------------------------------------------------------------------------------
    const QJsonObject setup = trainingSetup(data, config);
    const bool selectOnBalancedAccuracy = config.selectOn == QLatin1String("balanced_accuracy");
    const QString scoreName = selectOnBalancedAccuracy ? QStringLiteral("balanced accuracy") : QStringLiteral("macro-F1");
    CheckpointState state;
    state.config = setup;
    if (resume == TrainingJob::Resume::IfPossible) {
        if (auto saved = readCheckpointState(workDir); saved && sameTrainingSetup(saved->config, setup)) {
            loadCheckpoint(workDir, net, *optimizer, average ? &*average : nullptr);
            state = *saved;
            state.config = setup;
            r.resumed = true;
            message(QStringLiteral("Resuming after epoch %1 (best so far: epoch %2, %3 %4)")
                        .arg(state.epochsDone).arg(state.bestEpoch).arg(scoreName).arg(state.bestScore, 0, 'f', 3));
        } else {
            removeCheckpoint(workDir);
        }
    } else {
        removeCheckpoint(workDir);
    }
    r.history = state.history;

    // ---- train --------------------------------------------------------------------------------
    namespace F = torch::nn::functional;
    auto lossOptions = F::CrossEntropyFuncOptions().label_smoothing(config.labelSmoothing);
    if (useWeights) lossOptions.weight(lossWeights);
    double secondsPerEpoch = 0; // measured in this invocation
    int epochsThisRun = 0;
    bool cancelled = false;
    // The time limit is a promise about training time: an epoch that cannot finish within it is not
    // started (estimated from the epochs so far), and one that overruns (the pretrained layers start
    // training, the machine gets busy) is abandoned mid-way, keeping the best epoch before it. The
    // first epoch always completes, so there is a model to export.
    const double limitSeconds = config.maxMinutes > 0 ? config.maxMinutes * 60 : 0;
    bool outOfTime = false;
    auto stopForTime = [&](const QString& why) {
        message(QStringLiteral("Time limit of %1 minutes: %2; keeping the best of epochs 1-%3")
                    .arg(config.maxMinutes).arg(why).arg(state.epochsDone));
        r.stoppedEarly = true;
        outOfTime = true;
    };
    const int firstEpoch = state.epochsDone + 1;
    const bool alreadyStopped =
        (config.patience > 0 && state.staleEpochs >= config.patience) ||
        (limitSeconds > 0 && state.seconds >= limitSeconds);
    for (int epoch = firstEpoch; epoch <= epochs && !alreadyStopped; ++epoch) {
        // A resumed run estimates from the last recorded epoch until it has timed one of its own.
        const double expectedEpoch = secondsPerEpoch > 0 ? secondsPerEpoch
                                     : state.history.size() >= 2
                                         ? state.history.back().seconds - state.history[state.history.size() - 2].seconds
                                     : !state.history.empty() ? state.history.back().seconds
                                                              : 0;
        if (limitSeconds > 0 && state.epochsDone > 0 && state.seconds + expectedEpoch > limitSeconds) {
            stopForTime(QStringLiteral("epoch %1 (about %2 s) would end after it")
                            .arg(epoch).arg(qRound(expectedEpoch)));
            break;
        }
        QElapsedTimer epochTimer;
        epochTimer.start();
        auto generator = at::make_generator<at::CPUGeneratorImpl>(config.seed * 1000003ULL + quint64(epoch));
        const quint64 orderSeed = config.seed * 7919ULL + quint64(epoch);
        const std::vector<int> order = useSampler ? sampler.draw(int(trainRows.size()), orderSeed)
                                                  : shuffledIndices(int(trainRows.size()), orderSeed);
        // Dropout draws from torch's global generator: seeded per epoch like the rest, so a run
        // resumed from a checkpoint trains exactly as it would have without the interruption.
        torch::manual_seed(config.seed * 1000033ULL + quint64(epoch));
        const double lrFactor = net->beginEpoch(epoch);
        net->train();
        double lossSum = 0;
        int64_t seen = 0;
        std::vector<int> epochTruth, epochPred;
        double lr = onePass ? 0 : config.learningRate;
        if (onePass) {
            // Solving class biases takes moments; a linear head's cross-validation solves 26 times
            // (~1,000 faces of faces-dev: 5-30 s for the emotion model's 6 classes, the machine idle
            // or busy; 3 s for faceres' 2), and tries no further penalty once another would overrun.
            const auto scoring = [&](size_t scored, size_t total, const OnePassBudget& budget) {
                if (!cb.onBatch) return;
                BatchProgress p;
                p.epoch = p.epochs = 1;
                p.scoring = true;
                p.batch = int(scored);
                p.batches = int(total);
                p.imagesPerSecond = budget.scoringSeconds() > 0 ? double(scored) / budget.scoringSeconds() : 0;
                p.etaSeconds = budget.secondsToGo(total);
                cb.onBatch(p);
            };
            OnePassBudget budget(limitSeconds > 0 ? limitSeconds - state.seconds : 0, classBiasesOnly ? 0.05 : 0.1,
                                 valRows.size(), scoring);
            net->eval();
            const size_t chunk = size_t(facesPerChunk(decoded.pixels.size(3)));
            const auto fitted =
                classBiasesOnly
                    ? fitBiasesToTrainingFaces(backboneOf(net), evaluatedRows, chunk, trainRows, labelOfRow,
                                               data.classNames, config.seed, budget, cancel)
                    : fitLinearHeadToTrainingFaces(backboneOf(net), evaluatedRows, chunk, trainRows, labelOfRow, usable,
                                                   data.classNames, config.seed, budget, cancel, message);
            if (!fitted) {
                cancelled = true;
            } else {
                lossSum = fitted->fit.loss * double(fitted->truth.size());
                seen = int64_t(fitted->truth.size());
                epochTruth = fitted->truth;
                epochPred = fitted->fit.predicted;
                if (size_t(seen) < fitted->offered) {
                    message(QStringLiteral("Time limit of %1 minutes: %2 of the %3 training faces scored in %4 s (the "
                                           "classes in turn, so the rarest whole), leaving time to fit and validate; "
                                           "fitted on those")
                                .arg(config.maxMinutes).arg(seen).arg(fitted->offered)
                                .arg(qRound(budget.scoringSeconds())));
                    r.stoppedEarly = true;
                }
                QStringList biases;
                for (int c = 0; c < classCount; ++c)
                    biases << QStringLiteral("%1 %2").arg(data.classNames[c]).arg(fitted->fit.biases[c].item<double>(), 0, 'f', 2);
                message(classBiasesOnly
                            ? QStringLiteral("Class biases fitted on %1 training faces (scored in %2 s; %3 s in all): %4")
                                  .arg(seen).arg(qRound(budget.scoringSeconds())).arg(qRound(budget.elapsed()))
                                  .arg(biases.join(", "))
                            : QStringLiteral("Linear head fitted on %1 training faces (scored in %2 s; %3 s in all)")
                                  .arg(seen).arg(qRound(budget.scoringSeconds())).arg(qRound(budget.elapsed())));
            }
        }
        for (int64_t b = 0; b < batchesPerEpoch && !onePass; ++b) {
            if (cancel.isCancelled()) {
                cancelled = true;
                break;
            }
            if (limitSeconds > 0 && state.epochsDone > 0 &&
                state.seconds + epochTimer.elapsed() / 1000.0 >= limitSeconds) {
                stopForTime(QStringLiteral("reached during epoch %1, which is left unfinished").arg(epoch));
                break;
            }
            const int64_t step = int64_t(epoch - 1) * batchesPerEpoch + b;
            lr = learningRateAt(config, step, batchesPerEpoch, totalSteps);
            auto& groups = optimizer->param_groups();
            for (size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(g == 0 ? lr : lr * lrFactor);

            std::vector<int64_t> rows, labels;
            for (int64_t i = b * batchSize; i < (b + 1) * batchSize; ++i) {
                const int row = trainRows[order[i]];
                rows.push_back(row);
                labels.push_back(labelOfRow[row]);
            }
            auto x = decoded.pixels.index_select(0, torch::tensor(rows, torch::kLong))
                         .to(torch::kFloat)
                         .div_(255);
            if (config.augment) x = augmentBatch(x, config, generator);
            const auto y = torch::tensor(labels, torch::kLong);
            torch::Tensor mixedWith;
            double mix = 1.0; // weight of the batch's own images and labels
            if (config.mixup > 0) {
                // Beta(a, a) from two gammas; the larger share stays with the batch's own labels.
                const auto g = at::_standard_gamma(torch::full({2}, config.mixup, torch::kDouble), generator);
                const double share = (g[0] / g.sum()).item<double>();
                mix = std::max(share, 1 - share);
                mixedWith = torch::randperm(int64_t(rows.size()), generator, torch::kLong);
                x = x * mix + x.index_select(0, mixedWith) * (1 - mix);
            }
            optimizer->zero_grad();
            const auto logits = net->forward(x);
            auto loss = F::cross_entropy(logits, y, lossOptions);
            if (mixedWith.defined())
                loss = loss * mix + F::cross_entropy(logits, y.index_select(0, mixedWith), lossOptions) * (1 - mix);
            if (teacher.defined()) {
                // Soft cross-entropy with the teacher's tempered probabilities; T^2 keeps its
                // gradients on the scale of the hard loss (Hinton et al., 2015).
                const double t = config.distillTemperature;
                const auto target = teacher.index_select(0, torch::tensor(rows, torch::kLong));
                const auto logp = torch::log_softmax(logits.narrow(1, 0, classCount) / t, 1);
                const auto soft = -(target * logp).sum(1).mean() * (t * t);
                loss = loss * (1 - config.distillWeight) + soft * config.distillWeight;
            }
            loss.backward();
            optimizer->step();
            if (average) average->update();

            // Training accuracy, like validation, over the task's classes and outputs only.
            const auto pred = logits.narrow(1, 0, classCount).argmax(1);
            const double batchLoss = loss.item<double>();
            int correct = 0, counted = 0;
            lossSum += batchLoss * double(rows.size());
            seen += int64_t(rows.size());
            for (int64_t i = 0; i < pred.size(0); ++i) {
                if (labels[i] >= classCount) continue;
                const int predicted = int(pred[i].item<int64_t>());
                correct += predicted == labels[i] ? 1 : 0;
                ++counted;
                epochTruth.push_back(int(labels[i]));
                epochPred.push_back(predicted);
            }
            if (cb.onBatch) {
                BatchProgress p;
                p.epoch = epoch;
                p.epochs = epochs;
                p.batch = int(b + 1);
                p.batches = int(batchesPerEpoch);
                p.loss = batchLoss;
                p.accuracy = counted ? double(correct) / double(counted) : 0;
                p.learningRate = lr;
                const double elapsed = epochTimer.elapsed() / 1000.0;
                p.imagesPerSecond = elapsed > 0 ? double(seen) / elapsed : 0;
                const double perBatch = elapsed / double(b + 1);
                const double perEpoch = secondsPerEpoch > 0 ? secondsPerEpoch : perBatch * double(batchesPerEpoch);
                p.etaSeconds = perBatch * double(batchesPerEpoch - b - 1) + perEpoch * double(epochs - epoch);
                if (limitSeconds > 0)
                    p.etaSeconds = std::min(p.etaSeconds, std::max(0.0, limitSeconds - state.seconds - elapsed));
                cb.onBatch(p);
            }
        }
        if (cancelled || outOfTime) break;
        const double trainSeconds = epochTimer.elapsed() / 1000.0;

        // Validated (and kept when best) with the averaged weights; trained on with its own.
        std::optional<WeightAverage::Swap> averaged;
        if (average) averaged.emplace(*average);
        const Evaluation val = evaluateRows(valRows);
        const Metrics trainMetrics = computeMetrics(epochTruth, epochPred, data.classNames);
        const double epochSeconds = epochTimer.elapsed() / 1000.0;
        ++epochsThisRun;
        secondsPerEpoch += (epochSeconds - secondsPerEpoch) / epochsThisRun;
        state.seconds += epochSeconds;

        EpochProgress e;
        e.epoch = epoch;
        e.epochs = epochs;
        e.trainLoss = seen ? lossSum / double(seen) : 0;
        e.trainAccuracy = trainMetrics.accuracy;
        e.trainBalancedAccuracy = trainMetrics.balancedAccuracy;
        e.valLoss = val.loss;
        e.valAccuracy = val.metrics.accuracy;
        e.valBalancedAccuracy = val.metrics.balancedAccuracy;
        e.valMacroF1 = val.metrics.macroF1;
        e.learningRate = lr;
        e.imagesPerSecond = trainSeconds > 0 ? double(seen) / trainSeconds : 0;
        e.seconds = state.seconds;
        e.etaSeconds = secondsPerEpoch * double(epochs - epoch);
        if (limitSeconds > 0) e.etaSeconds = std::min(e.etaSeconds, std::max(0.0, limitSeconds - state.seconds));
        // The selection score decides; on a tie (tiny validation sets make ties common) the lower loss wins.
        const double score = selectOnBalancedAccuracy ? val.metrics.balancedAccuracy : val.metrics.macroF1;
        e.improved = score > state.bestScore + 1e-9 ||
                     (std::abs(score - state.bestScore) <= 1e-9 && val.loss < state.bestValLoss);
        if (e.improved) {
            state.bestScore = score;
            state.bestValLoss = val.loss;
            state.bestEpoch = epoch;
            state.staleEpochs = 0;
            saveWeights(net, bestWeightsPath(workDir));
        } else {
            ++state.staleEpochs;
        }
        averaged.reset();
        e.bestEpoch = state.bestEpoch;
        state.epochsDone = epoch;
        state.history.push_back(e);
        r.history.push_back(e);
        saveCheckpoint(workDir, net, *optimizer, average ? &*average : nullptr, state);
        if (cb.onEpoch) cb.onEpoch(e);

        if (config.patience > 0 && state.staleEpochs >= config.patience) {
            message(QStringLiteral("Early stop: no better validation %1 for %2 epochs").arg(scoreName).arg(config.patience));
            r.stoppedEarly = true;
            break;
        }
        if (limitSeconds > 0 && state.seconds >= limitSeconds) {
            stopForTime(QStringLiteral("reached at the end of epoch %1").arg(epoch));
            break;
        }
    }
    r.epochsRun = state.epochsDone;
    r.bestEpoch = state.bestEpoch;
    if (alreadyStopped) r.stoppedEarly = true;
    if (cancelled || cancel.isCancelled()) return finishCancelled();

    // ---- evaluate the best epoch, export ------------------------------------------------------
    message(QStringLiteral("Evaluating the best epoch (%1)").arg(state.bestEpoch));
    if (QFile::exists(bestWeightsPath(workDir))) {
        auto module = std::static_pointer_cast<torch::nn::Module>(net);
        torch::load(module, bestWeightsPath(workDir).toStdString());
    }
    if (auxiliary) net->keepOutputs(classCount);
    const Evaluation val = evaluateRows(valRows);
    const Evaluation test = evaluateRows(testRows);
    r.validation = val.metrics;
    r.test = test.metrics;
    auto addPredictions = [&](const std::vector<int>& rows, const Evaluation& ev, SplitPart part) {
        const auto probs = ev.probabilities.contiguous();
        for (size_t i = 0; i < rows.size(); ++i) {
            SamplePrediction p;
            p.sample = decoded.kept[rows[i]];
            p.part = part;
            p.truth = labelOfRow[rows[i]];
            p.predicted = ev.predicted[i];
            const float* row = probs.data_ptr<float>() + i * classCount;
            p.probabilities.assign(row, row + classCount);
            if (ev.embeddings.defined()) {
                const auto e = ev.embeddings[int64_t(i)].contiguous();
                p.embedding.assign(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
            }
            r.predictions.push_back(std::move(p));
        }
    };
    addPredictions(valRows, val, SplitPart::Validation);
    addPredictions(testRows, test, SplitPart::Test);

    message(QStringLiteral("Exporting the model"));
    ModelCard card;
    card.task = data.task;
    card.classes = data.classNames;
    card.config = config.toJson();
    card.network = net->describe();
    card.validation = r.validation.toJson();
    card.test = r.test.toJson();
    card.bestEpoch = state.bestEpoch;
    card.software = r.software;
    r.modelDir = QDir(workDir).filePath("model");
    exportModel(net, card, r.modelDir);

    r.status = TrainingStatus::Finished;
    r.seconds = wall.elapsed() / 1000.0;
    return r;
}

} // namespace exemplar::learning
