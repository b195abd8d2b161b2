#include "core/learning/internal/Checkpoint.h"

#include "core/util/Error.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace exemplar::learning {

QString checkpointDir(const QString& workDir) { return QDir(workDir).filePath("checkpoint"); }
QString bestWeightsPath(const QString& workDir) { return QDir(workDir).filePath("best.pt"); }

namespace {

QJsonObject stateToJson(const CheckpointState& s)
{
    QJsonArray history;
    for (const auto& e : s.history) history.append(e.toJson());
    return QJsonObject{{"config", s.config},           {"epochs_done", s.epochsDone},
                       {"best_score", s.bestScore}, {"best_val_loss", s.bestValLoss},
                       {"best_epoch", s.bestEpoch},      {"stale_epochs", s.staleEpochs},
                       {"seconds", s.seconds},           {"history", history}};
}

} // namespace

void saveWeights(const std::shared_ptr<ClassifierNet>& net, const QString& path)
{
    const QString tmp = path + ".tmp";
    torch::save(std::static_pointer_cast<torch::nn::Module>(net), tmp.toStdString());
    QFile::remove(path);
    if (!QFile::rename(tmp, path))
        throw Error(QStringLiteral("%1: cannot replace the saved weights").arg(path));
}

void saveCheckpoint(const QString& workDir, const std::shared_ptr<ClassifierNet>& net, torch::optim::Optimizer& optimizer,
                    const WeightAverage* average, const CheckpointState& state)
{
    const QString dir = checkpointDir(workDir);
    const QString tmp = dir + ".tmp", old = dir + ".old";
    QDir(tmp).removeRecursively();
    if (!QDir().mkpath(tmp)) throw Error(QStringLiteral("%1: cannot create the folder").arg(tmp));
    torch::save(std::static_pointer_cast<torch::nn::Module>(net), QDir(tmp).filePath("model.pt").toStdString());
    torch::save(optimizer, QDir(tmp).filePath("optimizer.pt").toStdString());
    if (average) average->save(QDir(tmp).filePath("average.pt"));
    QFile f(QDir(tmp).filePath("state.json"));
    if (!f.open(QIODevice::WriteOnly) ||
        f.write(QJsonDocument(stateToJson(state)).toJson()) < 0 || !f.flush())
        throw Error(QStringLiteral("%1: cannot write the checkpoint state").arg(f.fileName()));
    f.close();
    QDir(old).removeRecursively();
    if (QDir(dir).exists() && !QDir().rename(dir, old))
        throw Error(QStringLiteral("%1: cannot move the previous checkpoint aside").arg(dir));
    if (!QDir().rename(tmp, dir))
        throw Error(QStringLiteral("%1: cannot move the new checkpoint in place").arg(dir));
    QDir(old).removeRecursively();
}

std::optional<CheckpointState> readCheckpointState(const QString& workDir)
{
    QString dir = checkpointDir(workDir);
    // A crash between the two renames leaves only the ".old" copy.
    if (!QFile::exists(QDir(dir).filePath("state.json")) &&
        QFile::exists(QDir(dir + ".old").filePath("state.json")))
        QDir().rename(dir + ".old", dir);
    QFile f(QDir(dir).filePath("state.json"));
    if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
    const QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
    if (j.isEmpty()) return std::nullopt;
    CheckpointState s;
    s.config = j["config"].toObject();
    s.epochsDone = j["epochs_done"].toInt();
    // "best_macro_f1": checkpoints from before the selection score could be chosen.
    s.bestScore = (j.contains("best_score") ? j["best_score"] : j["best_macro_f1"]).toDouble();
    s.bestValLoss = j["best_val_loss"].toDouble();
    s.bestEpoch = j["best_epoch"].toInt();
    s.staleEpochs = j["stale_epochs"].toInt();
    s.seconds = j["seconds"].toDouble();
    for (const auto& e : j["history"].toArray()) s.history.push_back(EpochProgress::fromJson(e.toObject()));
    return s;
}

void loadCheckpoint(const QString& workDir, const std::shared_ptr<ClassifierNet>& net, torch::optim::Optimizer& optimizer,
                    WeightAverage* average)
{
    const QString dir = checkpointDir(workDir);
    try {
        auto module = std::static_pointer_cast<torch::nn::Module>(net);
        torch::load(module, QDir(dir).filePath("model.pt").toStdString());
        torch::load(optimizer, QDir(dir).filePath("optimizer.pt").toStdString());
    } catch (const std::exception& e) {
        throw Error(QStringLiteral("%1: the checkpoint cannot be loaded (%2)")
                        .arg(dir, QString::fromUtf8(e.what()).section('\n', 0, 0)));
    }
    // A checkpoint written without an average (an older version) restarts it from the weights.
    if (!average) return;
    if (QFile::exists(QDir(dir).filePath("average.pt")))
        average->load(QDir(dir).filePath("average.pt"));
    else
        average->reset();
}

void removeCheckpoint(const QString& workDir)
{
    const QString dir = checkpointDir(workDir);
    QDir(dir).removeRecursively();
    QDir(dir + ".tmp").removeRecursively();
    QDir(dir + ".old").removeRecursively();
    QFile::remove(bestWeightsPath(workDir));
}

bool sameTrainingSetup(const QJsonObject& a, const QJsonObject& b)
{
    QJsonObject x = a, y = b;
    // A setting added after a checkpoint was written (e.g. "face") counts as its default there,
    // so interrupted runs of an older version still resume when the setting was left alone.
    const QJsonObject defaults = TrainingConfig().toJson();
    for (auto it = defaults.begin(); it != defaults.end(); ++it) {
        if (!x.contains(it.key())) x.insert(it.key(), it.value());
        if (!y.contains(it.key())) y.insert(it.key(), it.value());
    }
    for (const char* free : {"epochs", "patience", "max_minutes", "threads"}) {
        x.remove(free);
        y.remove(free);
    }
    return x == y;
}

} // namespace exemplar::learning
