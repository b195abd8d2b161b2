#include "core/learning/CatalogueTraining.h"

#include "core/util/Error.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLockFile>
#include <algorithm>

namespace exemplar::learning {

namespace {

// Appends the task's images labelled with a class in `indexOf` (class id -> index), labelled
// offset + index, in image id order (hash order is arbitrary; the split must not depend on it).
// Returns the images per index.
QVector<int> appendSamples(const Catalogue& catalogue, const QHash<qint64, Label>& labels,
                           const QHash<qint64, int>& indexOf, int offset, bool exemplarsOnly,
                           std::vector<TrainingSample>& samples)
{
    QVector<qint64> ids;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        const Label& l = it.value();
        if (!l.classId || !indexOf.contains(*l.classId)) continue;
        if (exemplarsOnly && !l.exemplar) continue;
        ids << it.key();
    }
    std::sort(ids.begin(), ids.end());
    const auto images = catalogue.images(ids);
    QVector<int> counts(indexOf.size(), 0);
    for (int i = 0; i < images.size(); ++i) {
        const int index = indexOf.value(*labels.value(ids[i]).classId);
        ++counts[index];
        samples.push_back({images[i].absolutePath, offset + index, images[i].identity, images[i].id});
    }
    return counts;
}

// The labelled images of the task's other classes, after the chosen ones (labels K, K+1, ...).
void addAuxiliaryClasses(const Catalogue& catalogue, const DatasetSelection& selection,
                         const QHash<qint64, Label>& labels, const QHash<qint64, int>& chosen, CatalogueDataset& out)
{
    QHash<qint64, int> auxiliaryOf;
    QStringList allNames;
    for (const auto& c : out.task.classes) {
        if (c.retired || chosen.contains(c.id)) continue;
        auxiliaryOf.insert(c.id, int(allNames.size()));
        allNames << c.name;
    }
    const int first = int(out.data.classNames.size());
    const QVector<int> allCounts =
        appendSamples(catalogue, labels, auxiliaryOf, first, selection.exemplarsOnly, out.data.samples);
    // Classes without images teach nothing: drop them, renumbering the rest.
    QVector<int> renumber(allCounts.size(), -1);
    for (int a = 0; a < allCounts.size(); ++a) {
        if (allCounts[a] == 0) continue;
        renumber[a] = int(out.data.auxiliaryClassNames.size());
        out.data.auxiliaryClassNames << allNames[a];
        out.auxiliaryCounts << allCounts[a];
    }
    for (auto& s : out.data.samples)
        if (s.label >= first) s.label = first + renumber[s.label - first];
}

} // namespace

CatalogueDataset trainingDataFromCatalogue(const Catalogue& catalogue, const DatasetSelection& selection)
{
    const auto task = catalogue.task(selection.task);
    if (!task)
        throw Error(QStringLiteral("%1: no task named '%2'").arg(catalogue.path(), selection.task));
    CatalogueDataset out;
    out.task = *task;
    out.data.task = task->name;
    QVector<ClassInfo> chosen;
    if (selection.classes.isEmpty()) {
        for (const auto& c : task->classes)
            if (!c.retired) chosen << c;
    } else {
        for (const QString& name : selection.classes) {
            const auto c = task->classByName(name.trimmed());
            if (!c)
                throw Error(QStringLiteral("%1: task '%2' has no class '%3'")
                                .arg(catalogue.path(), task->name, name.trimmed()));
            chosen << *c;
        }
    }
    QHash<qint64, int> indexOfClass;
    for (const auto& c : chosen) indexOfClass.insert(c.id, indexOfClass.size());

    const auto labels = catalogue.labelsOfTask(task->id);
    const QVector<int> counts =
        appendSamples(catalogue, labels, indexOfClass, 0, selection.exemplarsOnly, out.data.samples);
    // Classes without images cannot be learned; leave them out rather than fail the whole run
    // when the user asked for "all classes".
    QVector<int> newIndex(chosen.size(), -1);
    for (int c = 0; c < chosen.size(); ++c) {
        if (counts[c] == 0) {
            if (!selection.classes.isEmpty())
                throw Error(QStringLiteral("%1: class '%2' of task '%3' has no %4images")
                                .arg(catalogue.path(), chosen[c].name, task->name,
                                     selection.exemplarsOnly ? QStringLiteral("exemplar ") : QString()));
            continue;
        }
        newIndex[c] = int(out.data.classNames.size());
        out.data.classNames << chosen[c].name;
        out.classIds << chosen[c].id;
        out.counts << counts[c];
    }
    for (auto& s : out.data.samples) s.label = newIndex[s.label];
    if (out.data.classNames.size() < 2)
        throw Error(QStringLiteral("%1: task '%2' needs at least two classes with images to train")
                        .arg(catalogue.path(), task->name));
    if (selection.auxiliaryClasses) addAuxiliaryClasses(catalogue, selection, labels, indexOfClass, out);
    return out;
}

namespace {

QJsonObject runConfigJson(const TrainingConfig& config, const CatalogueDataset& dataset, const QString& workDir)
{
    QJsonObject j = config.toJson();
    j["work_dir"] = QFileInfo(workDir).absoluteFilePath();
    j["task"] = dataset.task.name;
    j["classes"] = QJsonArray::fromStringList(dataset.data.classNames);
    j["images"] = int(dataset.data.samples.size());
    return j;
}

QString compact(const QJsonObject& o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }

} // namespace

namespace {

// Held by the process that records a run, in the run's work directory: a run recorded as
// "running" is trained only while its lock is held. QLockFile writes the holder's process id and
// host, and finds a holder that died without unlocking.
QString runLockPath(const QString& workDir) { return QDir(workDir).filePath(QStringLiteral("run.lock")); }
// Which run holds the folder's lock: a later run in the same folder (train --fresh after a crash)
// must not make the crashed one look alive. "<catalogue path>\n<run id>".
QString runLockOwnerPath(const QString& workDir) { return QDir(workDir).filePath(QStringLiteral("run.lock.owner")); }

QString lockOwnerText(const QString& cataloguePath, qint64 runId)
{
    return QFileInfo(cataloguePath).absoluteFilePath() + QLatin1Char('\n') + QString::number(runId);
}

std::unique_ptr<QLockFile> runLock(const QString& workDir)
{
    auto lock = std::make_unique<QLockFile>(runLockPath(workDir));
    lock->setStaleLockTime(0); // stale only when its holder is gone: one epoch may take hours
    return lock;
}

} // namespace

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Running: return QStringLiteral("running");
    case RunState::Interrupted: return QStringLiteral("interrupted");
    case RunState::Finished: return QStringLiteral("finished");
    case RunState::Cancelled: return QStringLiteral("cancelled");
    case RunState::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

bool runIsTrainedNow(const RunRecord& run)
{
    const QString workDir = QJsonDocument::fromJson(run.configJson.toUtf8()).object().value("work_dir").toString();
    if (workDir.isEmpty() || !QFileInfo::exists(runLockPath(workDir))) return false;
    // A lock held for another run says nothing about this one. Without an owner file (a folder
    // whose lock was taken before owners were written) the holder is taken to be this run.
    QFile owner(runLockOwnerPath(workDir));
    if (owner.open(QIODevice::ReadOnly)) {
        const QStringList parts = QString::fromUtf8(owner.readAll()).split(QLatin1Char('\n'));
        if (parts.size() == 2 && parts[1].toLongLong() != run.id) return false;
    }
    // Taking the lock succeeds only when nobody alive holds it (a dead holder's lock is removed).
    const auto probe = runLock(workDir);
    if (probe->tryLock(0)) {
        probe->unlock();
        return false;
    }
    return probe->error() == QLockFile::LockFailedError;
}

RunState runState(const RunRecord& run)
{
    if (run.status == QLatin1String("running")) return runIsTrainedNow(run) ? RunState::Running : RunState::Interrupted;
    if (run.status == QLatin1String("finished")) return RunState::Finished;
    if (run.status == QLatin1String("cancelled")) return RunState::Cancelled;
    return RunState::Failed;
}

bool runHasTestFigures(const RunRecord& run)
{
    return run.status == QLatin1String("finished") &&
           !QJsonDocument::fromJson(run.testMetricsJson.toUtf8()).object().isEmpty();
}

RunRecorder::~RunRecorder() = default;

void RunRecorder::writeLockOwner() const
{
    if (!lock_) return;
    QSaveFile owner(runLockOwnerPath(workDir_));
    if (owner.open(QIODevice::WriteOnly)) {
        owner.write(lockOwnerText(catalogue_.path(), run_.id).toUtf8());
        owner.commit(); // best effort: without it the lock is read as this run's, as before
    }
}

RunRecorder::RunRecorder(Catalogue& catalogue, const CatalogueDataset& dataset,
                         const TrainingConfig& config, const QString& workDir, const QString& name, bool continueUnfinished,
                         FolderLock folderLock)
    : catalogue_(catalogue), dataset_(dataset), workDir_(workDir)
{
    if (folderLock == FolderLock::Hold) QDir().mkpath(workDir);
    lock_ = folderLock == FolderLock::Hold ? runLock(workDir) : nullptr;
    if (lock_ && !lock_->tryLock(100)) {
        if (lock_->error() == QLockFile::LockFailedError) {
            qint64 pid = 0;
            QString host, app;
            lock_->getLockInfo(&pid, &host, &app);
            throw Error(QStringLiteral("%1: another process trains in this folder (%2, process %3 on %4); wait for "
                                       "it to end or cancel it, or train in another folder")
                            .arg(QDir::toNativeSeparators(workDir), QFileInfo(app).fileName())
                            .arg(pid)
                            .arg(host));
        }
        lock_.reset(); // a folder that cannot hold a lock (read-only): the run is recorded without one
    }
    const QString configJson = compact(runConfigJson(config, dataset, workDir));
    if (continueUnfinished && TrainingJob::canResume(workDir, config)) {
        for (const RunRecord& r : catalogue.runs()) {
            if (r.configJson == configJson && r.status != QLatin1String("finished")) {
                run_ = r;
                continued_ = true;
                previousSeconds_ = r.durationSeconds;
                run_.status = QStringLiteral("running");
                run_.error.clear();
                catalogue.updateRun(run_);
                writeLockOwner();
                return;
            }
        }
    }
    QJsonArray classes;
    for (int i = 0; i < dataset.classIds.size(); ++i)
        classes.append(QJsonObject{{"name", dataset.data.classNames[i]}, {"id", dataset.classIds[i]}});
    run_.taskId = dataset.task.id;
    run_.name = name.isEmpty() ? QStringLiteral("%1 %2 (%3 classes)")
                                     .arg(dataset.task.name, networkLabel(config.toJson()))
                                     .arg(dataset.classIds.size())
                               : name;
    run_.status = QStringLiteral("running");
    run_.startedAt = QDateTime::currentDateTimeUtc();
    run_.seed = config.seed;
    run_.configJson = configJson;
    run_.classesJson = QString::fromUtf8(QJsonDocument(classes).toJson(QJsonDocument::Compact));
    run_.softwareJson = compact(softwareVersions());
    run_.id = catalogue.createRun(run_);
    writeLockOwner();
}

void RunRecorder::recordEpoch(const EpochProgress& e)
{
    EpochRecord r;
    r.runId = run_.id;
    r.epoch = e.epoch;
    r.trainLoss = e.trainLoss;
    r.trainAccuracy = e.trainAccuracy;
    r.valLoss = e.valLoss;
    r.valAccuracy = e.valAccuracy;
    r.valBalancedAccuracy = e.valBalancedAccuracy;
    r.valMacroF1 = e.valMacroF1;
    r.learningRate = e.learningRate;
    r.imagesPerSecond = e.imagesPerSecond;
    r.seconds = e.seconds;
    catalogue_.addEpoch(r);
}

void RunRecorder::finish(const TrainingResult& result)
{
    const auto& samples = dataset_.data.samples;
    run_.status = QString::fromLatin1(statusName(result.status));
    run_.finishedAt = QDateTime::currentDateTimeUtc();
    run_.durationSeconds = previousSeconds_ + result.seconds;
    run_.error = result.error;
    run_.softwareJson = compact(result.software);
    if (result.status == TrainingStatus::Finished) {
        QJsonObject metrics = result.test.toJson();
        metrics["validation"] = result.validation.toJson();
        metrics["best_epoch"] = result.bestEpoch;
        metrics["epochs_run"] = result.epochsRun;
        QJsonArray leftOut;
        for (const auto& issue : result.issues)
            leftOut.append(QJsonObject{{"file", issue.file}, {"problem", issue.problem}});
        metrics["left_out"] = leftOut;
        if (!result.teacher.isEmpty()) metrics["teacher"] = result.teacher; // distill_from "auto" resolved
        run_.testMetricsJson = compact(metrics);
        run_.modelPath = QFileInfo(result.modelDir).absoluteFilePath();
    }
    catalogue_.updateRun(run_);
    lock_.reset(); // its end is recorded: nothing trains in the folder any more

    if (!result.split.empty()) {
        QVector<SplitAssignment> split;
        for (size_t i = 0; i < samples.size(); ++i)
            if (result.usable[i]) split.push_back({samples[i].imageId, result.split[i]});
        catalogue_.setRunSplit(run_.id, split);
    }
    if (!result.predictions.empty()) {
        QVector<PredictionRecord> predictions;
        for (const auto& p : result.predictions) {
            PredictionRecord r;
            r.imageId = samples[p.sample].imageId;
            r.part = p.part;
            r.trueClassId = dataset_.classIds[p.truth];
            r.predictedClassId = dataset_.classIds[p.predicted];
            r.probabilities = QVector<float>(p.probabilities.begin(), p.probabilities.end());
            predictions.push_back(r);
        }
        catalogue_.setRunPredictions(run_.id, predictions);
    }
}

} // namespace exemplar::learning
