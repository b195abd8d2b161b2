#include "ui/preview/PreviewPanel.h"

#include "core/util/Error.h"
#include "ui/ClassColors.h"
#include "ui/curation/CurationSession.h"

#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace exemplar::ui {

namespace {

constexpr int kMaxPreviewSide = 1024; // larger files are decoded scaled down: the panel is never bigger

QImage readScaled(const QString& path)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && std::max(size.width(), size.height()) > kMaxPreviewSide)
        reader.setScaledSize(size.scaled(kMaxPreviewSide, kMaxPreviewSide, Qt::KeepAspectRatio));
    return reader.read();
}

} // namespace

PreviewPanel::PreviewPanel(CurationSession* session, QWidget* parent) : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("preview"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* split = new QSplitter(Qt::Vertical);
    layout->addWidget(split);

    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    picture_ = new QLabel;
    picture_->setAlignment(Qt::AlignCenter);
    picture_->setMinimumSize(120, 120);
    picture_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    picture_->setStyleSheet(QStringLiteral("QLabel { background: palette(dark); border-radius: 4px; }"));
    title_ = new QLabel;
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    title_->setWordWrap(true);
    labels_ = new QLabel;
    labels_->setWordWrap(true);
    labels_->setTextFormat(Qt::RichText);
    topLayout->addWidget(picture_, 1);
    topLayout->addWidget(title_);
    topLayout->addWidget(labels_);
    split->addWidget(top);

    auto* tabs = new QTabWidget;
    attributes_ = new QTableWidget(0, 2);
    attributes_->setHorizontalHeaderLabels({tr("Attribute"), tr("Value")});
    attributes_->horizontalHeader()->setStretchLastSection(true);
    attributes_->verticalHeader()->hide();
    attributes_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    attributes_->setSelectionMode(QAbstractItemView::NoSelection);
    history_ = new QTreeWidget;
    history_->setHeaderLabels({tr("When"), tr("Change"), tr("Who")});
    history_->setRootIsDecorated(false);
    history_->header()->setStretchLastSection(false);
    history_->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    tabs->addTab(attributes_, tr("Attributes"));
    tabs->addTab(history_, tr("Label history"));
    split->addWidget(tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({380, 150});

    connect(&loading_, &QFutureWatcher<QImage>::finished, this, [this] {
        const QImage img = loading_.result();
        if (!img.isNull()) {
            image_ = img;
            updatePixmap();
        }
    });
    connect(session_, &CurationSession::labelsChanged, this, [this](const QVector<qint64>& ids) {
        if (imageId_ && (ids.isEmpty() || ids.contains(imageId_)))
            refreshText();
    });
    connect(session_, &CurationSession::tasksChanged, this, &PreviewPanel::refreshText);
    connect(session_, &CurationSession::opened, this, [this] { showImage(0); });
    showImage(0);
}

PreviewPanel::~PreviewPanel() { loading_.waitForFinished(); }

void PreviewPanel::showImage(qint64 imageId)
{
    imageId_ = imageId;
    image_ = QImage();
    if (imageId_ && session_->isOpen()) {
        try {
            image_.loadFromData(session_->catalogue().thumbnail(imageId_), "JPG");
            if (const auto rec = session_->catalogue().image(imageId_)) {
                const QString path = rec->absolutePath;
                loading_.setFuture(QtConcurrent::run(readScaled, path));
            }
        } catch (const Error&) {
        }
    }
    updatePixmap();
    refreshText();
}

void PreviewPanel::updatePixmap()
{
    if (image_.isNull()) {
        picture_->setPixmap({});
        picture_->setText(imageId_ ? tr("No image") : tr("Select a face"));
        return;
    }
    const QSize box = picture_->size() - QSize(8, 8);
    picture_->setPixmap(QPixmap::fromImage(image_.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void PreviewPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updatePixmap();
}

void PreviewPanel::refreshText()
{
    attributes_->setRowCount(0);
    history_->clear();
    if (!imageId_ || !session_->isOpen()) {
        title_->clear();
        labels_->clear();
        return;
    }
    Catalogue& cat = session_->catalogue();
    try {
        const auto rec = cat.image(imageId_);
        if (!rec)
            return;
        QString title = QStringLiteral("<b>%1</b><br>%2 × %3 px · %4")
                            .arg(rec->relativePath.toHtmlEscaped())
                            .arg(rec->width)
                            .arg(rec->height)
                            .arg(QLocale().formattedDataSize(rec->fileSize));
        if (!rec->identity.isEmpty())
            title += QStringLiteral(" · %1").arg(rec->identity.toHtmlEscaped());
        title_->setText(title);

        QStringList lines;
        for (const TaskInfo& task : session_->tasks()) {
            const auto l = session_->label(imageId_, task.id);
            QString value = tr("<i>unlabelled</i>");
            if (l) {
                value.clear();
                if (l->classId) {
                    const QColor c = classColor(session_->classPosition(task.id, *l->classId));
                    value = QStringLiteral("<span style='background:%1;color:%2'>&nbsp;%3&nbsp;</span>")
                                .arg(c.name(), textColorOn(c).name(), session_->className(task.id, *l->classId).toHtmlEscaped());
                }
                if (l->exemplar)
                    value += QStringLiteral(" ★ exemplar");
                value += QStringLiteral(" <small>(%1)</small>").arg(provenanceName(l->provenance));
            }
            lines << QStringLiteral("%1: %2").arg(task.name.toHtmlEscaped(), value);
        }
        labels_->setText(lines.join(QStringLiteral("<br>")));

        const QVector<AttributeValue> attrs = cat.attributes(imageId_);
        attributes_->setRowCount(static_cast<int>(attrs.size()));
        for (int i = 0; i < attrs.size(); ++i) {
            attributes_->setItem(i, 0, new QTableWidgetItem(attrs[i].name));
            attributes_->setItem(i, 1, new QTableWidgetItem(attrs[i].value.toString()));
            attributes_->item(i, 1)->setToolTip(attrs[i].source);
        }
        attributes_->resizeColumnToContents(0);

        const QVector<LabelHistoryEntry> history = cat.labelHistory(imageId_);
        for (auto it = history.rbegin(); it != history.rend(); ++it) { // newest first
            auto name = [&](std::optional<qint64> cls) {
                return cls ? session_->className(it->taskId, *cls) : QStringLiteral("—");
            };
            QString change = QStringLiteral("%1 → %2").arg(name(it->oldClassId), name(it->newClassId));
            if (it->oldExemplar != it->newExemplar)
                change += it->newExemplar ? QStringLiteral(" ★") : QStringLiteral(" ☆");
            const auto task = session_->catalogue().task(it->taskId);
            if (task)
                change = task->name + QStringLiteral(": ") + change;
            if (it->state == ChangeState::Undone)
                change += tr(" (undone)");
            auto* item = new QTreeWidgetItem({QLocale().toString(it->at.toLocalTime(), QLocale::ShortFormat), change, it->author});
            item->setToolTip(1, it->description);
            if (it->state != ChangeState::Applied)
                for (int c = 0; c < 3; ++c)
                    item->setForeground(c, palette().color(QPalette::PlaceholderText));
            history_->addTopLevelItem(item);
        }
        history_->resizeColumnToContents(0);
    } catch (const Error& e) {
        title_->setText(e.message());
    }
}

int PreviewPanel::historyRows() const { return history_->topLevelItemCount(); }

QString PreviewPanel::labelsText() const { return labels_->text(); }

} // namespace exemplar::ui
