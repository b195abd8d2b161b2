#pragma once
// Every knob of a training run, as a plain struct that round-trips through JSON (stored with the
// run in the catalogue and next to checkpoints, so a run can be resumed or repeated).
#include <QJsonObject>
#include <QString>
#include <QtGlobal>

namespace exemplar::learning {

struct TrainingConfig {
    // Model
    QString model = QStringLiteral("compact"); // "compact" (1 conv per block) or "vgg" (2 + FC)
    int width = 32;      // channels of the first block; doubles per block, capped at 256
    int depth = 4;       // conv blocks, each halving the resolution
    double dropout = 0.3;
    // Transfer learning: "none" (train the network above from scratch) or a pretrained TF.js face
    // model ("emotion", "gender", see tfjs/ModelLocator.h) whose classifier is kept and extended
    // with a head for the task's classes (internal/BackboneNet.h). The new layers alone train for
    // headEpochs (backbone frozen), then the pretrained layers too at learningRate * fineTuneFactor.
    // 0.01: on faces-dev's ~2,000 training faces, 0.1 and 0.025 made validation worse within an
    // epoch of unfreezing (bench_backbones; see README).
    QString backbone = QStringLiteral("none");
    int headEpochs = 3;
    double fineTuneFactor = 0.01;
    // What of a pretrained backbone learns: "fine_tune" (the head, then every layer, as above),
    // "linear_head": every pretrained layer is kept and the head and the prior (BackboneNet.h) are
    // fitted as one linear classifier on the pooled features and the pretrained logits, both
    // averaged over nine test-time views of each face (internal/TestTimeViews.h), in one convex
    // solve whose L2 pull towards the zero-shot mapping is chosen by cross-validation by identity on
    // the training faces (internal/LinearFit.h); or "class_biases": the pretrained classifier kept
    // exactly as it is and only one bias per task class fitted, for the off-the-shelf model's class
    // priors on the curator's data. With a few hundred faces per rare class the fitted layers of
    // fine-tuning overfit within an epoch, while the one-pass fits cannot. faces-dev, pooled
    // cross-validation by identity (every face scored once, bench_frozen_heads): 6 classes
    // zero-shot 0.51, class biases 0.50, linear head 0.64; see README for the split figures.
    // No epochs, auxiliary classes or teacher in the one-pass fits.
    QString backboneFit = QStringLiteral("fine_tune");

    // Input
    int imageSize = 64;
    bool grayscale = true;
    // Face framing (FaceImage.h): "whole" image, detected face "box", or eye-"aligned" face. Recorded
    // in the exported model's sidecar, so evaluation and predict frame images the same way.
    QString face = QStringLiteral("whole");
    // How faces are scaled to imageSize (FaceImage.h): not a knob but what the network needs:
    // "tfjs" (the pretrained models' own preprocessing) with a backbone, "area" without. Recorded
    // as "face_sampling" in the run's config and the exported model's sidecar.
    QString faceSampling() const;
    // A pretrained backbone reads what it was made for (64 px gray for emotion/gender, 224 px colour
    // for faceres): sets imageSize and grayscale to its input. Nothing without a backbone. The one
    // rule the CLI, the training dialog and the mining panel apply; the CLI then lets an explicit
    // --size or --color override it (validate() refuses what the backbone cannot read).
    void takeBackboneInput();

    // Optimisation
    int epochs = 40;
    int batchSize = 64;
    QString optimizer = QStringLiteral("adamw"); // "adamw" or "sgd"
    double learningRate = 2e-3;
    double weightDecay = 5e-4;
    double momentum = 0.9;                        // sgd only
    QString schedule = QStringLiteral("cosine"); // "cosine", "step" or "constant"
    int stepEpochs = 15;     // step schedule: multiply by stepGamma every stepEpochs
    double stepGamma = 0.1;
    int warmupEpochs = 1;    // linear warm-up before the schedule
    double labelSmoothing = 0.1;
    // Validate, keep and export an exponential moving average of the weights spanning this many
    // epochs (0: the weights as they are after the epoch's last step).
    double averageEpochs = 2;
    // Evaluate and export the average over the face and its mirror image (twice the inference
    // cost; pretrained backbones always do it).
    bool flipAverage = false;
    // The validation score that picks the kept epoch and drives early stopping: "macro_f1" (rare
    // classes must be predicted precisely too) or "balanced_accuracy" (mean recall: what a model
    // for balanced use is judged on; it favours recall of the rare classes over their precision).
    QString selectOn = QStringLiteral("macro_f1");
    int patience = 12;       // early stopping: epochs without a better validation score (0: off)
    double maxMinutes = 0;   // stop (keeping the best model) after this much training; 0: no limit

    // Imbalance: "sampler" (class-balanced batches), "weights" (class-weighted loss), "both", "none"
    QString imbalance = QStringLiteral("sampler");
    // Learn also from the images of the task's other classes (e.g. neutral and disgust when
    // training happiness/sadness/anger/surprise): the network gets an output for each, trained like
    // the rest, so its features learn from every labelled face; those outputs are dropped before
    // validation, testing and export, so the model still predicts only the chosen classes.
    // On by default: with a teacher (below) it lifts faces-dev's 4-class balanced accuracy from
    // 0.665 to 0.729 (seed 1), the teacher labelling those faces too.
    bool auxiliaryClasses = true;
    // Knowledge distillation: a pretrained model ("emotion", ...; "none": off) labels every training
    // image with its probabilities over the task's classes, and the network learns to match them
    // (at distillTemperature) with weight distillWeight, besides the curator's labels. "auto": the
    // installed model that knows every chosen class and scores best on the validation faces, if it
    // is clearly better than chance there (TrainingResult::teacher says which; none otherwise).
    QString distillFrom = QStringLiteral("auto");
    double distillWeight = 0.7;
    double distillTemperature = 2;

    // Augmentation (on the fly, batched)
    bool augment = true;
    bool flip = true;
    double rotationDegrees = 12;
    double scale = 0.10;     // +- relative zoom
    double shift = 0.08;     // +- fraction of the image size
    double brightness = 0.2; // +- added to [0,1] pixels
    double contrast = 0.2;   // +- relative
    double erasing = 0.25;   // probability of erasing one random rectangle
    // Mixup: each batch is blended with a shuffled copy of itself, weight ~ Beta(mixup, mixup),
    // and the loss with the two labels in the same proportion (0: off).
    double mixup = 0;

    // Data split
    double validationFraction = 0.15;
    double testFraction = 0.15;
    quint64 seed = 1;

    int threads = 0; // 0: all cores

    // Whether the run learns from the auxiliary classes' images (only when fine-tuning or from scratch).
    bool usesAuxiliaryClasses() const { return auxiliaryClasses && backboneFit == QLatin1String("fine_tune"); }

    QJsonObject toJson() const;
    // Missing keys keep their defaults, except auxiliary_classes and distill_from, which are off
    // when missing (as in runs recorded before they existed); unknown values throw exemplar::Error.
    static TrainingConfig fromJson(const QJsonObject& json);
    // Throws exemplar::Error naming the first invalid setting.
    void validate() const;
};

// A zero-shot baseline's recorded configuration: "backbone" the model evaluated (with its input
// size and colour), "backbone_fit" this value. Not a fit TrainingConfig accepts: nothing is trained.
inline constexpr const char* kZeroShotFit = "zero_shot";
bool isZeroShotRun(const QJsonObject& config);

// For lists of recorded runs (their configuration JSON, never rejected): what the run trains
// ("compact", "vgg", "emotion fine-tuned", "emotion class biases", "emotion zero-shot") and the
// most epochs it plans (1 when fitting class biases only, 0 for a zero-shot baseline, whatever
// "epochs" says).
QString networkLabel(const QJsonObject& config);
int plannedEpochs(const QJsonObject& config);

} // namespace exemplar::learning
