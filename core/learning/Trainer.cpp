#include "core/learning/internal/Trainer.h"

#include "core/learning/ClassBalance.h"
#include "core/learning/Split.h"
#include "core/util/Counted.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/internal/Augmenter.h"
#include "core/learning/internal/BackboneNet.h"
#include "core/learning/internal/Checkpoint.h"
#include "core/learning/internal/Distillation.h"
#include "core/learning/internal/FoldCacheState.h"
#include "core/learning/internal/ImageTensors.h"
#include "core/learning/internal/ModelExport.h"
#include "core/learning/internal/OnePassFit.h"
#include "core/learning/internal/TestTimeViews.h"
#include "core/learning/internal/Network.h"
#include "core/learning/internal/WeightAverage.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <functional>
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
    message(QStringLiteral("Decoding %1 at %2x%2 on %3")
                .arg(counted(paths.size(), u"image"))
                .arg(config.imageSize)
                .arg(counted(threads, u"thread")));
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
        message(QStringLiteral("Time limit of %1 %2: %3; keeping the best of epochs 1-%4")
                    .arg(config.maxMinutes)
                    .arg(config.maxMinutes == 1 ? QStringLiteral("minute") : QStringLiteral("minutes"), why)
                    .arg(state.epochsDone));
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
                    ? fitBiasesToTrainingFaces(backboneOf(net), evaluatedRows, chunk, trainRows, labelOfRow, usable,
                                               data.classNames, config.seed, budget, cancel, message)
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
                message(fitted->asIs
                            ? QStringLiteral("The pretrained classifier kept as it is, judged on %1 training faces "
                                             "(scored in %2 s; %3 s in all)")
                                  .arg(seen).arg(qRound(budget.scoringSeconds())).arg(qRound(budget.elapsed()))
                        : classBiasesOnly
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
            message(QStringLiteral("Early stop: no better validation %1 for %2")
                        .arg(scoreName, counted(config.patience, u"epoch")));
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
    // The final figures carry their interval over the people evaluated (per epoch it is not needed).
    const auto withInterval = [&](const std::vector<int>& rows, const Evaluation& ev) {
        std::vector<int> truth;
        QStringList people;
        for (int row : rows) {
            truth.push_back(labelOfRow[row]);
            people << usable[size_t(row)].identity; // empty: a person of their own (PeopleBootstrap)
        }
        return computeMetrics(truth, ev.predicted, data.classNames, people);
    };
    r.validation = withInterval(valRows, val);
    r.test = withInterval(testRows, test);
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
