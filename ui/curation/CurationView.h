#pragma once
// The curation view: filters | thumbnail gallery | preview over class balance, in splitters, plus
// the keyboard labelling that ties them together (digits, E, undo/redo through the session).
#include <QWidget>
#include <functional>

class QLabel;
class QSplitter;
class QWidget;

namespace exemplar::ui {

class BalanceChart;
class CurationSession;
class FilterPanel;
class GalleryModel;
class GalleryView;
class PreviewPanel;
class StudioSettings;

class CurationView : public QWidget {
    Q_OBJECT
public:
    CurationView(CurationSession* session, StudioSettings* settings, QWidget* parent = nullptr);

    GalleryView* gallery() const { return gallery_; }
    GalleryModel* model() const { return model_; }
    FilterPanel* filters() const { return filters_; }
    PreviewPanel* preview() const { return preview_; }
    BalanceChart* balance() const { return balance_; }

    // Image ids the next labelling key applies to (selection, else the current face).
    QVector<qint64> targetImageIds() const;
    // The labelling actions behind the keys (also used by menus).
    void assignDigit(int digit);
    void toggleExemplar();
    void applyFilters(); // re-runs the query, keeping the current face when it still matches
    // Moves to the next (or previous) shown face after the current one that has no class for the
    // active task, or the digit-th assignable class; wraps around, scrolls it into view. Returns
    // false (and says so in the status bar) when no shown face qualifies.
    bool goToNextUnlabelled(bool backwards = false);
    bool goToNextOfClass(int digit, bool backwards = false);

    // Shows exactly these faces, in this order, under a chip "caption (n) [x]"; the chip's close
    // button (or any filter change) returns to the filtered gallery.
    void showImageList(const QVector<qint64>& imageIds, const QString& caption);
    void leaveImageList();
    QWidget* imageListChip() const { return chip_; }
    QString imageListChipText() const;

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray& state);

Q_SIGNALS:
    void statusChanged(); // counts or selection changed: the status bar should refresh

private:
    void onCurrentChanged();
    bool goToNext(const std::function<bool(qint64 imageId)>& matches, bool backwards, const QString& noneMessage);

    CurationSession* session_;
    StudioSettings* settings_;
    FilterPanel* filters_;
    GalleryModel* model_;
    GalleryView* gallery_;
    PreviewPanel* preview_;
    BalanceChart* balance_;
    QSplitter* outer_;
    QSplitter* right_;
    QWidget* chip_;
    QLabel* chipLabel_;
};

} // namespace exemplar::ui
