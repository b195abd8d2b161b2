#include "core/learning/TrainingConfig.h"

#include "core/learning/FaceImage.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/util/Error.h"

namespace exemplar::learning {

QJsonObject TrainingConfig::toJson() const
{
    return QJsonObject{
        {"model", model},
        {"width", width},
        {"depth", depth},
        {"dropout", dropout},
        {"backbone", backbone},
        {"head_epochs", headEpochs},
        {"fine_tune_factor", fineTuneFactor},
        {"backbone_fit", backboneFit},
        {"image_size", imageSize},
        {"grayscale", grayscale},
        {"face", face},
        {"face_sampling", faceSampling()},
        {"epochs", epochs},
        {"batch_size", batchSize},
        {"optimizer", optimizer},
        {"learning_rate", learningRate},
        {"weight_decay", weightDecay},
        {"momentum", momentum},
        {"schedule", schedule},
        {"step_epochs", stepEpochs},
        {"step_gamma", stepGamma},
        {"warmup_epochs", warmupEpochs},
        {"label_smoothing", labelSmoothing},
        {"average_epochs", averageEpochs},
        {"flip_average", flipAverage},
        {"select_on", selectOn},
        {"patience", patience},
        {"max_minutes", maxMinutes},
        {"imbalance", imbalance},
        {"auxiliary_classes", auxiliaryClasses},
        {"distill_from", distillFrom},
        {"distill_weight", distillWeight},
        {"distill_temperature", distillTemperature},
        {"augment", augment},
        {"flip", flip},
        {"rotation_degrees", rotationDegrees},
        {"scale", scale},
        {"shift", shift},
        {"brightness", brightness},
        {"contrast", contrast},
        {"erasing", erasing},
        {"mixup", mixup},
        {"validation_fraction", validationFraction},
        {"test_fraction", testFraction},
        // JSON numbers are doubles: a 64-bit seed only survives as text.
        {"seed", QString::number(seed)},
        {"threads", threads},
    };
}

TrainingConfig TrainingConfig::fromJson(const QJsonObject& j)
{
    TrainingConfig c;
    auto str = [&](const char* k, QString& v) { if (j.contains(k)) v = j[k].toString(); };
    auto integer = [&](const char* k, int& v) { if (j.contains(k)) v = j[k].toInt(); };
    auto real = [&](const char* k, double& v) { if (j.contains(k)) v = j[k].toDouble(); };
    auto boolean = [&](const char* k, bool& v) { if (j.contains(k)) v = j[k].toBool(); };
    str("model", c.model);
    integer("width", c.width);
    integer("depth", c.depth);
    real("dropout", c.dropout);
    str("backbone", c.backbone);
    integer("head_epochs", c.headEpochs);
    real("fine_tune_factor", c.fineTuneFactor);
    str("backbone_fit", c.backboneFit);
    integer("image_size", c.imageSize);
    boolean("grayscale", c.grayscale);
    str("face", c.face);
    integer("epochs", c.epochs);
    integer("batch_size", c.batchSize);
    str("optimizer", c.optimizer);
    real("learning_rate", c.learningRate);
    real("weight_decay", c.weightDecay);
    real("momentum", c.momentum);
    str("schedule", c.schedule);
    integer("step_epochs", c.stepEpochs);
    real("step_gamma", c.stepGamma);
    integer("warmup_epochs", c.warmupEpochs);
    real("label_smoothing", c.labelSmoothing);
    real("average_epochs", c.averageEpochs);
    boolean("flip_average", c.flipAverage);
    str("select_on", c.selectOn);
    integer("patience", c.patience);
    real("max_minutes", c.maxMinutes);
    str("imbalance", c.imbalance);
    // Configurations recorded before these keys existed trained without them: reading such a
    // record back must not switch them on (the defaults changed since).
    c.auxiliaryClasses = false;
    c.distillFrom = QStringLiteral("none");
    boolean("auxiliary_classes", c.auxiliaryClasses);
    str("distill_from", c.distillFrom);
    real("distill_weight", c.distillWeight);
    real("distill_temperature", c.distillTemperature);
    boolean("augment", c.augment);
    boolean("flip", c.flip);
    real("rotation_degrees", c.rotationDegrees);
    real("scale", c.scale);
    real("shift", c.shift);
    real("brightness", c.brightness);
    real("contrast", c.contrast);
    real("erasing", c.erasing);
    real("mixup", c.mixup);
    real("validation_fraction", c.validationFraction);
    real("test_fraction", c.testFraction);
    if (j.contains("seed"))
        c.seed = j["seed"].isString() ? j["seed"].toString().toULongLong()
                                      : quint64(j["seed"].toDouble());
    integer("threads", c.threads);
    c.validate();
    return c;
}

QString TrainingConfig::faceSampling() const
{
    return faceSamplingName(backbone == QLatin1String("none") ? FaceSampling::Area : FaceSampling::Tfjs);
}

void TrainingConfig::takeBackboneInput()
{
    if (backbone == QLatin1String("none") || !knownPretrainedModels().contains(backbone)) return;
    const PretrainedModelInfo info = pretrainedModelInfo(backbone);
    imageSize = info.inputSize;
    grayscale = info.grayscale;
}

void TrainingConfig::validate() const
{
    auto fail = [](const QString& what) {
        throw Error(QStringLiteral("training configuration: %1").arg(what));
    };
    if (model != "compact" && model != "vgg")
        fail(QStringLiteral("unknown model '%1' (use compact or vgg)").arg(model));
    if (backbone != "none" && !knownPretrainedModels().contains(backbone))
        fail(QStringLiteral("unknown backbone '%1' (use none, %2)")
                 .arg(backbone, knownPretrainedModels().join(QStringLiteral(", "))));
    if (backbone != "none") {
        // The backbone dictates the images: what it was trained on is what it can read.
        const PretrainedModelInfo info = pretrainedModelInfo(backbone);
        if (grayscale != info.grayscale)
            fail(info.grayscale ? QStringLiteral("the %1 backbone takes grayscale images (drop the colour option)").arg(backbone)
                                : QStringLiteral("the %1 backbone takes colour images (grayscale false; CLI --color)").arg(backbone));
        if (info.fixedInputSize && imageSize != info.inputSize)
            fail(QStringLiteral("the %1 backbone takes %2x%2 images (image_size %2; CLI --size %2), not %3")
                     .arg(backbone).arg(info.inputSize).arg(imageSize));
    }
    if (backboneFit != "fine_tune" && backboneFit != "class_biases" && backboneFit != "linear_head")
        fail(QStringLiteral("unknown backbone fit '%1' (use fine_tune, linear_head or class_biases)").arg(backboneFit));
    if (backboneFit != "fine_tune" && backbone == "none")
        fail(QStringLiteral("backbone fit %1 needs a pretrained backbone (CLI --backbone)").arg(backboneFit));
    try {
        faceFramingFromName(face);
    } catch (const Error& e) {
        fail(e.message());
    }
    if (distillFrom != "none" && distillFrom != "auto" && !knownPretrainedModels().contains(distillFrom))
        fail(QStringLiteral("unknown distillation teacher '%1' (use auto, none, %2)")
                 .arg(distillFrom, knownPretrainedModels().join(QStringLiteral(", "))));
    if (distillWeight < 0 || distillWeight > 1) fail(QStringLiteral("distillation weight must be in [0,1]"));
    if (distillTemperature <= 0 || distillTemperature > 20)
        fail(QStringLiteral("distillation temperature must be in (0,20]"));
    if (headEpochs < 0) fail(QStringLiteral("head epochs must be 0 or more"));
    if (fineTuneFactor <= 0 || fineTuneFactor > 1) fail(QStringLiteral("fine-tune factor must be in (0,1]"));
    if (optimizer != "adamw" && optimizer != "sgd")
        fail(QStringLiteral("unknown optimizer '%1' (use adamw or sgd)").arg(optimizer));
    if (schedule != "cosine" && schedule != "step" && schedule != "constant")
        fail(QStringLiteral("unknown schedule '%1' (use cosine, step or constant)").arg(schedule));
    if (imbalance != "sampler" && imbalance != "weights" && imbalance != "both" && imbalance != "none")
        fail(QStringLiteral("unknown imbalance mode '%1' (use sampler, weights, both or none)")
                 .arg(imbalance));
    if (selectOn != "macro_f1" && selectOn != "balanced_accuracy")
        fail(QStringLiteral("unknown selection score '%1' (use macro_f1 or balanced_accuracy)").arg(selectOn));
    if (width < 1 || width > 512) fail(QStringLiteral("width %1 outside 1..512").arg(width));
    if (depth < 1 || (1 << depth) > imageSize)
        fail(QStringLiteral("depth %1 too large for image size %2").arg(depth).arg(imageSize));
    if (imageSize < 8 || imageSize > 512)
        fail(QStringLiteral("image size %1 outside 8..512").arg(imageSize));
    if (epochs < 1) fail(QStringLiteral("epochs must be at least 1"));
    if (batchSize < 2) fail(QStringLiteral("batch size must be at least 2 (batch norm)"));
    if (dropout < 0 || dropout >= 1) fail(QStringLiteral("dropout must be in [0,1)"));
    if (learningRate <= 0) fail(QStringLiteral("learning rate must be positive"));
    if (labelSmoothing < 0 || labelSmoothing >= 1) fail(QStringLiteral("label smoothing must be in [0,1)"));
    if (mixup < 0 || mixup > 10) fail(QStringLiteral("mixup must be in [0,10]"));
    if (averageEpochs < 0 || averageEpochs > 1000) fail(QStringLiteral("average epochs must be in [0,1000]"));
    if (validationFraction <= 0 || testFraction < 0 || validationFraction + testFraction >= 1)
        fail(QStringLiteral("validation/test fractions must be positive and sum below 1"));
    if (threads < 0) fail(QStringLiteral("threads must be 0 (all cores) or more"));
}

bool isZeroShotRun(const QJsonObject& config)
{
    return config.value(QStringLiteral("backbone_fit")).toString() == QLatin1String(kZeroShotFit);
}

QString networkLabel(const QJsonObject& config)
{
    const QString backbone = config.value(QStringLiteral("backbone")).toString(QStringLiteral("none"));
    if (backbone == QLatin1String("none")) return config.value(QStringLiteral("model")).toString();
    const QString fit = config.value(QStringLiteral("backbone_fit")).toString();
    return isZeroShotRun(config)                  ? QStringLiteral("%1 zero-shot").arg(backbone)
           : fit == QLatin1String("class_biases") ? QStringLiteral("%1 class biases").arg(backbone)
           : fit == QLatin1String("linear_head") ? QStringLiteral("%1 linear head").arg(backbone)
                                                 : QStringLiteral("%1 fine-tuned").arg(backbone);
}

int plannedEpochs(const QJsonObject& config)
{
    if (isZeroShotRun(config)) return 0;
    const QString fit = config.value(QStringLiteral("backbone_fit")).toString();
    return fit == QLatin1String("class_biases") || fit == QLatin1String("linear_head")
               ? 1
               : config.value(QStringLiteral("epochs")).toInt();
}

} // namespace exemplar::learning
