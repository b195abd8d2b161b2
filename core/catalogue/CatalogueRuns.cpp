// Training runs: configuration, per-epoch curves, the split, and per-image predictions.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"
#include "core/catalogue/Timestamps.h"

#include <QtEndian>

namespace exemplar {

namespace {

constexpr const char* kRunColumns =
    "SELECT id, task_id, name, status, started_at, finished_at, duration_s, seed, config_json, classes_json, "
    "software_json, test_metrics_json, model_path, error FROM runs";

RunRecord readRun(const Statement& st)
{
    RunRecord r;
    r.id = st.int64(0);
    r.taskId = st.int64(1);
    r.name = st.text(2);
    r.status = st.text(3);
    r.startedAt = fromStoredTime(st.text(4));
    r.finishedAt = fromStoredTime(st.text(5));
    r.durationSeconds = st.real(6);
    r.seed = static_cast<quint64>(st.int64(7));
    r.configJson = st.text(8);
    r.classesJson = st.text(9);
    r.softwareJson = st.text(10);
    r.testMetricsJson = st.text(11);
    r.modelPath = st.text(12);
    r.error = st.text(13);
    return r;
}

void bindRun(Statement& st, const RunRecord& r)
{
    st.bind(1, r.taskId)
        .bind(2, r.name)
        .bind(3, r.status)
        .bind(4, r.startedAt.isValid() ? toStoredTime(r.startedAt) : QString())
        .bind(5, r.finishedAt.isValid() ? toStoredTime(r.finishedAt) : QString())
        .bind(6, r.durationSeconds)
        .bind(7, static_cast<qint64>(r.seed))
        .bind(8, r.configJson.isEmpty() ? QStringLiteral("{}") : r.configJson)
        .bind(9, r.classesJson.isEmpty() ? QStringLiteral("[]") : r.classesJson)
        .bind(10, r.softwareJson.isEmpty() ? QStringLiteral("{}") : r.softwareJson)
        .bind(11, r.testMetricsJson.isEmpty() ? QStringLiteral("{}") : r.testMetricsJson)
        .bind(12, r.modelPath)
        .bind(13, r.error);
}

// Probabilities are stored as little-endian float32 so the blob reads the same on any machine.
QByteArray packFloats(const QVector<float>& values)
{
    QByteArray bytes(values.size() * 4, Qt::Uninitialized);
    for (int i = 0; i < values.size(); ++i)
        qToLittleEndian(values[i], bytes.data() + i * 4);
    return bytes;
}

QVector<float> unpackFloats(const QByteArray& bytes)
{
    QVector<float> values(bytes.size() / 4);
    for (int i = 0; i < values.size(); ++i)
        values[i] = qFromLittleEndian<float>(bytes.constData() + i * 4);
    return values;
}

} // namespace

qint64 Catalogue::createRun(const RunRecord& run)
{
    auto st = db_->prepare(
        "INSERT INTO runs(task_id, name, status, started_at, finished_at, duration_s, seed, config_json, "
        "classes_json, software_json, test_metrics_json, model_path, error) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bindRun(st, run);
    st.run();
    return db_->lastInsertRowId();
}

void Catalogue::updateRun(const RunRecord& run)
{
    auto st = db_->prepare(
        "UPDATE runs SET task_id = ?, name = ?, status = ?, started_at = ?, finished_at = ?, duration_s = ?, "
        "seed = ?, config_json = ?, classes_json = ?, software_json = ?, test_metrics_json = ?, model_path = ?, "
        "error = ? WHERE id = ?");
    bindRun(st, run);
    st.bind(14, run.id).run();
    if (db_->changes() == 0)
        throw Error(QStringLiteral("%1: no run with id %2").arg(path()).arg(run.id));
}

std::optional<RunRecord> Catalogue::run(qint64 runId) const
{
    auto st = db_->prepare((QByteArray(kRunColumns) + " WHERE id = ?").constData());
    st.bind(1, runId);
    if (!st.step())
        return std::nullopt;
    return readRun(st);
}

QVector<RunRecord> Catalogue::runs() const
{
    QVector<RunRecord> result;
    auto st = db_->prepare((QByteArray(kRunColumns) + " ORDER BY id DESC").constData());
    while (st.step())
        result.push_back(readRun(st));
    return result;
}

void Catalogue::deleteRun(qint64 runId)
{
    Transaction tx(*db_);
    auto st = db_->prepare("DELETE FROM runs WHERE id = ?");
    st.bind(1, runId).run();
    tx.commit();
}

void Catalogue::addEpoch(const EpochRecord& e)
{
    auto st = db_->prepare(
        "INSERT OR REPLACE INTO run_epochs(run_id, epoch, train_loss, train_accuracy, val_loss, val_accuracy, "
        "val_balanced_accuracy, val_macro_f1, learning_rate, images_per_second, seconds) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, e.runId).bind(2, e.epoch).bind(3, e.trainLoss).bind(4, e.trainAccuracy).bind(5, e.valLoss)
        .bind(6, e.valAccuracy).bind(7, e.valBalancedAccuracy).bind(8, e.valMacroF1).bind(9, e.learningRate)
        .bind(10, e.imagesPerSecond).bind(11, e.seconds).run();
}

QVector<EpochRecord> Catalogue::epochs(qint64 runId) const
{
    QVector<EpochRecord> result;
    auto st = db_->prepare(
        "SELECT epoch, train_loss, train_accuracy, val_loss, val_accuracy, val_balanced_accuracy, val_macro_f1, "
        "learning_rate, images_per_second, seconds FROM run_epochs WHERE run_id = ? ORDER BY epoch");
    st.bind(1, runId);
    while (st.step()) {
        EpochRecord e;
        e.runId = runId;
        e.epoch = static_cast<int>(st.int64(0));
        e.trainLoss = st.real(1);
        e.trainAccuracy = st.real(2);
        e.valLoss = st.real(3);
        e.valAccuracy = st.real(4);
        e.valBalancedAccuracy = st.real(5);
        e.valMacroF1 = st.real(6);
        e.learningRate = st.real(7);
        e.imagesPerSecond = st.real(8);
        e.seconds = st.real(9);
        result.push_back(e);
    }
    return result;
}

void Catalogue::setRunSplit(qint64 runId, const QVector<SplitAssignment>& split)
{
    Transaction tx(*db_);
    auto clear = db_->prepare("DELETE FROM run_split WHERE run_id = ?");
    clear.bind(1, runId).run();
    auto st = db_->prepare("INSERT INTO run_split(run_id, image_id, part) VALUES(?, ?, ?)");
    for (const auto& a : split) {
        st.reset();
        st.bind(1, runId).bind(2, a.imageId).bind(3, splitPartName(a.part)).run();
    }
    tx.commit();
}

QVector<SplitAssignment> Catalogue::runSplit(qint64 runId) const
{
    QVector<SplitAssignment> result;
    auto st = db_->prepare("SELECT image_id, part FROM run_split WHERE run_id = ? ORDER BY image_id");
    st.bind(1, runId);
    while (st.step())
        result.push_back({st.int64(0), splitPartFromName(st.text(1)).value_or(SplitPart::Train)});
    return result;
}

void Catalogue::setRunPredictions(qint64 runId, const QVector<PredictionRecord>& predictions)
{
    Transaction tx(*db_);
    auto clear = db_->prepare("DELETE FROM run_predictions WHERE run_id = ?");
    clear.bind(1, runId).run();
    auto st = db_->prepare(
        "INSERT INTO run_predictions(run_id, image_id, part, true_class_id, predicted_class_id, probabilities) "
        "VALUES(?, ?, ?, ?, ?, ?)");
    for (const auto& p : predictions) {
        st.reset();
        st.bind(1, runId).bind(2, p.imageId).bind(3, splitPartName(p.part)).bind(4, p.trueClassId)
            .bind(5, p.predictedClassId).bind(6, packFloats(p.probabilities)).run();
    }
    tx.commit();
}

QVector<PredictionRecord> Catalogue::runPredictions(qint64 runId) const
{
    QVector<PredictionRecord> result;
    auto st = db_->prepare(
        "SELECT image_id, part, true_class_id, predicted_class_id, probabilities FROM run_predictions "
        "WHERE run_id = ? ORDER BY image_id");
    st.bind(1, runId);
    while (st.step()) {
        PredictionRecord p;
        p.imageId = st.int64(0);
        p.part = splitPartFromName(st.text(1)).value_or(SplitPart::Test);
        p.trueClassId = st.int64(2);
        p.predictedClassId = st.int64(3);
        p.probabilities = unpackFloats(st.blob(4));
        result.push_back(p);
    }
    return result;
}

} // namespace exemplar
