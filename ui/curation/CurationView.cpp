#include "ui/curation/CurationView.h"

#include "core/util/Error.h"
#include "ui/StudioSettings.h"
#include "ui/balance/BalanceChart.h"
#include "ui/curation/CurationSession.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "ui/preview/PreviewPanel.h"

#include <QDataStream>
#include <QIODevice>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>
#include <QScrollArea>
#include <QSplitter>

namespace exemplar::ui {

CurationView::CurationView(CurationSession* session, StudioSettings* settings, QWidget* parent)
    : QWidget(parent), session_(session), settings_(settings)
{
    setObjectName(QStringLiteral("curationView"));
    model_ = new GalleryModel(session_, this);
    filters_ = new FilterPanel(session_);
    gallery_ = new GalleryView;
    gallery_->setModel(model_);
    gallery_->setTileSize(settings_->thumbnailSize());
    preview_ = new PreviewPanel(session_);
    balance_ = new BalanceChart(session_);

    auto* filterScroll = new QScrollArea;
    filterScroll->setWidget(filters_);
    filterScroll->setWidgetResizable(true);
    filterScroll->setFrameShape(QFrame::NoFrame);
    filterScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    filterScroll->setMinimumWidth(200);

    right_ = new QSplitter(Qt::Vertical);
    right_->addWidget(preview_);
    right_->addWidget(balance_);
    right_->setStretchFactor(0, 3);
    right_->setStretchFactor(1, 2);
    right_->setSizes({560, 300});

    chip_ = new QWidget;
    chip_->setObjectName(QStringLiteral("imageListChip"));
    chip_->setStyleSheet(QStringLiteral("#imageListChip { background: #dbeafe; border-radius: 10px; }"));
    chipLabel_ = new QLabel;
    auto* chipClose = new QToolButton;
    chipClose->setObjectName(QStringLiteral("imageListChipClose"));
    chipClose->setText(QStringLiteral("\u2715"));
    chipClose->setAutoRaise(true);
    chipClose->setToolTip(tr("Back to the filtered gallery"));
    auto* chipLayout = new QHBoxLayout(chip_);
    chipLayout->setContentsMargins(10, 2, 4, 2);
    chipLayout->addWidget(chipLabel_, 1);
    chipLayout->addWidget(chipClose);
    chip_->hide();
    connect(chipClose, &QToolButton::clicked, this, &CurationView::leaveImageList);
    auto* galleryBox = new QWidget;
    auto* galleryLayout = new QVBoxLayout(galleryBox);
    galleryLayout->setContentsMargins(0, 0, 0, 0);
    galleryLayout->setSpacing(2);
    galleryLayout->addWidget(chip_);
    galleryLayout->addWidget(gallery_, 1);

    outer_ = new QSplitter(Qt::Horizontal);
    outer_->addWidget(filterScroll);
    outer_->addWidget(galleryBox);
    outer_->addWidget(right_);
    outer_->setStretchFactor(0, 0);
    outer_->setStretchFactor(1, 1);
    outer_->setStretchFactor(2, 0);
    outer_->setSizes({220, 760, 460});
    outer_->setChildrenCollapsible(false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(outer_);

    connect(filters_, &FilterPanel::queryChanged, this, &CurationView::applyFilters);
    // No query on `opened`: the session announces the active task right after, and the filter
    // panel turns that into one queryChanged.
    connect(balance_, &BalanceChart::classClicked, this, [this](qint64 classId) { filters_->setClassFilter(classId); });
    connect(gallery_, &GalleryView::digitPressed, this, &CurationView::assignDigit);
    connect(gallery_, &GalleryView::exemplarKeyPressed, this, &CurationView::toggleExemplar);
    connect(gallery_, &GalleryView::nextUnlabelledRequested, this, &CurationView::goToNextUnlabelled);
    connect(gallery_, &GalleryView::nextOfClassRequested, this, &CurationView::goToNextOfClass);
    connect(gallery_, &GalleryView::tileSizeChanged, this, [this](int side) { settings_->setThumbnailSize(side); });
    connect(gallery_->selectionModel(), &QItemSelectionModel::currentChanged, this, &CurationView::onCurrentChanged);
    connect(gallery_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CurationView::statusChanged);
    connect(gallery_, &QAbstractItemView::doubleClicked, this, [this] { preview_->setFocus(); });
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        // The view replaced its selection model state; re-connect is not needed, but the
        // preview must follow the (now reset) current face.
        onCurrentChanged();
    });
    if (session_->isOpen())
        applyFilters();
}

QVector<qint64> CurationView::targetImageIds() const
{
    QVector<qint64> ids;
    for (int row : gallery_->targetRows())
        ids.push_back(model_->imageIdAt(row));
    return ids;
}

void CurationView::assignDigit(int digit)
{
    const QVector<int> rows = gallery_->targetRows();
    const QVector<qint64> ids = targetImageIds();
    if (ids.isEmpty())
        return;
    try {
        if (!session_->assignClassByDigit(ids, digit))
            return;
    } catch (const Error& e) {
        Q_EMIT session_->message(e.message());
        return;
    }
    // One face at a time: move on so the curator can keep typing digits.
    if (rows.size() == 1 && settings_->advanceAfterLabel())
        gallery_->selectRow(std::min(rows.first() + 1, model_->rowCount() - 1));
    Q_EMIT statusChanged();
}

void CurationView::toggleExemplar()
{
    try {
        session_->toggleExemplar(targetImageIds());
    } catch (const Error& e) {
        Q_EMIT session_->message(e.message());
    }
}

bool CurationView::goToNextUnlabelled(bool backwards)
{
    const auto task = session_->activeTask();
    if (!task)
        return false;
    return goToNext(
        [&](qint64 id) {
            const auto l = session_->label(id, task->id);
            return !l || !l->classId;
        },
        backwards, tr("No unlabelled face among the %n shown", nullptr, model_->rowCount()));
}

bool CurationView::goToNextOfClass(int digit, bool backwards)
{
    const auto task = session_->activeTask();
    const QVector<ClassInfo> classes = session_->assignableClasses();
    if (!task || digit < 1 || digit > classes.size())
        return false;
    const ClassInfo cls = classes[digit - 1];
    return goToNext(
        [&](qint64 id) {
            const auto l = session_->label(id, task->id);
            return l && l->classId == cls.id;
        },
        backwards, tr("No face of %1 among the %n shown", nullptr, model_->rowCount()).arg(cls.name));
}

bool CurationView::goToNext(const std::function<bool(qint64)>& matches, bool backwards, const QString& noneMessage)
{
    const int n = model_->rowCount();
    const QModelIndex current = gallery_->currentIndex();
    // Without a current face, the search starts before the first (or after the last) row.
    const int from = current.isValid() ? current.row() : (backwards ? n : -1);
    const int step = backwards ? -1 : 1;
    for (int k = 1; k <= n && n > 0; ++k) {
        const int row = ((from + step * k) % n + n) % n;
        if (row == from)
            break; // back where we started: the current face does not count as "next"
        if (matches(model_->imageIdAt(row))) {
            gallery_->selectRow(row);
            return true;
        }
    }
    Q_EMIT session_->message(noneMessage);
    return false;
}

void CurationView::applyFilters()
{
    const qint64 keep = gallery_->currentIndex().isValid() ? model_->imageIdAt(gallery_->currentIndex().row()) : 0;
    chip_->hide();
    model_->setQuery(filters_->query());
    const int row = keep ? model_->rowOf(keep) : -1;
    if (row >= 0)
        gallery_->selectRow(row);
    else if (model_->rowCount() > 0)
        gallery_->selectionModel()->setCurrentIndex(model_->index(0, 0), QItemSelectionModel::NoUpdate);
    onCurrentChanged();
    Q_EMIT statusChanged();
}

void CurationView::showImageList(const QVector<qint64>& imageIds, const QString& caption)
{
    model_->showImageList(imageIds, caption);
    chipLabel_->setText(QStringLiteral("%1 (%2)").arg(caption).arg(model_->rowCount()));
    chip_->show();
    if (model_->rowCount() > 0)
        gallery_->selectRow(0);
    onCurrentChanged();
    Q_EMIT statusChanged();
}

void CurationView::leaveImageList() { applyFilters(); }

QString CurationView::imageListChipText() const { return model_->showsImageList() ? chipLabel_->text() : QString(); }

void CurationView::onCurrentChanged()
{
    const QModelIndex current = gallery_->currentIndex();
    const qint64 id = current.isValid() ? model_->imageIdAt(current.row()) : 0;
    if (id != preview_->imageId())
        preview_->showImage(id);
    Q_EMIT statusChanged();
}

QByteArray CurationView::saveLayout() const
{
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    s << outer_->saveState() << right_->saveState();
    return out;
}

void CurationView::restoreLayout(const QByteArray& state)
{
    QDataStream s(state);
    QByteArray a, b;
    s >> a >> b;
    if (s.status() == QDataStream::Ok) {
        outer_->restoreState(a);
        right_->restoreState(b);
    }
}

} // namespace exemplar::ui
