#pragma once
// The gallery's filter and sort controls. It turns its widgets into an ImageQuery for the active
// task and announces every change (the file-name search after a short typing pause).
#include "core/catalogue/Types.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
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
    void setFileNameFilter(const QString& text); // applied at once (no typing delay)
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

    CurationSession* session_;
    QComboBox* classCombo_;
    QCheckBox* exemplarsOnly_;
    QComboBox* provenanceCombo_;
    QComboBox* faceCombo_;
    QLineEdit* search_;
    QComboBox* attributeCombo_;
    QDoubleSpinBox* minSpin_;
    QDoubleSpinBox* maxSpin_;
    QComboBox* sortCombo_;
    QCheckBox* descending_;
    QTimer searchDelay_;
    bool quiet_ = false; // suppresses queryChanged while widgets are being rebuilt
};

} // namespace exemplar::ui
