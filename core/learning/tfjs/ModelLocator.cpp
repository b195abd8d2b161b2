#include "core/learning/tfjs/ModelLocator.h"

#include "core/learning/tfjs/EnsembleGraph.h"
#include "core/learning/tfjs/FaceApiExpressionGraph.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace exemplar::learning {

QStringList knownPretrainedModels()
{
    return {QStringLiteral("emotion"), QStringLiteral("gender"), QStringLiteral("faceres"), QStringLiteral("faceapi"),
            QStringLiteral("faceapi+emotion")};
}

PretrainedModelInfo pretrainedModelInfo(const QString& name)
{
    PretrainedModelInfo info;
    info.name = name;
    info.fileName = name + QStringLiteral(".json");
    info.dataFileName = name + QStringLiteral(".bin");
    // The class order the models were trained with (oarriaga/face_classification, as used by
    // vladmandic/human).
    if (name == QLatin1String("emotion")) {
        info.classes = QStringList{QStringLiteral("angry"), QStringLiteral("disgust"), QStringLiteral("fear"),
                                   QStringLiteral("happy"), QStringLiteral("sad"), QStringLiteral("surprise"),
                                   QStringLiteral("neutral")};
        return info;
    }
    if (name == QLatin1String("gender")) {
        info.classes = QStringList{QStringLiteral("female"), QStringLiteral("male")};
        return info;
    }
    if (name == QLatin1String("faceapi") || name == QLatin1String("faceapi+emotion")) {
        // face-api's FaceExpressionNet: RGB 0..255 at 112 px; the graph subtracts the mean itself
        // (FaceApiExpressionGraph.h).
        info.inputSize = 112;
        info.grayscale = false;
        info.inputScale = 255.0;
        info.inputShift = 0.0;
        info.featureNode = QString::fromLatin1(kFaceApiFeatureNode);
        info.logitsNode = QString::fromLatin1(kFaceApiLogitsNode);
        info.outputNode = QString::fromLatin1(kFaceApiOutputNode);
        info.fixedInputSize = true;
        info.fileName = QStringLiteral("face_expression_model-weights_manifest.json");
        info.dataFileName = QStringLiteral("face_expression_model.bin");
        // face-api's FaceExpressionNet order (neutral, happy, sad, angry, fearful, disgusted,
        // surprised), under the names the other models use.
        info.classes = QStringList{QStringLiteral("neutral"), QStringLiteral("happy"), QStringLiteral("sad"),
                                   QStringLiteral("angry"), QStringLiteral("fear"), QStringLiteral("disgust"),
                                   QStringLiteral("surprise")};
        if (name == QLatin1String("faceapi")) return info;
        // Fed and read as its first member, face-api's model (EnsembleGraph.h); classes in its order.
        info.featureNode = QString::fromLatin1(kEnsembleFeatureNode);
        info.logitsNode = QString::fromLatin1(kEnsembleLogitsNode);
        info.outputNode = QString::fromLatin1(kEnsembleOutputNode);
        info.fileName = name + QStringLiteral(".json");
        info.dataFileName.clear(); // the members' files hold the weights
        info.members = QStringList{QStringLiteral("faceapi"), QStringLiteral("emotion")};
        return info;
    }
    if (name == QLatin1String("faceres")) {
        // human's src/face/faceres.ts: RGB resized to 224 in [0, 1], times 255.
        info.inputSize = 224;
        info.grayscale = false;
        info.inputScale = 255.0;
        info.inputShift = 0.0;
        info.featureNode = QStringLiteral("global_pooling/Mean");
        info.logitsNode = QStringLiteral("gender_pred/BiasAdd");
        info.binaryLogit = true;
        info.outputNode = QStringLiteral("gender_pred/Sigmoid");
        info.fixedInputSize = true;
        info.classes = QStringList{QStringLiteral("female"), QStringLiteral("male")}; // sigmoid > 0.5 is male
        return info;
    }
    throw Error(QStringLiteral("unknown pretrained model '%1' (known: %2)")
                    .arg(name, knownPretrainedModels().join(QStringLiteral(", "))));
}

QStringList pretrainedModelDirs()
{
    QStringList dirs;
    const QString fromEnv = qEnvironmentVariable("EXEMPLAR_MODELS_DIR");
    if (!fromEnv.isEmpty()) dirs << QDir::cleanPath(fromEnv);
    // Spelled out rather than QStandardPaths so it is exactly what fetch-models.sh uses.
    QString data = qEnvironmentVariable("XDG_DATA_HOME");
    if (data.isEmpty()) data = QDir::homePath() + QStringLiteral("/.local/share");
    const QString fallback = QDir::cleanPath(data + QStringLiteral("/Exemplar/models"));
    if (!dirs.contains(fallback)) dirs << fallback;
    return dirs;
}

QString findPretrainedModel(const QString& name)
{
    if (!knownPretrainedModels().contains(name)) return {};
    const PretrainedModelInfo info = pretrainedModelInfo(name);
    QStringList files{info.fileName};
    if (!info.dataFileName.isEmpty()) files << info.dataFileName;
    for (const QString& member : info.members) {
        const PretrainedModelInfo part = pretrainedModelInfo(member);
        files << part.fileName << part.dataFileName;
    }
    for (const QString& dir : pretrainedModelDirs()) {
        const bool complete = std::all_of(files.cbegin(), files.cend(),
                                          [&](const QString& f) { return QFileInfo(QDir(dir).filePath(f)).isFile(); });
        if (complete) return QDir(dir).filePath(info.fileName);
    }
    return {};
}

QString pretrainedModelsHowTo()
{
    return QStringLiteral("Install the pretrained face models (emotion, gender, faceres, faceapi; about 9 MB, needs npm) with "
                          "packaging/fetch-models.sh [DIR]; they go to %1 unless EXEMPLAR_MODELS_DIR or DIR says "
                          "otherwise.")
        .arg(pretrainedModelDirs().constLast());
}

QString requirePretrainedModel(const QString& name)
{
    if (!knownPretrainedModels().contains(name))
        throw Error(QStringLiteral("unknown pretrained model '%1' (known: %2)")
                        .arg(name, knownPretrainedModels().join(QStringLiteral(", "))));
    const QString path = findPretrainedModel(name);
    if (path.isEmpty())
        throw Error(QStringLiteral("the pretrained model '%1' is not installed (looked in %2). %3")
                        .arg(name, pretrainedModelDirs().join(QStringLiteral(", ")), pretrainedModelsHowTo()));
    return path;
}

} // namespace exemplar::learning
