#include "core/learning/internal/Distillation.h"

#include "core/learning/Metrics.h"
#include "core/learning/internal/FoldCacheState.h"
#include "core/learning/internal/ImageTensors.h"
#include "core/learning/internal/Network.h"
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/util/Error.h"

namespace exemplar::learning {

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

namespace {

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

} // namespace

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

} // namespace exemplar::learning
