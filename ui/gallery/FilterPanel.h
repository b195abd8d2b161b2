#pragma once
// The gallery's filter and sort controls. It turns its widgets into an ImageQuery for the active
// task and announces every change (the search field after a short typing pause). The search field
// speaks the language of core/catalogue/GallerySearch.h; a query it cannot use is explained under
// the field and leaves the gallery as it was.
#include "core/catalogue/Types.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace exemplar::ui {

class CurationSession;

class FilterPanel : public QWidget {
    Q_OBJECT
public:
    explicit FilterPanel(CurationSession* session, QWidget* parent = nullptr);

    ImageQuery query() const;

    // Special entries of the class filter.
    static constexpr qint64 AnyClass = -1;
    static constexpr qint64 Unlabelled = -2;
    void setClassFilter(qint64 classIdOrSpecial);
    qint64 classFilter() const;
    void setExemplarsOnly(bool on);
    void setProvenance(std::optional<Provenance> p);
    // Face detection filter: "" (any), "none" (no face found or unreadable), "several", "found"
    // (a face found in a larger photo), "tight_crop", "unchecked".
    void setFaceFilter(const QString& key);
    // The search field's text (words, class:…, age>40, …), applied at once (no typing delay).
    // Returns false when the text has errors (shown under the field; the gallery is unchanged).
    bool setSearchText(const QString& text);
    void setFileNameFilter(const QString& text) { setSearchText(text); }
    QString searchErrors() const; // empty when the search text is valid
    void setAttributeRange(const QString& name, std::optional<double> min, std::optional<double> max);
    void setSort(ImageQuery::Sort sort, const QString& attribute = {}, bool descending = false);
    void reset();
    void focusSearch();

Q_SIGNALS:
    void queryChanged();

private:
    void rebuildTaskDependent();
    void rebuildAttributes();
    void emitChanged();
    // Reads the search text against the current tasks and attributes; true when it is usable.
    // While typing, an unusable text keeps the last valid conditions; after the catalogue, the
    // tasks or the active task changed they are dropped, as they may no longer mean anything.
    enum class SearchUse { Typing, AfterContextChange };
    bool interpretSearch(SearchUse use = SearchUse::Typing);

    CurationSession* session_;
    QComboBox* classCombo_;
    QCheckBox* exemplarsOnly_;
    QComboBox* provenanceCombo_;
    QComboBox* faceCombo_;
    QLineEdit* search_;
    QLabel* searchError_;
    QVector<SearchCondition> searchConditions_; // of the last valid search text
    QStringList attributeNames_;
    QComboBox* attributeCombo_;
    QDoubleSpinBox* minSpin_;
    QDoubleSpinBox* maxSpin_;
    QComboBox* sortCombo_;
    QCheckBox* descending_;
    QTimer searchDelay_;
    bool quiet_ = false; // suppresses queryChanged while widgets are being rebuilt
};

} // namespace exemplar::ui
