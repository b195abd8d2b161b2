#include "core/learning/internal/ModelExport.h"

#include "core/learning/ExportedModel.h"
#include "core/learning/internal/TfjsTorchScriptExport.h"
#include "core/learning/internal/TorchScriptExport.h"
#include "core/util/Error.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace exemplar::learning {

namespace {

torch::jit::Module scripted(const std::shared_ptr<ClassifierNet>& net)
{
    if (auto conv = std::dynamic_pointer_cast<ConvNetImpl>(net)) {
        ConvNet holder(conv);
        return toTorchScript(holder);
    }
    if (auto backbone = std::dynamic_pointer_cast<BackboneNetImpl>(net)) return toTorchScript(*backbone);
    throw Error(QStringLiteral("export: this kind of network has no TorchScript export"));
}

} // namespace

void exportModel(const std::shared_ptr<ClassifierNet>& net, const ModelCard& card, const QString& dir)
{
    const QString tmp = dir + ".tmp";
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp)) throw Error(QStringLiteral("%1: cannot create the folder").arg(tmp));
    net->eval();
    scripted(net).save(QDir(tmp).filePath(ExportedModel::kModelFile).toStdString());

    const int size = card.config["image_size"].toInt();
    const bool gray = card.config["grayscale"].toBool();
    const QJsonObject sidecar{
        {"format", "exemplar-model"},
        {"format_version", 1},
        {"task", card.task},
        {"classes", QJsonArray::fromStringList(card.classes)},
        {"input",
         QJsonObject{{"size", size},
                     {"channels", gray ? 1 : 3},
                     {"color", gray ? "grayscale" : "rgb"},
                     {"layout", "NCHW float32 in [0,1]"},
                     // Face framing (whole, box or aligned); the same as config.face, here for readers
                     // of the input description.
                     {"face", card.config["face"].toString(QStringLiteral("whole"))},
                     // How the face is scaled (area or tfjs); the same as config.face_sampling.
                     {"sampling", card.config["face_sampling"].toString(QStringLiteral("area"))},
                     {"preprocessing",
                      "decode, frame the face (see 'face': whole = no detection), centre-crop to a square, resize to "
                      "size x size (see 'sampling': area = OpenCV INTER_AREA when shrinking, after JPEG reduced-size "
                      "decoding; tfjs = full-size decoding, TF.js legacy bilinear resize of RGB/255, gray = "
                      "0.2989 R + 0.5870 G + 0.1140 B, rounded to 8 bits), convert to grayscale/RGB, divide by 255; "
                      "the model normalises internally (a pretrained backbone applies its own scaling: see "
                      "network.input_scale/input_shift)"}}},
        {"output", "logits, one per class in 'classes' order (softmax for probabilities)"},
        {"network", card.network},
        {"config", card.config},
        {"best_epoch", card.bestEpoch},
        {"metrics", QJsonObject{{"validation", card.validation}, {"test", card.test}}},
        {"exported_at", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {"software", card.software},
    };
    QSaveFile f(QDir(tmp).filePath(ExportedModel::kSidecarFile));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(sidecar).toJson()) < 0 || !f.commit())
        throw Error(QStringLiteral("%1: cannot write the model description").arg(f.fileName()));

    QDir(dir).removeRecursively();
    if (!QDir().rename(tmp, dir))
        throw Error(QStringLiteral("%1: cannot move the exported model in place").arg(dir));
}

} // namespace exemplar::learning
