#include "core/learning/tfjs/ZeroShot.h"

#include "core/learning/Split.h"
#include "core/learning/TorchRuntime.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsModel.h"
#include "core/util/Counted.h"
#include "core/util/Error.h"

#include <QElapsedTimer>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <map>

namespace exemplar::learning {

namespace {

// Model class -> names a task may use for it (lower case).
const std::map<QString, QStringList>& synonyms()
{
    static const std::map<QString, QStringList> table{
        {QStringLiteral("angry"), {QStringLiteral("anger"), QStringLiteral("angry")}},
        {QStringLiteral("disgust"), {QStringLiteral("disgust"), QStringLiteral("disgusted")}},
        {QStringLiteral("fear"), {QStringLiteral("fear"), QStringLiteral("fearful"), QStringLiteral("afraid")}},
        {QStringLiteral("happy"), {QStringLiteral("happiness"), QStringLiteral("happy"), QStringLiteral("joy")}},
        {QStringLiteral("sad"), {QStringLiteral("sadness"), QStringLiteral("sad")}},
        {QStringLiteral("surprise"), {QStringLiteral("surprise"), QStringLiteral("surprised")}},
        {QStringLiteral("neutral"), {QStringLiteral("neutral")}},
        {QStringLiteral("female"), {QStringLiteral("female"), QStringLiteral("woman"), QStringLiteral("f")}},
        {QStringLiteral("male"), {QStringLiteral("male"), QStringLiteral("man"), QStringLiteral("m")}},
    };
    return table;
}

} // namespace

QStringList pretrainedModelClasses(const QString& model)
{
    return pretrainedModelInfo(model).classes;
}

std::vector<int> mapPretrainedClasses(const QString& model, const QStringList& taskClasses)
{
    std::vector<int> out;
    for (const QString& modelClass : pretrainedModelClasses(model)) {
        int found = -1;
        for (int t = 0; t < taskClasses.size() && found < 0; ++t)
            if (synonyms().at(modelClass).contains(taskClasses[t].trimmed().toLower())) found = t;
        out.push_back(found);
    }
    return out;
}

QStringList mappedTaskClasses(const QString& model, const QStringList& taskClasses)
{
    QStringList mapped;
    for (int t : mapPretrainedClasses(model, taskClasses))
        if (t >= 0) mapped << taskClasses[t];
    return mapped;
}

QStringList unmappedTaskClasses(const QString& model, const QStringList& taskClasses)
{
    const QStringList mapped = mappedTaskClasses(model, taskClasses);
    QStringList unknown;
    for (const QString& c : taskClasses)
        if (!mapped.contains(c)) unknown << c;
    return unknown;
}

QStringList teachersFor(const QStringList& taskClasses)
{
    QStringList out;
    for (const QString& model : knownPretrainedModels())
        if (!findPretrainedModel(model).isEmpty() && unmappedTaskClasses(model, taskClasses).isEmpty()) out << model;
    return out;
}

TrainingResult evaluateZeroShot(const TrainingData& data, const TrainingConfig& config,
                                const ZeroShotOptions& options, const CancelFlag* cancel)
{
    QElapsedTimer wall;
    wall.start();
    auto message = [&](const QString& m) {
        if (options.onMessage) options.onMessage(m);
    };
    configureTorchRuntime(config.threads);
    TrainingResult r;
    r.software = softwareVersions();
    const int classCount = int(data.classNames.size());
    const std::vector<int> taskOf = mapPretrainedClasses(options.model, data.classNames);
    if (mappedTaskClasses(options.model, data.classNames).size() < 2)
        throw Error(QStringLiteral("the %1 model knows %2; the task's classes (%3) need at least two of them")
                        .arg(options.model, pretrainedModelClasses(options.model).join(QStringLiteral(", ")),
                             data.classNames.join(QStringLiteral(", "))));
    const QString json = options.modelJson.isEmpty() ? requirePretrainedModel(options.model) : options.modelJson;
    const TfjsModel model = TfjsModel::load(json);
    const int size = int(model.inputShape()[1]);
    const bool gray = model.inputShape()[3] == 1;
    const size_t perImage = size_t(size) * size_t(size) * (gray ? 1 : 3);
    const PretrainedModelInfo info = pretrainedModelInfo(options.model);
    const QString outputNode = info.outputNode.isEmpty() ? model.outputNode() : info.outputNode;

    // Decode everything: which images decode decides the split, as in training.
    message(QStringLiteral("Decoding %1 for the %2 model").arg(counted(qint64(data.samples.size()), u"image"), options.model));
    std::vector<std::vector<float>> inputs(data.samples.size());
    cv::parallel_for_(cv::Range(0, int(data.samples.size())), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) {
            if (cancel && cancel->isCancelled()) return;
            if (data.samples[size_t(i)].label >= classCount) continue; // auxiliary: not the task's
            const cv::Mat image = cv::imread(data.samples[size_t(i)].path.toStdString(), cv::IMREAD_COLOR);
            if (image.empty()) continue;
            inputs[size_t(i)] = faceModelInput(image, size, gray);
            // faceModelInput gives gray models their (x - 0.5) * 2 already; RGB ones get [0, 1].
            if (!gray)
                for (float& v : inputs[size_t(i)]) v = float(v * info.inputScale + info.inputShift);
        }
    });
    if (cancel && cancel->isCancelled()) {
        r.status = TrainingStatus::Cancelled;
        r.seconds = wall.elapsed() / 1000.0;
        return r;
    }
    std::vector<TrainingSample> usable;
    std::vector<int> rowSample;
    r.usable.assign(data.samples.size(), false);
    for (size_t i = 0; i < data.samples.size(); ++i) {
        if (data.samples[i].label >= classCount) continue;
        if (inputs[i].empty()) {
            r.issues.push_back({data.samples[i].path, QStringLiteral("cannot be decoded as an image")});
            continue;
        }
        r.usable[i] = true;
        usable.push_back(data.samples[i]);
        rowSample.push_back(int(i));
    }
    const std::vector<SplitPart> split =
        splitByIdentity(usable, classCount, {config.validationFraction, config.testFraction}, config.seed);
    r.split.assign(data.samples.size(), SplitPart::Train);
    std::vector<int> evaluated; // sample indices
    for (size_t row = 0; row < usable.size(); ++row) {
        r.split[size_t(rowSample[row])] = split[row];
        if (split[row] != SplitPart::Train) evaluated.push_back(rowSample[row]);
    }
    message(QStringLiteral("Classifying %1 validation and test images").arg(evaluated.size()));

    std::vector<int> valTruth, valPred, testTruth, testPred;
    QStringList valPeople, testPeople;
    const int modelClasses = int(taskOf.size());
    for (size_t start = 0; start < evaluated.size(); start += size_t(options.batchSize)) {
        if (cancel && cancel->isCancelled()) {
            r.status = TrainingStatus::Cancelled;
            r.seconds = wall.elapsed() / 1000.0;
            return r;
        }
        const size_t end = std::min(evaluated.size(), start + size_t(options.batchSize));
        std::vector<float> batch;
        batch.reserve((end - start) * perImage);
        for (size_t k = start; k < end; ++k) {
            const auto& in = inputs[size_t(evaluated[k])];
            batch.insert(batch.end(), in.begin(), in.end());
        }
        TfjsOutput out = model.predict(batch, int(end - start), size, size, outputNode);
        if (info.binaryLogit && out.shape.size() == 2 && out.shape[1] == 1) {
            // One sigmoid probability p of the second class: the two classes are [1 - p, p].
            std::vector<float> two;
            for (float p : out.values) two.insert(two.end(), {1.0f - p, p});
            out.values = std::move(two);
            out.shape[1] = 2;
        }
        if (out.shape.size() != 2 || out.shape[1] != modelClasses)
            throw Error(QStringLiteral("%1: expected %2 outputs per image").arg(json).arg(modelClasses));
        for (size_t k = start; k < end; ++k) {
            const float* scores = out.values.data() + (k - start) * size_t(modelClasses);
            SamplePrediction p;
            p.sample = evaluated[k];
            p.part = r.split[size_t(p.sample)];
            p.truth = data.samples[size_t(p.sample)].label;
            p.probabilities.assign(size_t(classCount), 0.0f);
            double total = 0;
            for (int m = 0; m < modelClasses; ++m)
                if (taskOf[size_t(m)] >= 0) {
                    p.probabilities[size_t(taskOf[size_t(m)])] += scores[m];
                    total += scores[m];
                }
            for (float& v : p.probabilities) v = total > 0 ? float(v / total) : 0.0f;
            p.predicted = int(std::max_element(p.probabilities.begin(), p.probabilities.end()) - p.probabilities.begin());
            (p.part == SplitPart::Test ? testTruth : valTruth).push_back(p.truth);
            (p.part == SplitPart::Test ? testPred : valPred).push_back(p.predicted);
            (p.part == SplitPart::Test ? testPeople : valPeople) << data.samples[size_t(p.sample)].identity;
            r.predictions.push_back(std::move(p));
        }
    }
    r.validation = computeMetrics(valTruth, valPred, data.classNames, valPeople);
    r.test = computeMetrics(testTruth, testPred, data.classNames, testPeople);
    r.status = TrainingStatus::Finished;
    r.modelDir = json;
    r.seconds = wall.elapsed() / 1000.0;
    message(QStringLiteral("Zero-shot %1: test balanced accuracy %2 on %3 images")
                .arg(options.model).arg(r.test.balancedAccuracy, 0, 'f', 3).arg(r.test.count));
    return r;
}

} // namespace exemplar::learning
