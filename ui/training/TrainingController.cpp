#include "ui/training/TrainingController.h"

#include "core/catalogue/Catalogue.h"
#include "core/util/Error.h"
#include "ui/curation/CurationSession.h"

#include <QDateTime>
#include <QDir>
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
    if (prepareCancel_)
        prepareCancel_->cancel();
    if (job_)
        job_->cancel();
    worker_.waitForFinished();
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

void TrainingController::cancel()
{
    if (prepareCancel_)
        prepareCancel_->cancel();
    if (job_)
        job_->cancel();
}

bool TrainingController::launch(bool resume)
{
    running_ = true;
    job_.reset();
    recorder_.reset();
    prepareCancel_ = std::make_shared<CancelFlag>();
    Q_EMIT phase(tr("Reading the training images from the catalogue..."));
    // Decoding thousands of images takes seconds: a dedicated catalogue connection on a worker
    // thread (a Catalogue is single-threaded; SQLite's WAL lets it read beside the GUI's).
    const QString path = session_->path();
    const DatasetSelection selection = selection_;
    auto cancelled = prepareCancel_;
    QPointer<TrainingController> self(this);
    worker_ = QtConcurrent::run([this, self, path, selection, cancelled, resume] {
        try {
            Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            auto dataset = std::make_shared<CatalogueDataset>(trainingDataFromCatalogue(catalogue, selection));
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
        QMetaObject::invokeMethod(this, [this, b] { Q_EMIT batchDone(b); }, Qt::QueuedConnection);
    };
    callbacks.onEpoch = [this](const EpochProgress& e) {
        QMetaObject::invokeMethod(
            this, [this, e] {
                if (recorder_) {
                    try {
                        recorder_->recordEpoch(e);
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
        recorder_ = std::make_unique<RunRecorder>(session_->catalogue(), *dataset_, config_, workDir_, QString(), resume);
    } catch (const Error& e) {
        job_.reset();
        running_ = false;
        Q_EMIT failed(e.message());
        return;
    }
    runId_ = recorder_->runId();
    Q_EMIT started(runId_, config_);
    auto job = job_;
    worker_ = QtConcurrent::run([this, job] {
        TrainingResult result = job->run();
        QMetaObject::invokeMethod(this, [this, result] { onTrained(result); }, Qt::QueuedConnection);
    });
}

void TrainingController::onTrained(const TrainingResult& result)
{
    QString error = result.error;
    try {
        if (recorder_)
            recorder_->finish(result);
    } catch (const Error& e) {
        error = e.message();
    }
    running_ = false;
    Q_EMIT finished(runId_, QString::fromLatin1(statusName(result.status)), error);
}

} // namespace exemplar::ui
