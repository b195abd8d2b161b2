#include "ui/training/TrainingController.h"

#include "core/catalogue/Catalogue.h"
#include "core/util/Error.h"
#include "ui/curation/CurationSession.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent>

namespace exemplar::ui {

using namespace exemplar::learning;

TrainingController::TrainingController(CurationSession* session, QObject* parent)
    : QObject(parent), session_(session)
{
}

TrainingController::~TrainingController()
{
    // The views listening may be gone already: record the run, tell nobody.
    blockSignals(true);
    shutdown();
}

void TrainingController::shutdown()
{
    cancel();
    worker_.waitForFinished();
    // The engine's last epochs and its result are queued to this object; deliver them now, as the
    // event loop may never run again.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

QString TrainingController::defaultWorkDir(const QString& cataloguePath)
{
    const QFileInfo info(cataloguePath);
    return info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral("-runs/run-") +
                                       QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
}

bool TrainingController::start(const DatasetSelection& selection, const TrainingConfig& config, const QString& workDir)
{
    if (running_) {
        Q_EMIT failed(tr("A training run is already in progress."));
        return false;
    }
    if (!session_->isOpen()) {
        Q_EMIT failed(tr("Open a catalogue before training."));
        return false;
    }
    try {
        config.validate();
    } catch (const Error& e) {
        Q_EMIT failed(e.message());
        return false;
    }
    selection_ = selection;
    config_ = config;
    workDir_ = workDir.isEmpty() ? defaultWorkDir(session_->path()) : workDir;
    runId_ = 0;
    return launch(false);
}

bool TrainingController::canResume() const
{
    return !running_ && !workDir_.isEmpty() && TrainingJob::canResume(workDir_, config_);
}

bool TrainingController::resume()
{
    if (!canResume()) {
        Q_EMIT failed(tr("There is no checkpoint to resume from."));
        return false;
    }
    return launch(true);
}

namespace {

struct RecordedSetup {
    DatasetSelection selection;
    TrainingConfig config;
    QString workDir;
    int images = -1;
};

// Throws exemplar::Error when the run's configuration cannot be read back.
RecordedSetup recordedSetup(const RunRecord& run)
{
    const QJsonObject json = QJsonDocument::fromJson(run.configJson.toUtf8()).object();
    RecordedSetup s;
    s.config = TrainingConfig::fromJson(json);
    s.workDir = json.value(QStringLiteral("work_dir")).toString();
    s.selection.task = json.value(QStringLiteral("task")).toString();
    for (const QJsonValue& c : json.value(QStringLiteral("classes")).toArray())
        s.selection.classes << c.toString();
    s.images = json.value(QStringLiteral("images")).toInt(-1);
    if (s.workDir.isEmpty() || s.selection.task.isEmpty())
        throw Error(QStringLiteral("run %1: its recorded configuration names no work directory or task").arg(run.id));
    return s;
}

} // namespace

bool TrainingController::canResumeRun(const RunRecord& run)
{
    if (run.status == QLatin1String("finished"))
        return false;
    try {
        const RecordedSetup s = recordedSetup(run);
        return TrainingJob::canResume(s.workDir, s.config);
    } catch (const Error&) {
        return false;
    }
}

bool TrainingController::resumeRun(qint64 runId)
{
    if (running_) {
        Q_EMIT failed(tr("A training run is already in progress."));
        return false;
    }
    const auto run = session_->isOpen() ? session_->catalogue().run(runId) : std::nullopt;
    if (!run || !canResumeRun(*run)) {
        Q_EMIT failed(tr("Run %1 has no checkpoint to resume from.").arg(runId));
        return false;
    }
    const RecordedSetup s = recordedSetup(*run);
    selection_ = s.selection;
    config_ = s.config;
    workDir_ = s.workDir;
    runId_ = 0;
    return launch(true, s.images);
}

void TrainingController::cancel()
{
    if (prepareCancel_)
        prepareCancel_->cancel();
    if (job_)
        job_->cancel();
}

bool TrainingController::launch(bool resume, int expectedImages)
{
    running_ = true;
    job_.reset();
    recorder_.reset();
    prepareCancel_ = std::make_shared<CancelFlag>();
    Q_EMIT phase(tr("Reading the training images from the catalogue..."));
    // Decoding thousands of images takes seconds: a dedicated catalogue connection on a worker
    // thread (a Catalogue is single-threaded; SQLite's WAL lets it read beside the GUI's).
    const QString path = session_->path();
    cataloguePath_ = path;
    DatasetSelection selection = selection_;
    selection.auxiliaryClasses = config_.usesAuxiliaryClasses();
    auto cancelled = prepareCancel_;
    worker_ = QtConcurrent::run([this, path, selection, cancelled, resume, expectedImages] {
        try {
            Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            auto dataset = std::make_shared<CatalogueDataset>(trainingDataFromCatalogue(catalogue, selection));
            if (expectedImages >= 0 && int(dataset->data.samples.size()) != expectedImages) {
                // The run record does not say whether it used exemplars only: the image count does.
                DatasetSelection other = selection;
                other.exemplarsOnly = !selection.exemplarsOnly;
                try {
                    auto alternative = std::make_shared<CatalogueDataset>(trainingDataFromCatalogue(catalogue, other));
                    if (int(alternative->data.samples.size()) == expectedImages)
                        dataset = alternative;
                } catch (const Error&) {
                    // Too few exemplars for a dataset: it was not an exemplars-only run.
                }
            }
            if (cancelled->isCancelled())
                throw Error(QStringLiteral("cancelled before training started"));
            QMetaObject::invokeMethod(
                this, [this, dataset, resume] { onDatasetReady(dataset, resume); }, Qt::QueuedConnection);
        } catch (const Error& e) {
            const QString message = e.message();
            QMetaObject::invokeMethod(
                this, [this, message] {
                    running_ = false;
                    Q_EMIT failed(message);
                }, Qt::QueuedConnection);
        }
    });
    return true;
}

void TrainingController::onDatasetReady(std::shared_ptr<CatalogueDataset> dataset, bool resume)
{
    if (prepareCancel_ && prepareCancel_->isCancelled()) {
        running_ = false;
        Q_EMIT failed(tr("Cancelled before training started."));
        return;
    }
    dataset_ = std::move(dataset);
    TrainingCallbacks callbacks;
    // The engine calls these on its own thread: hand every value over to the GUI thread.
    callbacks.onBatch = [this](const BatchProgress& b) {
        QMetaObject::invokeMethod(
            this, [this, b] {
                if (!b.scoring) batchLoss_.add(b); // scoring faces has no loss
                Q_EMIT batchDone(b);
            }, Qt::QueuedConnection);
    };
    callbacks.onEpoch = [this](const EpochProgress& e) {
        QMetaObject::invokeMethod(
            this, [this, e] {
                if (recorder_) {
                    try {
                        recorder_->recordEpoch(e);
                        saveBatchLoss();
                    } catch (const Error& err) {
                        Q_EMIT phase(err.message());
                    }
                }
                Q_EMIT epochDone(e);
            }, Qt::QueuedConnection);
    };
    callbacks.onMessage = [this](const QString& text) {
        QMetaObject::invokeMethod(this, [this, text] { Q_EMIT phase(text); }, Qt::QueuedConnection);
    };
    try {
        job_ = std::make_shared<TrainingJob>(dataset_->data, config_, workDir_, callbacks,
                                             resume ? TrainingJob::Resume::IfPossible : TrainingJob::Resume::Never);
        if (!recordTo_ || recordTo_->path() != cataloguePath_)
            recordTo_ = std::make_unique<Catalogue>(Catalogue::open(cataloguePath_, Catalogue::OpenMode::MustExist));
        recorder_ = std::make_unique<RunRecorder>(*recordTo_, *dataset_, config_, workDir_, QString(), resume);
    } catch (const Error& e) {
        job_.reset();
        running_ = false;
        Q_EMIT failed(e.message());
        return;
    }
    runId_ = recorder_->runId();
    batchLoss_.clear();
    if (recorder_->continued()) {
        // Keep the curve of the epochs done before; the interrupted epoch is trained again.
        try {
            batchLoss_ = BatchLossLog::load(BatchLossLog::fileIn(workDir_));
        } catch (const Error& e) {
            Q_EMIT phase(e.message());
        }
        batchLoss_.keepEpochs(static_cast<int>(recordTo_->epochs(runId_).size()));
    }
    Q_EMIT started(runId_, config_);
    auto job = job_;
    worker_ = QtConcurrent::run([this, job] {
        TrainingResult result = job->run();
        QMetaObject::invokeMethod(this, [this, result] { onTrained(result); }, Qt::QueuedConnection);
    });
}

void TrainingController::saveBatchLoss()
{
    if (!batchLoss_.points().isEmpty() && QFileInfo(workDir_).isDir())
        batchLoss_.save(BatchLossLog::fileIn(workDir_));
}

void TrainingController::onTrained(const TrainingResult& result)
{
    if (!running_)
        return;
    QString error = result.error;
    try {
        if (recorder_)
            recorder_->finish(result);
        saveBatchLoss();
    } catch (const Error& e) {
        error = e.message();
    }
    running_ = false;
    Q_EMIT finished(runId_, QString::fromLatin1(statusName(result.status)), error);
}

} // namespace exemplar::ui
