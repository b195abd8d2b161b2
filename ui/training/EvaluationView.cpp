#include "ui/training/EvaluationView.h"

#include "core/util/Error.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/curation/CurationSession.h"
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
#include <QTableWidget>
#include <QVBoxLayout>

namespace exemplar::ui {

EvaluationView::EvaluationView(CurationSession* session, QWidget* parent) : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("evaluationView"));
    runs_ = new QComboBox;
    runs_->setMinimumContentsLength(30);
    headline_ = new QLabel;
    headline_->setTextFormat(Qt::RichText);
    export_ = new QPushButton(tr("Export"));
    auto* exportMenu = new QMenu(export_);
    exportMenu->addAction(tr("Confusion matrix (PNG)..."), this, [this] { exportDialog(ExportKind::MatrixPng); });
    exportMenu->addAction(tr("Metrics (CSV)..."), this, [this] { exportDialog(ExportKind::MetricsCsv); });
    exportMenu->addAction(tr("Metrics (JSON)..."), this, [this] { exportDialog(ExportKind::MetricsJson); });
    export_->setMenu(exportMenu);
    plot_ = new QCustomPlot;
    plot_->setMinimumSize(360, 320);
    plot_->xAxis->setLabel(tr("predicted"));
    plot_->yAxis->setLabel(tr("true"));
    plot_->yAxis->setRangeReversed(true); // first class at the top, as in a table
    table_ = new QTableWidget(0, 5);
    table_->setHorizontalHeaderLabels({tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    tryIt_ = new TryItPanel;

    auto* top = new QHBoxLayout;
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
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(plot_, &QCustomPlot::mousePress, this, &EvaluationView::onPlotClick);
    connect(runs_, &QComboBox::currentIndexChanged, this, [this] {
        if (!quiet_ && runs_->currentData().toLongLong() != data_.run.id)
            showRun(runs_->currentData().toLongLong());
    });
    connect(session_, &CurationSession::opened, this, [this] {
        refreshRuns();
        showRun(0);
    });
    if (session_->isOpen()) {
        refreshRuns();
        showRun(0);
    }
}

void EvaluationView::refreshRuns()
{
    quiet_ = true;
    runs_->clear();
    if (session_->isOpen())
        for (const RunRecord& r : session_->catalogue().runs())
            if (!r.testMetricsJson.isEmpty())
                runs_->addItem(QStringLiteral("#%1 %2").arg(r.id).arg(r.name), r.id);
    runs_->setCurrentIndex(runs_->findData(data_.run.id));
    quiet_ = false;
}

bool EvaluationView::showRun(qint64 runId)
{
    if (!session_->isOpen())
        return false;
    if (runId == 0) {
        for (const RunRecord& r : session_->catalogue().runs()) // newest first
            if (!r.testMetricsJson.isEmpty()) {
                runId = r.id;
                break;
            }
    }
    try {
        data_ = runId ? loadRunData(session_->catalogue(), runId) : RunData{};
    } catch (const Error& e) {
        data_ = {};
        headline_->setText(e.message());
        rebuild();
        return false;
    }
    quiet_ = true;
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

void EvaluationView::rebuild()
{
    plot_->clearPlottables();
    plot_->clearItems();
    table_->setRowCount(0);
    const int n = static_cast<int>(data_.classNames.size());
    if (data_.run.id == 0) {
        headline_->setText(tr("No finished training run yet."));
        export_->setEnabled(false);
        tryIt_->setModelDir({});
        plot_->replot();
        return;
    }
    if (data_.hasTest) {
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
                               .arg(thin.isEmpty() ? QString()
                                                   : tr("<br><small>%1</small>")
                                                         .arg(thin.toHtmlEscaped())));
    } else {
        headline_->setText(tr("Run %1 is %2: no test results.").arg(data_.run.id).arg(data_.run.status));
    }
    tryIt_->setModelDir(data_.run.modelPath);
    export_->setEnabled(data_.hasTest);

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
    if (data_.run.id == 0)
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
