#include "app/cli/TrainingOptions.h"

#include "app/cli/CliSupport.h"
#include "core/learning/FaceImage.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/util/Error.h"

#include <QFile>
#include <QJsonDocument>

namespace exemplar::cli {

using namespace exemplar::learning;

TrainingOptions::TrainingOptions(const TrainingOptionHelp& help)
    : configFile("config", "Training configuration JSON (keys as in the run records); options below override it.", "FILE"),
      epochs("epochs", help.epochs, "N"),
      model("model", "Network: compact (default) or vgg.", "NAME"),
      backbone("backbone", "Start from a pretrained face model: emotion, gender, faceres, faceapi, faceapi+emotion or "
                           "none (default: train from scratch). The model sets the defaults of --size and --color.",
               "NAME"),
      backboneFit("backbone-fit", "What of the pretrained model learns: fine_tune (default: a new head, then every "
                                  "layer), linear_head (a linear classifier on its features, fitted in one pass) or "
                                  "class_biases (its own classifier kept, one bias per class fitted).", "FIT"),
      distillFrom("distill-from", "Also learn from a pretrained model's judgement of each training image: auto "
                                  "(default: the best installed model that knows all the chosen classes, if clearly "
                                  "better than chance), emotion, gender, faceres, faceapi, faceapi+emotion or none.",
                  "NAME"),
      auxiliary("auxiliary-classes", "Also learn from the images of the task's other classes (default; extra outputs, "
                                     "dropped before testing and export)."),
      noAuxiliary("no-auxiliary-classes", "Learn from the chosen classes' images only."),
      size("size", help.size, "PX"),
      color("color", "Train on colour images (default grayscale)."),
      threads("threads", "Threads (default: all cores).", "N"),
      maxMinutes("max-minutes", help.maxMinutes, "M"),
      imbalance("imbalance", "sampler (default), weights, both or none.", "MODE"),
      selectOn("select-on", "Validation score that picks the kept epoch and stops early: macro_f1 (default) or "
                            "balanced_accuracy.", "SCORE"),
      face("face", "Face framing: whole (default: the whole image), box (the detected face) or aligned (the face with "
                   "its eyes levelled); recorded in the model, which predict and eval then frame alike.", "FRAMING")
{
}

std::optional<TrainingConfig> TrainingOptions::config(const QCommandLineParser& p, TrainingConfig config,
                                                      const QString& command) const
{
    auto usage = [&](const QString& what) {
        printError(QStringLiteral("exemplar-cli %1: %2").arg(command, what));
        return std::nullopt;
    };
    if (p.isSet(configFile)) {
        QFile f(p.value(configFile));
        if (!f.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("%1: cannot read the configuration").arg(f.fileName()));
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
        if (!doc.isObject()) throw Error(QStringLiteral("%1: not a JSON object").arg(f.fileName()));
        config = TrainingConfig::fromJson(doc.object());
    }
    for (const auto& [option, target] : {std::pair{&epochs, &config.epochs}, std::pair{&size, &config.imageSize},
                                         std::pair{&threads, &config.threads}}) {
        if (!p.isSet(*option)) continue;
        bool ok = false;
        *target = p.value(*option).toInt(&ok);
        if (!ok) return usage(QStringLiteral("--%1 needs a number").arg(option->names().front()));
    }
    if (p.isSet(model)) config.model = p.value(model);
    if (p.isSet(backbone)) {
        config.backbone = p.value(backbone);
        const int chosenSize = config.imageSize;
        config.takeBackboneInput();
        if (p.isSet(size)) config.imageSize = chosenSize;
    }
    if (p.isSet(color)) config.grayscale = false;
    if (p.isSet(backboneFit)) config.backboneFit = p.value(backboneFit);
    if (p.isSet(distillFrom)) config.distillFrom = p.value(distillFrom);
    if (p.isSet(auxiliary) && p.isSet(noAuxiliary))
        return usage(QStringLiteral("--auxiliary-classes and --no-auxiliary-classes contradict each other"));
    if (p.isSet(auxiliary)) config.auxiliaryClasses = true;
    if (p.isSet(noAuxiliary)) config.auxiliaryClasses = false;
    if (p.isSet(maxMinutes)) config.maxMinutes = p.value(maxMinutes).toDouble();
    if (p.isSet(imbalance)) config.imbalance = p.value(imbalance);
    if (p.isSet(selectOn)) config.selectOn = p.value(selectOn);
    if (p.isSet(face)) {
        config.face = p.value(face);
        try {
            faceFramingFromName(config.face);
        } catch (const Error& e) {
            return usage(QStringLiteral("--face: %1").arg(e.message()));
        }
    }
    config.validate();
    // Before touching the catalogue: a missing pretrained model is the user's to install.
    if (config.backbone != QLatin1String("none")) requirePretrainedModel(config.backbone);
    if (config.distillFrom != QLatin1String("none") && config.distillFrom != QLatin1String("auto"))
        requirePretrainedModel(config.distillFrom);
    return config;
}

} // namespace exemplar::cli
