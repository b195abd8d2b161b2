#include "core/learning/internal/ModelExport.h"

#include "core/learning/ExportedModel.h"
#include "core/learning/internal/TorchScriptExport.h"
#include "core/util/Error.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace exemplar::learning {

void exportModel(ConvNet& net, const ModelCard& card, const QString& dir)
{
    const QString tmp = dir + ".tmp";
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp)) throw Error(QStringLiteral("%1: cannot create the folder").arg(tmp));
    net->eval();
    toTorchScript(net).save(QDir(tmp).filePath(ExportedModel::kModelFile).toStdString());

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
                     {"preprocessing",
                      "decode, centre-crop to a square, resize to size x size (OpenCV INTER_AREA when "
                      "shrinking), convert to grayscale/RGB, divide by 255; the model normalises "
                      "internally"}}},
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
