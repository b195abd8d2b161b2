#include "ui/training/EvaluationView.h"

#include "core/util/Error.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/curation/CurationSession.h"
#include "ui/training/EmptyState.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TryItPanel.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace exemplar::ui {

EvaluationView::EvaluationView(CurationSession* session, QWidget* parent) : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("evaluationView"));
    runs_ = new QComboBox;
    // Run names are long ("expression faceapi+emotion class biases (6 classes)"): elided in the
    // box, whole in its list, so the box does not set the view's width.
    runs_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    runs_->setMinimumContentsLength(32);
    headline_ = new QLabel;
    headline_->setTextFormat(Qt::RichText);
    headline_->setWordWrap(true);
    chance_ = new QLabel;
    chance_->setObjectName(QStringLiteral("evaluationChance"));
    chance_->setWordWrap(true);
    chance_->setStyleSheet(QStringLiteral("QLabel { color: #b03a00; font-weight: bold; }"));
    chance_->hide();
    export_ = new QPushButton(tr("Export"));
    auto* exportMenu = new QMenu(export_);
    exportMenu->addAction(tr("Confusion matrix (PNG)..."), this, [this] { exportDialog(ExportKind::MatrixPng); });
    exportMenu->addAction(tr("Metrics (CSV)..."), this, [this] { exportDialog(ExportKind::MetricsCsv); });
    exportMenu->addAction(tr("Metrics (JSON)..."), this, [this] { exportDialog(ExportKind::MetricsJson); });
    export_->setMenu(exportMenu);
    plot_ = new QCustomPlot;
    plot_->setMinimumSize(320, 280);
    plot_->xAxis->setLabel(tr("predicted"));
    plot_->yAxis->setLabel(tr("true"));
    plot_->yAxis->setRangeReversed(true); // first class at the top, as in a table
    table_ = new QTableWidget(0, 5);
    table_->setHorizontalHeaderLabels({tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    tryIt_ = new TryItPanel;

    empty_ = new QLabel;
    empty_->setObjectName(QStringLiteral("evaluationEmpty"));
    newRun_ = new QPushButton(tr("New training run..."));
    resume_ = new QPushButton(tr("Resume"));
    latestFinished_ = new QPushButton;
    QWidget* emptyPage = makeEmptyStatePage(empty_, {newRun_, resume_, latestFinished_});

    topBar_ = new QWidget;
    auto* top = new QHBoxLayout(topBar_);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(new QLabel(tr("Run")));
    top->addWidget(runs_);
    top->addWidget(headline_, 1);
    top->addWidget(export_);
    auto* side = new QSplitter(Qt::Vertical);
    side->addWidget(table_);
    side->addWidget(tryIt_);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(plot_);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    pages_ = new QStackedWidget;
    pages_->addWidget(split);
    pages_->addWidget(emptyPage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(topBar_);
    layout->addWidget(chance_);
    layout->addWidget(pages_, 1);

    connect(plot_, &QCustomPlot::mousePress, this, &EvaluationView::onPlotClick);
    connect(runs_, &QComboBox::currentIndexChanged, this, [this] {
        if (!quiet_ && runs_->currentData().toLongLong() != data_.run.id)
            showRun(runs_->currentData().toLongLong());
    });
    connect(newRun_, &QPushButton::clicked, this, &EvaluationView::newRunRequested);
    connect(resume_, &QPushButton::clicked, this, [this] { Q_EMIT resumeRequested(data_.run.id); });
    connect(latestFinished_, &QPushButton::clicked, this, [this] { showRun(latestFinishedRun()); });
    connect(session_, &CurationSession::opened, this, [this] {
        refreshRuns();
        showRun(0);
    });
    if (session_->isOpen()) {
        refreshRuns();
        showRun(0);
    } else {
        rebuild();
    }
}

void EvaluationView::setBusyRun(qint64 runId)
{
    busyRun_ = runId;
}

void EvaluationView::refreshRuns()
{
    quiet_ = true;
    runs_->clear();
    // Every run is listed: an unfinished one says what it is instead of showing figures.
    if (session_->isOpen())
        for (const RunRecord& r : session_->catalogue().runs()) {
            const QString status = displayStatus(r, busyRun_);
            runs_->addItem(status == QLatin1String("finished") ? QStringLiteral("#%1 %2").arg(r.id).arg(r.name)
                                                               : QStringLiteral("#%1 %2 (%3)").arg(r.id).arg(r.name, status),
                           r.id);
            runs_->setItemData(runs_->count() - 1, r.name, Qt::ToolTipRole);
        }
    runs_->setCurrentIndex(runs_->findData(data_.run.id));
    quiet_ = false;
}

qint64 EvaluationView::latestFinishedRun() const
{
    if (!session_->isOpen()) return 0;
    for (const RunRecord& r : session_->catalogue().runs()) // newest first
        if (learning::runHasTestFigures(r)) return r.id;
    return 0;
}

bool EvaluationView::showRun(qint64 runId)
{
    if (!session_->isOpen())
        return false;
    if (runId == 0) {
        runId = latestFinishedRun();
        // None finished: the latest run says why (interrupted, failed...) and how to go on.
        if (runId == 0)
            if (const auto runs = session_->catalogue().runs(); !runs.isEmpty()) runId = runs.first().id;
    }
    try {
        data_ = runId ? loadRunData(session_->catalogue(), runId) : RunData{};
    } catch (const Error& e) {
        data_ = {};
        rebuild();
        headline_->setText(e.message().toHtmlEscaped());
        return false;
    }
    quiet_ = true;
    if (runs_->findData(data_.run.id) < 0 && data_.run.id) {
        quiet_ = false;
        refreshRuns(); // a run recorded since the list was read
        quiet_ = true;
    }
    runs_->setCurrentIndex(runs_->findData(data_.run.id));
    quiet_ = false;
    rebuild();
    return runId != 0;
}

QString EvaluationView::cellText(int t, int p) const
{
    if (t < 0 || p < 0 || t >= data_.cells.size() || p >= data_.cells.size())
        return {};
    const int count = data_.cells[t][p].count;
    const int total = data_.rowTotal(t);
    return QStringLiteral("%1\n%2%").arg(count).arg(total ? 100.0 * count / total : 0.0, 0, 'f', 0);
}

QString EvaluationView::headlineText() const { return headline_->text(); }
QString EvaluationView::chanceText() const { return chance_->isVisibleTo(this) ? chance_->text() : QString(); }
bool EvaluationView::showsFigures() const { return pages_->currentIndex() == 0; }
QString EvaluationView::emptyText() const { return showsFigures() ? QString() : empty_->text(); }

void EvaluationView::showEmpty(const QString& text)
{
    empty_->setText(text);
    pages_->setCurrentIndex(1);
    chance_->hide();
    export_->setEnabled(false);
    tryIt_->setModelDir({});
    const qint64 finished = latestFinishedRun();
    latestFinished_->setText(tr("Show run %1 (latest finished)").arg(finished));
    latestFinished_->setVisible(finished != 0 && finished != data_.run.id);
    const bool resumable = data_.run.id && data_.state != learning::RunState::Running && busyRun_ == 0 &&
                           TrainingController::canResumeRun(data_.run);
    resume_->setText(tr("Resume run %1").arg(data_.run.id));
    resume_->setVisible(resumable);
    // Training again is the way on unless this run is still training.
    newRun_->setVisible(data_.state != learning::RunState::Running || data_.run.id == 0);
    newRun_->setEnabled(busyRun_ == 0);
    newRun_->setToolTip(busyRun_ ? tr("A run is training: wait for it or cancel it in the training monitor.") : QString());
}

void EvaluationView::rebuild()
{
    plot_->clearPlottables();
    plot_->clearItems();
    table_->setRowCount(0);
    topBar_->setVisible(data_.run.id != 0); // no run: no run to pick, nothing to export
    if (data_.run.id == 0) {
        headline_->clear();
        showEmpty(session_->isOpen() ? tr("No training run yet. Train a model on the labelled faces: its confusion "
                                          "matrix and its test scores, class by class, appear here.")
                                     : tr("Open a catalogue to see the evaluation of its training runs."));
        newRun_->setVisible(session_->isOpen());
        plot_->replot();
        return;
    }
    if (!data_.hasTest) {
        headline_->setText(tr("<b>%1</b> %2").arg(displayStatus(data_.run, busyRun_), stoppedAtText(data_).toHtmlEscaped()));
        const bool resumable = data_.state != learning::RunState::Running && busyRun_ == 0 &&
                               TrainingController::canResumeRun(data_.run);
        showEmpty(unfinishedRunText(data_, resumable));
        plot_->replot();
        return;
    }
    pages_->setCurrentIndex(0);
    // The interval and the thin classes say how much the figure rests on: a rare class with a
    // face or two in the test part moves it by several points per face.
    const auto& interval = data_.test.balancedAccuracyInterval;
    const QString thin = learning::thinClassesText(data_.test);
    headline_->setText(tr("<b>%1</b> test images &nbsp; accuracy <b>%2</b> &nbsp; balanced accuracy <b>%3</b>%4 "
                          "&nbsp; macro-F1 <b>%5</b>%6")
                           .arg(data_.test.count)
                           .arg(data_.test.accuracy, 0, 'f', 3)
                           .arg(data_.test.balancedAccuracy, 0, 'f', 3)
                           .arg(interval ? tr(" (%1)").arg(learning::intervalText(*interval)) : QString())
                           .arg(data_.test.macroF1, 0, 'f', 3)
                           .arg(thin.isEmpty() ? QString() : tr("<br><small>%1</small>").arg(thin.toHtmlEscaped())));
    // A figure that chance could have given is no result: said under the headline, in words.
    const QString chance = learning::chanceText(data_.test);
    chance_->setText(chance.isEmpty() ? QString() : tr("This model is %1.").arg(chance));
    chance_->setVisible(!chance.isEmpty());
    tryIt_->setModelDir(data_.run.modelPath);
    export_->setEnabled(true);
    fillMatrix();
    fillClassTable();
}

void EvaluationView::fillMatrix()
{
    const int n = static_cast<int>(data_.classNames.size());
    auto* map = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map->data()->setSize(n, n);
    map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    QCPColorGradient gradient;
    gradient.setColorStopAt(0, QColor(247, 251, 255));
    gradient.setColorStopAt(0.5, QColor(107, 174, 214));
    gradient.setColorStopAt(1, QColor(8, 48, 107));
    map->setGradient(gradient);
    map->setDataRange(QCPRange(0, 1));
    map->setInterpolate(false);
    for (int t = 0; t < n; ++t) {
        const int total = data_.rowTotal(t);
        for (int p = 0; p < n; ++p) {
            const double share = total ? double(data_.cells[t][p].count) / total : 0;
            map->data()->setCell(p, t, share);
            auto* text = new QCPItemText(plot_);
            text->position->setCoords(p, t);
            text->setText(cellText(t, p));
            text->setTextAlignment(Qt::AlignCenter);
            text->setColor(share > 0.5 ? Qt::white : Qt::black);
            text->setSelectable(false);
        }
    }
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < n; ++i)
        ticker->addTick(i, data_.classNames[i]);
    plot_->xAxis->setTicker(ticker);
    plot_->yAxis->setTicker(ticker);
    // Anticlockwise: a rotated label ends at its tick, so the last class is not cut at the right edge.
    plot_->xAxis->setTickLabelRotation(n > 5 ? -30 : 0);
    plot_->xAxis->setRange(-0.5, n - 0.5);
    plot_->yAxis->setRange(-0.5, n - 0.5);
    plot_->xAxis->grid()->setVisible(false);
    plot_->yAxis->grid()->setVisible(false);
    plot_->replot();
}

void EvaluationView::fillClassTable()
{
    table_->setRowCount(static_cast<int>(data_.test.perClass.size()));
    for (int r = 0; r < table_->rowCount(); ++r) {
        const auto& c = data_.test.perClass[r];
        const QStringList cells{c.name, QString::number(c.precision, 'f', 3), QString::number(c.recall, 'f', 3),
                                QString::number(c.f1, 'f', 3), QString::number(c.support)};
        for (int col = 0; col < cells.size(); ++col)
            table_->setItem(r, col, new QTableWidgetItem(cells[col]));
    }
}

QPoint EvaluationView::cellCenter(int t, int p) const
{
    return plot_->mapTo(this, QPoint(qRound(plot_->xAxis->coordToPixel(p)), qRound(plot_->yAxis->coordToPixel(t))));
}

void EvaluationView::onPlotClick(QMouseEvent* event)
{
    const int n = static_cast<int>(data_.classNames.size());
    const int p = qRound(plot_->xAxis->pixelToCoord(event->position().x()));
    const int t = qRound(plot_->yAxis->pixelToCoord(event->position().y()));
    if (n > 0 && plot_->axisRect()->rect().contains(event->position().toPoint()) && t >= 0 && p >= 0 && t < n && p < n)
        activateCell(t, p);
}

void EvaluationView::activateCell(int t, int p)
{
    if (t < 0 || p < 0 || t >= data_.cells.size() || p >= data_.cells.size())
        return;
    const QString caption = tr("true %1 \u2192 predicted %2").arg(data_.classNames[t], data_.classNames[p]);
    Q_EMIT cellActivated(data_.cells[t][p].imageIds, caption);
}

bool EvaluationView::exportMatrixPng(const QString& path) const
{
    // A view never shown yet has no real size: render at a readable one.
    const QSize size = plot_->isVisible() ? plot_->size() : QSize(560, 480);
    return plot_->savePng(path, size.width(), size.height());
}

void EvaluationView::exportMetricsCsv(const QString& path) const { writeTextFile(path, metricsCsv(data_).toUtf8()); }

void EvaluationView::exportMetricsJson(const QString& path) const
{
    QJsonObject json = QJsonDocument::fromJson(data_.run.testMetricsJson.toUtf8()).object();
    json[QStringLiteral("run")] = data_.run.id;
    json[QStringLiteral("name")] = data_.run.name;
    json[QStringLiteral("config")] = data_.config;
    writeTextFile(path, QJsonDocument(json).toJson());
}

QString EvaluationView::defaultExportPath(const QString& what) const
{
    const QString name = QStringLiteral("run-%1-%2").arg(data_.run.id).arg(what);
    return session_->isOpen() ? QFileInfo(session_->path()).absoluteDir().filePath(name) : name;
}

void EvaluationView::exportDialog(ExportKind kind)
{
    if (!data_.hasTest)
        return;
    const QString proposed = kind == ExportKind::MatrixPng    ? defaultExportPath(QStringLiteral("confusion.png"))
                             : kind == ExportKind::MetricsCsv ? defaultExportPath(QStringLiteral("metrics.csv"))
                                                              : defaultExportPath(QStringLiteral("metrics.json"));
    const QString filter = kind == ExportKind::MatrixPng    ? tr("PNG image (*.png)")
                           : kind == ExportKind::MetricsCsv ? tr("CSV (*.csv)")
                                                            : tr("JSON (*.json)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export evaluation"), proposed, filter);
    if (path.isEmpty())
        return;
    try {
        switch (kind) {
        case ExportKind::MatrixPng:
            if (!exportMatrixPng(path))
                throw Error(QStringLiteral("%1: cannot write the image").arg(path));
            break;
        case ExportKind::MetricsCsv:
            exportMetricsCsv(path);
            break;
        case ExportKind::MetricsJson:
            exportMetricsJson(path);
            break;
        }
    } catch (const Error& e) {
        QMessageBox::warning(this, tr("Export"), e.message());
    }
}

} // namespace exemplar::ui
