#include "ui/training/TrainingMonitor.h"

#include "core/util/Error.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/curation/CurationSession.h"
#include "ui/training/BatchLossLog.h"
#include "ui/training/EmptyState.h"
#include "ui/training/RunData.h"
#include "ui/training/TrainingController.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMessageBox>

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {

enum LossGraph { BatchLoss, TrainLoss, ValLoss };
enum MetricGraph { TrainAcc, ValAcc, ValBalanced, ValF1 };

QCustomPlot* makePlot(const QString& yLabel, const QList<QPair<QString, QColor>>& graphs, bool unitRange)
{
    auto* plot = new QCustomPlot;
    plot->setMinimumHeight(220);
    plot->xAxis->setLabel(QObject::tr("epoch"));
    plot->yAxis->setLabel(yLabel);
    for (const auto& [name, colour] : graphs) {
        QCPGraph* g = plot->addGraph();
        g->setName(name);
        QPen pen(colour, 2);
        g->setPen(pen);
    }
    plot->legend->setFont(QFont(plot->font().family(), 8));
    // Above the axes, two entries a row: a plot is half the view wide.
    placeLegendAbove(plot, 2);
    legendForDrawnGraphs(plot);
    if (unitRange) {
        // A little headroom so that points at 1.0 are drawn whole.
        plot->yAxis->setRange(0, 1.04);
    }
    setEpochAxis(plot->xAxis, 1);
    return plot;
}

// What the monitor says of a recorded run with no curve at all to draw, and what to do.
QString noCurvesText(const RunRecord& run, const QJsonObject& config)
{
    using learning::RunState;
    if (learning::isZeroShotRun(config))
        return QObject::tr("Run %1 trained nothing (the pretrained model judged the faces as it is): there are no "
                           "curves to draw. Its test figures are in the evaluation.")
            .arg(run.id);
    QString cause = run.error.trimmed();
    while (cause.endsWith(QLatin1Char('.'))) cause.chop(1);
    switch (learning::runState(run)) {
    case RunState::Running:
        return QObject::tr("Run %1 is training in another program and has recorded no epoch yet: its curves show "
                           "here once it has.")
            .arg(run.id);
    case RunState::Failed:
        return QObject::tr("Run %1 failed before its first epoch%2. There are no curves to draw: fix the cause, then "
                           "train again.")
            .arg(run.id)
            .arg(cause.isEmpty() ? QString() : QStringLiteral(": ") + cause);
    case RunState::Finished:
        return QObject::tr("Run %1 recorded no epochs: there are no curves to draw. Its test figures are in the "
                           "evaluation.")
            .arg(run.id);
    case RunState::Cancelled:
    case RunState::Interrupted:
        break;
    }
    return QObject::tr("Run %1 was %2 before its first epoch: there are no curves to draw. Train again.")
        .arg(run.id)
        .arg(learning::runStateName(learning::runState(run)));
}

} // namespace

void setEpochAxis(QCPAxis* axis, int epochs)
{
    epochs = std::max(1, epochs);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1);
    // Many epochs: steps of 2, 5, 10... epochs, still whole numbers.
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
    axis->setRange(0, epochs + std::max(0.25, epochs * 0.03));
}

void placeLegendAbove(QCustomPlot* plot, int columns)
{
    plot->axisRect()->insetLayout()->take(plot->legend);
    auto* row = new QCPLayoutGrid;
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, row);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    row->addElement(0, 0, plot->legend);
    // An empty legend is at most 0 wide, which would narrow the plot's whole column, axes included:
    // an empty element beside it keeps the row as wide as the plot.
    row->addElement(0, 1, new QCPLayoutElement(plot));
    row->setColumnStretchFactor(1, 0.001);
    plot->legend->setVisible(true);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setWrap(columns);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setMargins(QMargins(4, 2, 4, 0));
}

void legendForDrawnGraphs(QCustomPlot* plot)
{
    // Emptied, never hidden: a hidden element of the plot's layout gives its column no width, which
    // would squeeze the axes beneath it.
    plot->legend->clearItems();
    for (int g = 0; g < plot->graphCount(); ++g)
        if (plot->graph(g)->dataCount() > 0) plot->graph(g)->addToLegend();
}

QString formatDuration(double seconds)
{
    const qint64 s = qRound64(std::max(0.0, seconds));
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

TrainingMonitor::TrainingMonitor(CurationSession* session, TrainingController* controller, QWidget* parent)
    : QWidget(parent), session_(session), controller_(controller)
{
    setObjectName(QStringLiteral("trainingMonitor"));
    title_ = new QLabel(tr("No training run yet."));
    QFont big = title_->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    title_->setFont(big);
    phase_ = new QLabel;
    speed_ = new QLabel;
    eta_ = new QLabel;
    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    newRun_ = new QPushButton(tr("New run..."));
    cancel_ = new QPushButton(tr("Cancel"));
    resume_ = new QPushButton(tr("Resume"));
    export_ = new QPushButton(tr("Export curves (PNG)..."));
    loss_ = makePlot(tr("loss"),
                     {{tr("train (per batch, smoothed)"), QColor(160, 180, 220)},
                      {tr("train"), QColor(30, 90, 200)},
                      {tr("validation"), QColor(220, 80, 30)}},
                     false);
    metrics_ = makePlot(tr("score"),
                        {{tr("train accuracy"), QColor(30, 90, 200)},
                         {tr("validation accuracy"), QColor(220, 80, 30)},
                         {tr("validation balanced accuracy"), QColor(40, 160, 80)},
                         {tr("validation macro-F1"), QColor(140, 60, 170)}},
                        true);
    for (int g = 1; g < loss_->graphCount(); ++g)
        loss_->graph(g)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    for (int g = 0; g < metrics_->graphCount(); ++g)
        metrics_->graph(g)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));

    auto* top = new QHBoxLayout;
    top->addWidget(title_, 1);
    top->addWidget(newRun_);
    top->addWidget(cancel_);
    top->addWidget(resume_);
    top->addWidget(export_);
    auto* status = new QHBoxLayout;
    status->addWidget(progress_, 1);
    status->addWidget(speed_);
    status->addWidget(eta_);
    auto* plots = new QHBoxLayout;
    plots->addWidget(loss_, 1);
    plots->addWidget(metrics_, 1);
    auto* runPage = new QWidget;
    auto* runLayout = new QVBoxLayout(runPage);
    runLayout->setContentsMargins(0, 0, 0, 0);
    runLayout->addLayout(top);
    runLayout->addLayout(status);
    runLayout->addWidget(phase_);
    runLayout->addLayout(plots, 1);

    // No run to show: a sentence and the button that starts one, not empty axes and a 0% bar.
    empty_ = new QLabel;
    empty_->setObjectName(QStringLiteral("monitorEmpty"));
    emptyNewRun_ = new QPushButton(tr("New training run..."));
    QWidget* emptyPage = makeEmptyStatePage(empty_, {emptyNewRun_});
    pages_ = new QStackedWidget;
    pages_->addWidget(runPage);
    pages_->addWidget(emptyPage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(pages_);

    connect(newRun_, &QPushButton::clicked, this, &TrainingMonitor::newRunRequested);
    connect(emptyNewRun_, &QPushButton::clicked, this, &TrainingMonitor::newRunRequested);
    connect(cancel_, &QPushButton::clicked, controller_, &TrainingController::cancel);
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (controller_->runId() == runId_ && controller_->canResume())
            controller_->resume();
        else
            controller_->resumeRun(runId_); // a run of an earlier session, cancelled or interrupted
    });
    connect(export_, &QPushButton::clicked, this, &TrainingMonitor::exportDialog);
    connect(controller_, &TrainingController::started, this, [this](qint64 id) { onStarted(id); });
    connect(controller_, &TrainingController::batchDone, this, &TrainingMonitor::onBatch);
    connect(controller_, &TrainingController::epochDone, this, &TrainingMonitor::onEpoch);
    connect(controller_, &TrainingController::phase, phase_, &QLabel::setText);
    connect(controller_, &TrainingController::finished, this, &TrainingMonitor::onFinished);
    connect(controller_, &TrainingController::failed, this, [this](const QString& e) {
        phase_->setText(tr("Training failed: %1").arg(e));
        updateButtons();
    });
    updateButtons();
}

void TrainingMonitor::clear()
{
    for (int g = 0; g < loss_->graphCount(); ++g)
        loss_->graph(g)->data()->clear();
    for (int g = 0; g < metrics_->graphCount(); ++g)
        metrics_->graph(g)->data()->clear();
    speed_->clear();
    eta_->clear();
    phase_->clear();
    noCurves_.clear();
}

int TrainingMonitor::batchPoints() const { return loss_->graph(BatchLoss)->dataCount(); }
int TrainingMonitor::epochPoints() const { return loss_->graph(ValLoss)->dataCount(); }
QString TrainingMonitor::speedText() const { return speed_->text(); }
QString TrainingMonitor::etaText() const { return eta_->text(); }
QString TrainingMonitor::emptyText() const { return pages_->currentIndex() == 1 ? empty_->text() : QString(); }

void TrainingMonitor::onStarted(qint64 runId)
{
    // A new run starts empty; a resumed one (possibly picked in the run history) shows what was
    // recorded before it continues: its epochs, and the batch curve the controller kept.
    clear();
    runId_ = runId;
    epochs_ = learning::plannedEpochs(controller_->config().toJson());
    for (const EpochRecord& e : session_->catalogue().epochs(runId))
        addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy, e.valBalancedAccuracy, e.valMacroF1);
    for (const QPointF& p : controller_->batchLoss().points())
        loss_->graph(BatchLoss)->addData(p.x(), p.y());
    if (const auto run = session_->catalogue().run(runId))
        title_->setText(tr("Run %1: %2").arg(runId).arg(run->name));
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    setEpochAxis(loss_->xAxis, epochs_);
    setEpochAxis(metrics_->xAxis, epochs_);
    updateButtons();
    replot();
}

void TrainingMonitor::onBatch(const learning::BatchProgress& b)
{
    if (!b.scoring && !controller_->batchLoss().points().isEmpty()) {
        const QPointF p = controller_->batchLoss().points().last();
        loss_->graph(BatchLoss)->addData(p.x(), p.y());
    }
    const double done = ((b.epoch - 1) * double(b.batches) + b.batch) / std::max(1.0, double(b.epochs) * b.batches);
    progress_->setValue(qRound(1000 * done));
    progress_->setFormat(b.scoring ? tr("scoring training faces: %1 of %2").arg(b.batch).arg(b.batches)
                                   : tr("epoch %1/%2, batch %3/%4").arg(b.epoch).arg(b.epochs).arg(b.batch).arg(b.batches));
    speed_->setText(tr("%1 images/s").arg(b.imagesPerSecond, 0, 'f', 0));
    eta_->setText(tr("ETA %1").arg(formatDuration(b.etaSeconds)));
    replot();
}

void TrainingMonitor::onEpoch(const learning::EpochProgress& e)
{
    addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy, e.valBalancedAccuracy, e.valMacroF1);
    speed_->setText(tr("%1 images/s").arg(e.imagesPerSecond, 0, 'f', 0));
    eta_->setText(tr("ETA %1").arg(formatDuration(e.etaSeconds)));
    phase_->setText(tr("Epoch %1: validation macro-F1 %2%3")
                        .arg(e.epoch)
                        .arg(e.valMacroF1, 0, 'f', 3)
                        .arg(e.improved ? tr(" (best so far)") : QString()));
    replot();
}

void TrainingMonitor::addEpoch(int epoch, double trainLoss, double valLoss, double trainAcc, double valAcc,
                               double valBalanced, double valF1)
{
    loss_->graph(TrainLoss)->addData(epoch, trainLoss);
    loss_->graph(ValLoss)->addData(epoch, valLoss);
    metrics_->graph(TrainAcc)->addData(epoch, trainAcc);
    metrics_->graph(ValAcc)->addData(epoch, valAcc);
    metrics_->graph(ValBalanced)->addData(epoch, valBalanced);
    metrics_->graph(ValF1)->addData(epoch, valF1);
}

void TrainingMonitor::onFinished(qint64, const QString& status, const QString& error)
{
    progress_->setValue(status == QLatin1String("finished") ? progress_->maximum() : progress_->value());
    phase_->setText(error.isEmpty() ? tr("Training %1.").arg(status) : tr("Training %1: %2").arg(status, error));
    eta_->clear();
    updateButtons();
}

void TrainingMonitor::showRun(qint64 runId)
{
    if (controller_->isRunning() || !session_->isOpen())
        return;
    showRecorded(runId);
}

void TrainingMonitor::showRecorded(qint64 runId)
{
    clear();
    runId_ = runId;
    const auto run = session_->catalogue().run(runId);
    if (!run) {
        runId_ = 0;
        title_->setText(tr("No training run yet."));
        updateButtons();
        replot();
        return;
    }
    title_->setText(tr("Run %1: %2").arg(runId).arg(run->name));
    const QVector<EpochRecord> epochs = session_->catalogue().epochs(runId);
    for (const EpochRecord& e : epochs) {
        // The catalogue keeps no train balanced accuracy; the chart shows what was recorded.
        addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy, e.valBalancedAccuracy, e.valMacroF1);
    }
    const QJsonObject config = QJsonDocument::fromJson(run->configJson.toUtf8()).object();
    try {
        const BatchLossLog batches = BatchLossLog::load(BatchLossLog::fileIn(config.value(QStringLiteral("work_dir")).toString()));
        for (const QPointF& p : batches.points())
            loss_->graph(BatchLoss)->addData(p.x(), p.y());
    } catch (const Error& e) {
        phase_->setText(e.message()); // the epochs still show
    }
    epochs_ = config.contains(QStringLiteral("epochs")) ? learning::plannedEpochs(config) : int(epochs.size());
    progress_->setRange(0, std::max(1, epochs_));
    progress_->setValue(std::min<int>(epochs_, epochs.size()));
    progress_->setFormat(tr("%1: %2 of %3 epochs").arg(displayStatus(*run, controller_->isRunning() ? controller_->runId() : 0))
                             .arg(epochs.size())
                             .arg(epochs_));
    if (!epochs.isEmpty())
        speed_->setText(tr("%1 images/s").arg(epochs.last().imagesPerSecond, 0, 'f', 0));
    // A run that never recorded its end has no duration: its epochs say how long it went on.
    const double took = run->durationSeconds > 0 ? run->durationSeconds : epochs.isEmpty() ? 0 : epochs.last().seconds;
    eta_->setText(took > 0 ? tr("took %1").arg(formatDuration(took)) : QString());
    if (!run->error.isEmpty())
        phase_->setText(run->error);
    else if (learning::runState(*run) == learning::RunState::Interrupted)
        phase_->setText(tr("The program training this run stopped without recording its end.%1")
                            .arg(TrainingController::canResumeRun(*run) ? tr(" Resume continues it from its checkpoint.")
                                                                        : QString()));
    setEpochAxis(loss_->xAxis, epochs_);
    setEpochAxis(metrics_->xAxis, epochs_);
    if (epochs.isEmpty() && batchPoints() == 0) noCurves_ = noCurvesText(*run, config);
    updateButtons();
    replot();
}

void TrainingMonitor::updateButtons()
{
    const bool running = controller_->isRunning();
    // A run that could not start leaves its message in the run page.
    const bool noRun = runId_ == 0 && !running && phase_->text().isEmpty();
    const bool noCurves = !noCurves_.isEmpty() && !running;
    pages_->setCurrentIndex(noRun || noCurves ? 1 : 0);
    emptyNewRun_->setEnabled(session_->isOpen() && !running);
    empty_->setText(noCurves               ? noCurves_
                    : session_->isOpen() ? tr("No training run yet. Train a model on the labelled faces: its loss and its "
                                              "validation scores are drawn here epoch by epoch while it learns, with "
                                              "its progress and the time left.")
                                         : tr("Open a catalogue to train a model on its labelled faces."));
    newRun_->setEnabled(!running && session_->isOpen());
    export_->setEnabled(runId_ != 0);
    cancel_->setEnabled(running);
    bool resumable = controller_->canResume();
    if (!running && !resumable && runId_ && session_->isOpen())
        if (const auto run = session_->catalogue().run(runId_))
            resumable = TrainingController::canResumeRun(*run);
    resume_->setEnabled(resumable);
}

void TrainingMonitor::replot()
{
    bool found = false;
    const QCPRange range = loss_->graph(TrainLoss)->getValueRange(found);
    bool foundBatch = false;
    const QCPRange batchRange = loss_->graph(BatchLoss)->getValueRange(foundBatch);
    double hi = 0;
    if (found)
        hi = std::max(hi, range.upper);
    if (foundBatch)
        hi = std::max(hi, batchRange.upper);
    bool foundVal = false;
    const QCPRange valRange = loss_->graph(ValLoss)->getValueRange(foundVal);
    if (foundVal)
        hi = std::max(hi, valRange.upper);
    loss_->yAxis->setRange(0, hi > 0 ? hi * 1.1 : 1);
    legendForDrawnGraphs(loss_);
    legendForDrawnGraphs(metrics_);
    loss_->replot(QCustomPlot::rpQueuedReplot);
    metrics_->replot(QCustomPlot::rpQueuedReplot);
}

QString TrainingMonitor::defaultExportPath() const
{
    const QString name = QStringLiteral("run-%1-curves.png").arg(runId_);
    return session_->isOpen() ? QFileInfo(session_->path()).absoluteDir().filePath(name) : name;
}

void TrainingMonitor::exportDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export curves"), defaultExportPath(), tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    if (!exportPng(path))
        QMessageBox::warning(this, tr("Export curves"), tr("%1: cannot write the image").arg(path));
}

bool TrainingMonitor::exportPng(const QString& path) const
{
    // A monitor never shown yet has no real size: render at a readable one.
    auto render = [](QCustomPlot* plot) {
        const QSize size = plot->isVisible() ? plot->size() : QSize(640, 400);
        return plot->toPixmap(size.width(), size.height());
    };
    const QPixmap a = render(loss_);
    const QPixmap b = render(metrics_);
    QImage out(a.width() + b.width(), std::max(a.height(), b.height()), QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    p.drawPixmap(0, 0, a);
    p.drawPixmap(a.width(), 0, b);
    p.end();
    return out.save(path, "PNG");
}

} // namespace exemplar::ui
