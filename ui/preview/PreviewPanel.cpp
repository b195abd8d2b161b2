#include "ui/preview/PreviewPanel.h"

#include "core/catalogue/FaceStore.h"
#include "core/util/Error.h"
#include "ui/ClassColors.h"
#include "ui/curation/CurationSession.h"
#include "ui/preview/FaceImageView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QToolButton>
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
    picture_ = new FaceImageView;
    auto* faceRow = new QHBoxLayout;
    faceRow->setContentsMargins(0, 0, 0, 0);
    crop_ = new QCheckBox(tr("Show the face only"));
    crop_->setObjectName(QStringLiteral("faceCrop"));
    crop_->setToolTip(tr("Show only the chosen face, framed as training sees it"));
    faceStatus_ = new QLabel;
    faceStatus_->setObjectName(QStringLiteral("faceStatus"));
    removeDrawn_ = new QToolButton;
    removeDrawn_->setText(tr("Remove drawn box"));
    removeDrawn_->setObjectName(QStringLiteral("removeDrawnBox"));
    faceRow->addWidget(crop_);
    faceRow->addWidget(faceStatus_, 1);
    faceRow->addWidget(removeDrawn_);
    title_ = new QLabel;
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    title_->setWordWrap(true);
    labels_ = new QLabel;
    labels_->setWordWrap(true);
    labels_->setTextFormat(Qt::RichText);
    topLayout->addWidget(picture_, 1);
    topLayout->addLayout(faceRow);
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
    connect(crop_, &QCheckBox::toggled, picture_, &FaceImageView::setCropped);
    // Face edits are single small writes on the GUI thread's catalogue connection, like labels.
    auto editFaces = [this](auto&& write) {
        if (!imageId_ || !session_->isOpen()) return;
        try {
            FaceStore store(session_->catalogue());
            write(store);
        } catch (const Error& e) {
            faceStatus_->setText(e.message());
            return;
        }
        refreshFaces();
    };
    connect(picture_, &FaceImageView::boxClicked, this,
            [this, editFaces](qint64 boxId) { editFaces([&](FaceStore& s) { s.chooseBox(imageId_, boxId); }); });
    connect(picture_, &FaceImageView::boxDrawn, this,
            [this, editFaces](const QRect& r) { editFaces([&](FaceStore& s) { s.setCuratorBox(imageId_, r); }); });
    connect(removeDrawn_, &QToolButton::clicked, this,
            [this, editFaces] { editFaces([&](FaceStore& s) { s.removeCuratorBox(imageId_); }); });
    connect(session_, &CurationSession::opened, this, [this] { showImage(0); });
    showImage(0);
}

PreviewPanel::~PreviewPanel() { loading_.waitForFinished(); }

void PreviewPanel::showImage(qint64 imageId)
{
    imageId_ = imageId;
    image_ = QImage();
    fullSize_ = QSize();
    if (imageId_ && session_->isOpen()) {
        try {
            image_.loadFromData(session_->catalogue().thumbnail(imageId_), "JPG");
            if (const auto rec = session_->catalogue().image(imageId_)) {
                fullSize_ = QSize(rec->width, rec->height);
                const QString path = rec->absolutePath;
                loading_.setFuture(QtConcurrent::run(readScaled, path));
            }
        } catch (const Error&) {
        }
    }
    updatePixmap();
    refreshText();
    refreshFaces();
}

void PreviewPanel::updatePixmap()
{
    picture_->setPlaceholder(imageId_ ? tr("No image") : tr("Select a face"));
    picture_->setImage(image_, fullSize_);
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
                    const QColor c = session_->classColour(*l->classId);
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

void PreviewPanel::refreshFaces()
{
    QVector<FaceBox> boxes;
    QString status;
    if (imageId_ && session_->isOpen()) {
        try {
            const FaceStore store(session_->catalogue());
            boxes = store.boxes(imageId_);
            const auto check = store.check(imageId_);
            const QString s = check ? check->status : QString();
            if (!check) status = tr("Faces not checked (exemplar-cli detect-faces)");
            else if (s == QLatin1String("tight_crop")) status = tr("Already a face crop");
            else if (s == QLatin1String("found")) status = check->detector == QLatin1String("curator") ? tr("Face drawn by hand") : tr("1 face");
            else if (s == QLatin1String("several")) status = tr("%1 faces: click one to choose it").arg(boxes.size());
            else if (s == QLatin1String("none")) status = tr("⚠ No face found: drag to draw one");
            else status = tr("⚠ Face detection failed");
        } catch (const Error& e) {
            status = e.message();
        }
    }
    picture_->setBoxes(boxes);
    faceStatus_->setText(status);
    removeDrawn_->setVisible(std::any_of(boxes.begin(), boxes.end(), [](const FaceBox& b) { return b.curator; }));
    crop_->setEnabled(std::any_of(boxes.begin(), boxes.end(), [](const FaceBox& b) { return b.chosen; }));
}

QString PreviewPanel::faceStatusText() const { return faceStatus_->text(); }

void PreviewPanel::setFaceCropped(bool cropped) { crop_->setChecked(cropped); }

int PreviewPanel::historyRows() const { return history_->topLevelItemCount(); }

QString PreviewPanel::labelsText() const { return labels_->text(); }

} // namespace exemplar::ui
