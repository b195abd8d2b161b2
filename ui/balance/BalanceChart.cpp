#include "ui/balance/BalanceChart.h"

#include "core/util/Error.h"
#include "ui/curation/CurationSession.h"

#include <QLabel>
#include <QVBoxLayout>
#include "ui/balance/QCustomPlotInclude.h"

namespace exemplar::ui {

BalanceChart::BalanceChart(CurationSession* session, QWidget* parent)
    : QWidget(parent), session_(session), plot_(new QCustomPlot)
{
    setObjectName(QStringLiteral("balanceChart"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 6);
    caption_ = new QLabel;
    caption_->setTextFormat(Qt::RichText);
    // Wrapping lets a narrow window shrink the caption instead of the caption widening the window.
    caption_->setWordWrap(true);
    layout->addWidget(caption_);
    layout->addWidget(plot_, 1);
    plot_->setMinimumHeight(120);
    plot_->setBackground(palette().color(QPalette::Base));

    auto makeBars = [this](const QString& name, const QColor& colour) {
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(name);
        bars->setWidth(0.65);
        bars->setPen(QPen(colour.darker(125)));
        bars->setBrush(colour);
        bars->setSelectable(QCP::stNone);
        return bars;
    };
    imported_ = makeBars(tr("imported"), QColor(0x9c, 0xb4, 0xcc));
    curator_ = makeBars(tr("curator"), QColor(0xf2, 0x8e, 0x2b));
    model_ = makeBars(tr("model"), QColor(0xba, 0xb0, 0xac));
    // Stacked on top: without a pen, a zero-height part draws nothing instead of a stray line.
    curator_->setPen(Qt::NoPen);
    model_->setPen(Qt::NoPen);
    curator_->moveAbove(imported_);
    model_->moveAbove(curator_);

    // The legend sits in its own row above the bars so that it never hides a tall bar.
    plot_->legend->setVisible(true);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setBrush(Qt::NoBrush);
    plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, plot_->legend);
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);
    plot_->legend->setMargins(QMargins(0, 0, 0, 0));
    plot_->yAxis->setLabel(tr("faces"));
    // Rotated anticlockwise, a label ends at its tick and reaches left, into the axis rect's own
    // width: clockwise, the last class ("surprise") ran past the right edge and was cut.
    plot_->xAxis->setTickLabelRotation(-30);
    plot_->xAxis->grid()->setVisible(false);
    plot_->xAxis->setSubTicks(false);
    plot_->xAxis->setTickLength(0, 3);
    plot_->yAxis->grid()->setPen(QPen(QColor(0, 0, 0, 30), 1, Qt::DotLine));
    plot_->setInteractions(QCP::Interactions()); // clicks only: no drag/zoom to get lost in
    connect(plot_, &QCustomPlot::plottableClick, this, &BalanceChart::onPlottableClick);

    connect(session_, &CurationSession::opened, this, &BalanceChart::refresh);
    connect(session_, &CurationSession::activeTaskChanged, this, &BalanceChart::refresh);
    connect(session_, &CurationSession::tasksChanged, this, &BalanceChart::refresh);
    connect(session_, &CurationSession::labelsChanged, this, &BalanceChart::refresh);
    refresh();
}

void BalanceChart::refresh()
{
    classIds_.clear();
    QVector<double> keys, imported, curator, model;
    QVector<QString> names;
    const auto task = session_->activeTask();
    int labelled = 0, exemplars = 0;
    if (task && session_->isOpen()) {
        try {
            for (const ClassCount& c : session_->catalogue().classCounts(task->id)) {
                if (c.retired && c.total() == 0)
                    continue; // a retired, empty class is noise
                keys << classIds_.size() + 1;
                classIds_ << c.classId;
                names << (c.retired ? c.className + tr(" (retired)") : c.className);
                imported << c.imported;
                curator << c.curator;
                model << c.model;
                labelled += c.total();
                exemplars += c.exemplars;
            }
        } catch (const Error& e) {
            caption_->setText(e.message());
        }
    }
    imported_->setData(keys, imported, true);
    curator_->setData(keys, curator, true);
    model_->setData(keys, model, true);
    model_->removeFromLegend();
    if (std::any_of(model.begin(), model.end(), [](double v) { return v > 0; }))
        model_->addToLegend();

    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(keys, names);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(0.4, std::max<double>(1, keys.size()) + 0.6);
    double top = 1;
    for (int i = 0; i < keys.size(); ++i)
        top = std::max(top, imported[i] + curator[i] + model[i]);
    // The class colour band lives below zero, so it never hides a short bar.
    const double band = top * 0.06;
    plot_->yAxis->setRange(-band, top * 1.12);
    for (QCPItemRect* item : std::as_const(bands_))
        plot_->removeItem(item);
    bands_.clear();
    for (int i = 0; i < keys.size(); ++i) {
        auto* rect = new QCPItemRect(plot_);
        rect->topLeft->setCoords(keys[i] - 0.325, -band * 0.15);
        rect->bottomRight->setCoords(keys[i] + 0.325, -band);
        rect->setPen(Qt::NoPen);
        rect->setBrush(session_->classColour(classIds_[i]));
        rect->setSelectable(false);
        bands_.push_back(rect);
    }

    if (task) {
        const int images = session_->isOpen() ? session_->catalogue().imageCount() : 0;
        caption_->setText(tr("<b>Class balance</b> · %1 · %2 labelled, %3 unlabelled, %4 exemplars")
                              .arg(task->name.toHtmlEscaped())
                              .arg(labelled)
                              .arg(std::max(0, images - labelled))
                              .arg(exemplars));
    } else {
        caption_->setText(tr("<b>Class balance</b> · no task yet (Tasks → Edit tasks…)"));
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

double BalanceChart::barValue(int bar, Provenance part) const
{
    const QCPBars* bars = part == Provenance::Imported ? imported_ : part == Provenance::Curator ? curator_ : model_;
    if (bar < 0 || bar >= bars->data()->size())
        return 0;
    return (bars->data()->constBegin() + bar)->value;
}

QColor BalanceChart::barColour(int bar) const
{
    return bar >= 0 && bar < bands_.size() ? bands_[bar]->brush().color() : QColor();
}

QPoint BalanceChart::barCentre(int bar) const
{
    const double key = bar + 1;
    const double height = barValue(bar, Provenance::Imported) + barValue(bar, Provenance::Curator)
                          + barValue(bar, Provenance::Model);
    return {int(plot_->xAxis->coordToPixel(key)), int(plot_->yAxis->coordToPixel(height / 2))};
}

void BalanceChart::onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent*)
{
    if (!qobject_cast<QCPBars*>(plottable) || dataIndex < 0 || dataIndex >= classIds_.size())
        return;
    Q_EMIT classClicked(classIds_[dataIndex]);
}

} // namespace exemplar::ui
