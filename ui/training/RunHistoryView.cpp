#include "ui/training/RunHistoryView.h"

#include "core/learning/Metrics.h"
#include "core/util/Error.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/curation/CurationSession.h"
#include "ui/training/EmptyState.h"
#include "ui/training/RunData.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TrainingMonitor.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
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

#include <cmath>

namespace exemplar::ui {

namespace {

QString score(double v) { return QString::number(v, 'f', 3); }

enum Column { IdColumn, NameColumn, StatusColumn, kBalancedAccuracyColumn = 9 }; // in the header labels below
constexpr int kFirstFigureColumn = 8;

// A name shows at least this much before it is elided (the rest of the width goes to the figures).
constexpr int kMinNameWidth = 140;

// What became of a run without test figures, after "it": "was interrupted after epoch 3 of 20".
QString withoutFigures(const RunData& r, qint64 busyRun)
{
    switch (r.state) {
    case learning::RunState::Running: return QObject::tr("is still training");
    case learning::RunState::Failed: return QObject::tr("failed %1").arg(stoppedAtText(r));
    default: return QObject::tr("was %1 %2").arg(displayStatus(r.run, busyRun), stoppedAtText(r));
    }
}

QString changeInterval(const learning::ScoreInterval& i)
{
    const auto signedScore = [](double v) { return QStringLiteral("%1%2").arg(v >= 0 ? "+" : "").arg(v, 0, 'f', 3); };
    return QStringLiteral("%1% interval of the change %2 to %3 over %4 people")
        .arg(std::lround(i.level * 100))
        .arg(signedScore(i.low), signedScore(i.high))
        .arg(i.people);
}

QTableWidgetItem* item(const QString& text, const QVariant& sortKey = {})
{
    auto* it = new QTableWidgetItem(text);
    if (sortKey.isValid())
        it->setData(Qt::UserRole, sortKey);
    return it;
}

} // namespace

RunHistoryView::RunHistoryView(CurationSession* session, QWidget* parent) : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("runHistoryView"));
    table_ = new QTableWidget(0, 11);
    table_->setHorizontalHeaderLabels({tr("run"), tr("name"), tr("status"), tr("started"), tr("epochs"),
                                       tr("duration"), tr("model"), tr("input"), tr("accuracy"),
                                       tr("balanced acc."), tr("macro-F1")});
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideRight);
    // The figures are what the table is read for: sized to their contents. The name gets what is
    // left (fitNameColumn), elided, and the user can widen it.
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Interactive);
    table_->horizontalHeader()->setStretchLastSection(false);
    evaluate_ = new QPushButton(tr("Evaluation"));
    curves_ = new QPushButton(tr("Curves"));
    resume_ = new QPushButton(tr("Resume"));
    resume_->setToolTip(tr("Continue an unfinished run from its last checkpoint"));
    compare_ = new QPushButton(tr("Compare two"));
    delete_ = new QPushButton(tr("Delete"));
    exportModel_ = new QPushButton(tr("Export model..."));
    comparePlot_ = new QCustomPlot;
    comparePlot_->setMinimumHeight(200);
    comparePlot_->xAxis->setLabel(tr("epoch"));
    comparePlot_->yAxis->setLabel(tr("validation macro-F1"));
    comparePlot_->yAxis2->setLabel(tr("validation loss"));
    comparePlot_->yAxis2->setVisible(true);
    comparePlot_->setVisible(false); // shown with a comparison: no empty axes before
    comparePlot_->legend->setFont(QFont(comparePlot_->font().family(), 8));
    placeLegendAbove(comparePlot_, 4);
    comparePlot_->yAxis->setRange(0, 1.04);
    compareLabel_ = new QLabel(tr("Select two runs and press \"Compare two\"."));
    compareLabel_->setTextFormat(Qt::RichText);
    compareLabel_->setWordWrap(true);
    compareLabel_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    empty_ = new QLabel;
    empty_->setObjectName(QStringLiteral("runsEmpty"));
    newRun_ = new QPushButton(tr("New training run..."));

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {evaluate_, curves_, resume_, compare_, delete_, exportModel_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* lower = new QWidget;
    auto* lowerLayout = new QHBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(comparePlot_, 3);
    lowerLayout->addWidget(compareLabel_, 1);
    auto* split = new QSplitter(Qt::Vertical);
    auto* upper = new QWidget;
    auto* upperLayout = new QVBoxLayout(upper);
    upperLayout->setContentsMargins(0, 0, 0, 0);
    upperLayout->addWidget(table_);
    upperLayout->addLayout(buttons);
    split->addWidget(upper);
    split->addWidget(lower);
    QWidget* emptyPage = makeEmptyStatePage(empty_, {newRun_});
    pages_ = new QStackedWidget;
    pages_->addWidget(split);
    pages_->addWidget(emptyPage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(pages_);

    connect(newRun_, &QPushButton::clicked, this, &RunHistoryView::newRunRequested);
    table_->viewport()->installEventFilter(this);
    connect(table_, &QTableWidget::itemSelectionChanged, this, &RunHistoryView::updateButtons);
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this] { Q_EMIT evaluateRequested(currentRun()); });
    connect(evaluate_, &QPushButton::clicked, this, [this] { Q_EMIT evaluateRequested(currentRun()); });
    connect(curves_, &QPushButton::clicked, this, [this] { Q_EMIT curvesRequested(currentRun()); });
    connect(resume_, &QPushButton::clicked, this, [this] { Q_EMIT resumeRequested(currentRun()); });
    connect(compare_, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() == 2)
            compare(std::min(ids[0], ids[1]), std::max(ids[0], ids[1]));
    });
    connect(delete_, &QPushButton::clicked, this, [this] {
        const qint64 id = currentRun();
        if (QMessageBox::question(this, tr("Delete run"), tr("Delete run %1 and its recorded results? The files of its "
                                                             "work directory stay on disk.").arg(id)) != QMessageBox::Yes)
            return;
        try {
            deleteRun(id);
        } catch (const Error& e) {
            QMessageBox::warning(this, tr("Delete run"), e.message());
        }
    });
    connect(exportModel_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the model into"));
        if (dir.isEmpty())
            return;
        try {
            exportModel(currentRun(), dir);
        } catch (const Error& e) {
            QMessageBox::warning(this, tr("Export model"), e.message());
        }
    });
    connect(session_, &CurationSession::opened, this, &RunHistoryView::refresh);
    refresh();
}

void RunHistoryView::refresh()
{
    table_->setRowCount(0);
    if (!session_->isOpen()) {
        pages_->setCurrentIndex(1);
        empty_->setText(tr("Open a catalogue to see its training runs."));
        newRun_->hide();
        updateButtons();
        return;
    }
    const QVector<RunRecord> runs = session_->catalogue().runs();
    pages_->setCurrentIndex(runs.isEmpty() ? 1 : 0);
    empty_->setText(tr("No training run yet. Train a model on the labelled faces: each run is listed here with its "
                       "settings and test scores, and two runs can be compared."));
    newRun_->show();
    table_->setRowCount(static_cast<int>(runs.size()));
    for (int r = 0; r < runs.size(); ++r) {
        const RunRecord& run = runs[r];
        const QJsonObject config = QJsonDocument::fromJson(run.configJson.toUtf8()).object();
        const QJsonObject test = QJsonDocument::fromJson(run.testMetricsJson.toUtf8()).object();
        const QVector<EpochRecord> epochRecords = session_->catalogue().epochs(run.id);
        const int epochs = static_cast<int>(epochRecords.size());
        // A run that never recorded its end has no duration: its epochs say how long it went on.
        const double seconds = run.durationSeconds > 0 || epochRecords.isEmpty() ? run.durationSeconds
                                                                                 : epochRecords.last().seconds;
        const QString status = displayStatus(run, busyRun_);
        // Only a finished run has test figures; the others show none rather than zeros.
        const bool hasTest = learning::runHasTestFigures(run);
        const QString none = QStringLiteral("\u2013");
        const QStringList cells{
            QString::number(run.id),
            run.name,
            status,
            run.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
            learning::isZeroShotRun(config) ? QStringLiteral("-") // nothing trained
                                            : QStringLiteral("%1/%2").arg(epochs).arg(learning::plannedEpochs(config)),
            formatDuration(seconds),
            learning::networkLabel(config),
            QStringLiteral("%1 px").arg(config.value(QStringLiteral("image_size")).toInt()),
            hasTest ? score(test.value(QStringLiteral("accuracy")).toDouble()) : none,
            hasTest ? score(test.value(QStringLiteral("balanced_accuracy")).toDouble()) : none,
            hasTest ? score(test.value(QStringLiteral("macro_f1")).toDouble()) : none,
        };
        for (int c = 0; c < cells.size(); ++c)
            table_->setItem(r, c, item(cells[c], c == 0 ? QVariant(run.id) : QVariant()));
        for (int c = kFirstFigureColumn; c < cells.size(); ++c) {
            table_->item(r, c)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (!hasTest) table_->item(r, c)->setToolTip(tr("No test figures: the run is %1.").arg(status));
        }
        if (hasTest) {
            const learning::Metrics metrics = learning::Metrics::fromJson(test);
            QStringList notes;
            if (metrics.balancedAccuracyInterval) notes << learning::intervalText(*metrics.balancedAccuracyInterval);
            if (const QString thin = learning::thinClassesText(metrics); !thin.isEmpty()) notes << thin;
            QTableWidgetItem* balanced = table_->item(r, kBalancedAccuracyColumn);
            if (const QString chance = learning::chanceText(metrics); !chance.isEmpty()) {
                // Marked where the eye reads the figure: it is no result.
                notes.prepend(chance);
                balanced->setText(tr("%1 (\u2264 chance)").arg(balanced->text()));
                balanced->setForeground(QColor(176, 58, 0));
            }
            balanced->setToolTip(notes.join('\n'));
        }
        table_->item(r, NameColumn)->setToolTip(
            QStringLiteral("%1\n\n%2").arg(run.name, QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Indented))));
        if (status == QLatin1String("interrupted"))
            table_->item(r, StatusColumn)->setToolTip(tr("Recorded as running, but nothing trains it: the program that trained it "
                                                         "stopped without recording the end.%1")
                                                          .arg(TrainingController::canResumeRun(run) ? tr(" Resume continues it from its checkpoint.")
                                                                                                    : QString()));
        else if (status == QLatin1String("failed") && !run.error.isEmpty())
            table_->item(r, StatusColumn)->setToolTip(run.error);
    }
    fitNameColumn();
    updateButtons();
}

bool RunHistoryView::eventFilter(QObject* watched, QEvent* event)
{
    // The table's own width, once laid out (the view's may change while the table's does not).
    if (watched == table_->viewport() && event->type() == QEvent::Resize) fitNameColumn();
    return QWidget::eventFilter(watched, event);
}

void RunHistoryView::fitNameColumn()
{
    QHeaderView* header = table_->horizontalHeader();
    // Every column at its contents' width (the others' sizes may not be laid out yet), then the
    // name gets what the figures leave.
    header->resizeSections(QHeaderView::ResizeToContents);
    int others = 0;
    for (int c = 0; c < table_->columnCount(); ++c)
        if (c != NameColumn) others += header->sectionSize(c);
    const int wanted = header->sectionSize(NameColumn);
    const int available = table_->viewport()->width() - others;
    header->resizeSection(NameColumn, std::clamp(available, kMinNameWidth, std::max(kMinNameWidth, wanted)));
}

QVector<qint64> RunHistoryView::runIds() const
{
    QVector<qint64> ids;
    for (int r = 0; r < table_->rowCount(); ++r)
        ids << table_->item(r, 0)->data(Qt::UserRole).toLongLong();
    return ids;
}

QString RunHistoryView::statusText(qint64 runId) const
{
    const int row = static_cast<int>(runIds().indexOf(runId));
    return row < 0 ? QString() : table_->item(row, 2)->text();
}

QVector<qint64> RunHistoryView::selectedRunIds() const
{
    QVector<qint64> ids;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows())
        ids << table_->item(i.row(), 0)->data(Qt::UserRole).toLongLong();
    return ids;
}

void RunHistoryView::selectRuns(const QVector<qint64>& runIds)
{
    table_->clearSelection();
    const QVector<qint64> all = this->runIds();
    for (qint64 id : runIds) {
        const int row = static_cast<int>(all.indexOf(id));
        if (row >= 0)
            table_->selectionModel()->select(table_->model()->index(row, 0),
                                             QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

qint64 RunHistoryView::currentRun() const
{
    const auto ids = selectedRunIds();
    return ids.isEmpty() ? 0 : ids.first();
}

QString RunHistoryView::emptyText() const { return pages_->currentIndex() == 1 ? empty_->text() : QString(); }

void RunHistoryView::updateButtons()
{
    const auto ids = selectedRunIds();
    const bool one = ids.size() == 1;
    evaluate_->setEnabled(one);
    curves_->setEnabled(one);
    compare_->setEnabled(ids.size() == 2);
    const auto run = one && session_->isOpen() ? session_->catalogue().run(ids.first()) : std::nullopt;
    resume_->setEnabled(run && busyRun_ == 0 && TrainingController::canResumeRun(*run));
    delete_->setEnabled(one && ids.first() != busyRun_);
    exportModel_->setEnabled(one);
}

void RunHistoryView::compare(qint64 a, qint64 b)
{
    comparePlot_->clearGraphs();
    const QColor colours[2] = {QColor(30, 90, 200), QColor(220, 80, 30)};
    QStringList lines;
    RunData runs[2];
    int maxEpoch = 1;
    double maxLoss = 0;
    for (int k = 0; k < 2; ++k) {
        const qint64 id = k == 0 ? a : b;
        runs[k] = loadRunData(session_->catalogue(), id);
        auto* f1 = comparePlot_->addGraph(comparePlot_->xAxis, comparePlot_->yAxis);
        f1->setName(tr("#%1 macro-F1").arg(id));
        f1->setPen(QPen(colours[k], 2));
        auto* loss = comparePlot_->addGraph(comparePlot_->xAxis, comparePlot_->yAxis2);
        loss->setName(tr("#%1 loss").arg(id));
        loss->setPen(QPen(colours[k], 1, Qt::DashLine));
        // Marked per epoch: a one-pass run (class biases, linear head) has a single point, no line.
        f1->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
        loss->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        for (const EpochRecord& e : session_->catalogue().epochs(id)) {
            f1->addData(e.epoch, e.valMacroF1);
            loss->addData(e.epoch, e.valLoss);
            maxEpoch = std::max(maxEpoch, e.epoch);
            maxLoss = std::max(maxLoss, e.valLoss);
        }
    }
    // A run that recorded no epoch (zero-shot, or stopped before its first) draws no curve.
    legendForDrawnGraphs(comparePlot_);
    comparePlot_->setVisible(true);
    setEpochAxis(comparePlot_->xAxis, maxEpoch);
    comparePlot_->yAxis->setRange(0, 1.04);
    comparePlot_->yAxis2->setRange(0, maxLoss > 0 ? maxLoss * 1.1 : 1);
    comparePlot_->replot();

    auto delta = [](double x) { return QStringLiteral("%1%2").arg(x >= 0 ? QStringLiteral("+") : QString()).arg(x, 0, 'f', 3); };
    const auto& ta = runs[0].test;
    const auto& tb = runs[1].test;
    QString html = tr("<b>#%2 vs #%1</b> (test)<br>").arg(a).arg(b);
    if (runs[0].hasTest && runs[1].hasTest) {
        html += tr("accuracy %1 \u2192 %2 (%3)<br>").arg(score(ta.accuracy), score(tb.accuracy), delta(tb.accuracy - ta.accuracy));
        // Whether the change is more than the luck of which people were tested.
        const auto change = pairedBalancedAccuracyChange(
            runs[0], runs[1], session_->catalogue().identities(testImageIds(runs[0])));
        const auto alone = [](const learning::Metrics& m) {
            return m.balancedAccuracyInterval ? QStringLiteral("%1-%2").arg(score(m.balancedAccuracyInterval->low),
                                                                            score(m.balancedAccuracyInterval->high))
                                              : QStringLiteral("?");
        };
        const QString changeNote =
            !change ? (ta.balancedAccuracyInterval && tb.balancedAccuracyInterval
                           ? tr("; other test faces or labels, not compared face by face; 95% intervals %1 and %2")
                                 .arg(alone(ta), alone(tb))
                           : tr("; other test faces or labels, not compared face by face"))
            : change->low > 0 || change->high < 0
                ? tr("; %1: more than the luck of the test people").arg(changeInterval(*change))
                : tr("; %1: within the luck of the test people").arg(changeInterval(*change));
        html += tr("balanced accuracy %1 \u2192 %2 (%3%4)<br>")
                    .arg(score(ta.balancedAccuracy), score(tb.balancedAccuracy), delta(tb.balancedAccuracy - ta.balancedAccuracy),
                         changeNote);
        html += tr("macro-F1 %1 \u2192 %2 (%3)<br>").arg(score(ta.macroF1), score(tb.macroF1), delta(tb.macroF1 - ta.macroF1));
    } else {
        // An unfinished run has no figure to take a difference from: say what it is instead.
        for (const RunData& r : runs)
            if (!r.hasTest)
                html += tr("#%1 has no test figures to compare: it %2.<br>").arg(r.run.id).arg(withoutFigures(r, busyRun_));
        for (const RunData& r : runs)
            if (r.hasTest)
                html += tr("#%1: accuracy %2, balanced accuracy %3, macro-F1 %4<br>")
                            .arg(r.run.id)
                            .arg(score(r.test.accuracy), score(r.test.balancedAccuracy), score(r.test.macroF1));
    }
    // Settings that differ: what the comparison is about.
    QStringList diffs;
    for (auto it = runs[0].config.begin(); it != runs[0].config.end(); ++it)
        if (runs[1].config.value(it.key()) != it.value())
            diffs << QStringLiteral("%1: %2 \u2192 %3")
                         .arg(it.key(), it.value().toVariant().toString(),
                              runs[1].config.value(it.key()).toVariant().toString());
    if (!diffs.isEmpty())
        html += tr("<br>settings: %1").arg(diffs.join(QStringLiteral(", ")));
    compareLabel_->setText(html);
    compareLabel_->setWordWrap(true);
}

QString RunHistoryView::compareText() const { return compareLabel_->text(); }

void RunHistoryView::deleteRun(qint64 runId)
{
    if (runId == busyRun_)
        throw Error(QStringLiteral("run %1 is being trained; cancel it first").arg(runId));
    if (!session_->catalogue().run(runId))
        throw Error(QStringLiteral("catalogue: no training run %1").arg(runId));
    session_->catalogue().deleteRun(runId);
    refresh();
    Q_EMIT runsChanged();
}

void RunHistoryView::exportModel(qint64 runId, const QString& targetDir) const
{
    const auto run = session_->catalogue().run(runId);
    if (!run || run->modelPath.isEmpty() || !QFileInfo::exists(run->modelPath))
        throw Error(QStringLiteral("run %1 has no exported model on disk").arg(runId));
    const QDir source(run->modelPath);
    const QDir target(QDir(targetDir).filePath(QStringLiteral("run-%1-model").arg(runId)));
    if (!QDir().mkpath(target.path()))
        throw Error(QStringLiteral("%1: cannot create the folder").arg(target.path()));
    QDirIterator it(source.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString to = target.filePath(source.relativeFilePath(file));
        QDir().mkpath(QFileInfo(to).path());
        QFile::remove(to);
        if (!QFile::copy(file, to))
            throw Error(QStringLiteral("%1: cannot copy to %2").arg(file, to));
    }
}

} // namespace exemplar::ui
