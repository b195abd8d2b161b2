#include "ui/training/TryItPanel.h"

#include "core/learning/ExportedModel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace exemplar::ui {

TryItPanel::TryItPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("tryItPanel"));
    setAcceptDrops(true);
    auto* title = new QLabel(tr("<b>Try it</b>"));
    hint_ = new QLabel(tr("Drop an image here or pick one."));
    hint_->setWordWrap(true);
    pick_ = new QPushButton(tr("Pick image..."));
    image_ = new QLabel;
    image_->setFixedSize(96, 96);
    image_->setAlignment(Qt::AlignCenter);
    image_->setStyleSheet(QStringLiteral("border: 1px dashed #999;"));
    bars_ = new QWidget;
    barsLayout_ = new QVBoxLayout(bars_);
    barsLayout_->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    row->addWidget(image_);
    row->addWidget(bars_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(hint_);
    layout->addWidget(pick_);
    layout->addLayout(row);
    layout->addStretch(1);
    connect(pick_, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Image to classify"), {},
                                                       tr("Images (*.jpg *.jpeg *.png *.bmp *.tif *.tiff)"));
        if (!f.isEmpty())
            classify(f);
    });
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &TryItPanel::showOutcome);
    setModelDir({});
}

TryItPanel::~TryItPanel() { watcher_.waitForFinished(); }

void TryItPanel::setModelDir(const QString& dir)
{
    if (dir != modelDir_)
        model_.reset();
    modelDir_ = dir;
    const bool usable = !dir.isEmpty() && QFileInfo::exists(dir);
    pick_->setEnabled(usable);
    setAcceptDrops(usable);
    hint_->setText(usable ? tr("Drop an image here or pick one.") : tr("This run has no exported model."));
}

void TryItPanel::classify(const QString& imagePath)
{
    if (modelDir_.isEmpty() || watcher_.isRunning())
        return;
    QImageReader reader(imagePath);
    reader.setAutoTransform(true);
    const QImage img = reader.read();
    image_->setPixmap(img.isNull() ? QPixmap() : QPixmap::fromImage(img.scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    hint_->setText(QFileInfo(imagePath).fileName());
    auto model = model_;
    const QString dir = modelDir_;
    watcher_.setFuture(QtConcurrent::run([model, dir, imagePath]() mutable {
        Outcome out;
        try {
            if (!model)
                model = std::make_shared<learning::ExportedModel>(learning::ExportedModel::load(dir));
            out.model = model;
            std::vector<Issue> issues;
            const auto predictions = model->predictFiles({imagePath}, &issues);
            if (predictions.empty()) {
                out.error = issues.empty() ? QObject::tr("%1: not classified").arg(imagePath) : issues.front().problem;
                return out;
            }
            out.classes = model->classes();
            out.probabilities = QVector<float>(predictions.front().probabilities.begin(),
                                               predictions.front().probabilities.end());
        } catch (const Error& e) {
            out.error = e.message();
        }
        return out;
    }));
}

void TryItPanel::showOutcome()
{
    const Outcome out = watcher_.result();
    if (out.model)
        model_ = out.model;
    classes_ = out.classes;
    probabilities_ = out.probabilities;
    error_ = out.error;
    while (QLayoutItem* item = barsLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (!error_.isEmpty()) {
        auto* label = new QLabel(error_);
        label->setWordWrap(true);
        barsLayout_->addWidget(label);
    }
    for (int i = 0; i < classes_.size() && i < probabilities_.size(); ++i) {
        auto* bar = new QProgressBar;
        bar->setRange(0, 1000);
        bar->setValue(qRound(1000 * probabilities_[i]));
        bar->setFormat(QStringLiteral("%1  %2%").arg(classes_[i]).arg(100.0 * probabilities_[i], 0, 'f', 1));
        barsLayout_->addWidget(bar);
    }
    Q_EMIT classified();
}

void TryItPanel::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && !modelDir_.isEmpty())
        event->acceptProposedAction();
}

void TryItPanel::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        classify(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

} // namespace exemplar::ui
