#include "ui/gallery/FilterPanel.h"

#include "core/catalogue/GallerySearch.h"
#include "ui/curation/CurationSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {

QIcon swatch(const QColor& c)
{
    QPixmap pm(12, 12);
    pm.fill(c);
    return QIcon(pm);
}

} // namespace

FilterPanel::FilterPanel(CurationSession* session, QWidget* parent) : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("filterPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    search_ = new QLineEdit;
    search_->setObjectName(QStringLiteral("gallerySearch"));
    search_->setPlaceholderText(tr("Search: sadness age>40 …"));
    search_->setToolTip(search::syntaxSummary() + tr("\nFull reference: docs/search.md"));
    search_->setClearButtonEnabled(true);
    layout->addWidget(search_);
    searchError_ = new QLabel;
    searchError_->setObjectName(QStringLiteral("gallerySearchError"));
    searchError_->setWordWrap(true);
    searchError_->setStyleSheet(QStringLiteral("color: #b3261e;"));
    searchError_->hide();
    layout->addWidget(searchError_);

    auto* labelsBox = new QGroupBox(tr("Labels"));
    auto* labelsForm = new QFormLayout(labelsBox);
    classCombo_ = new QComboBox;
    exemplarsOnly_ = new QCheckBox(tr("Exemplars only"));
    provenanceCombo_ = new QComboBox;
    provenanceCombo_->addItem(tr("Any"), QString());
    provenanceCombo_->addItem(tr("Imported"), provenanceName(Provenance::Imported));
    provenanceCombo_->addItem(tr("Curator"), provenanceName(Provenance::Curator));
    provenanceCombo_->addItem(tr("Model"), provenanceName(Provenance::Model));
    labelsForm->addRow(tr("Class"), classCombo_);
    labelsForm->addRow(tr("Source"), provenanceCombo_);
    labelsForm->addRow(exemplarsOnly_);
    layout->addWidget(labelsBox);

    // Import flags images without a face instead of dropping them; this is where they are found.
    auto* facesBox = new QGroupBox(tr("Faces"));
    auto* facesForm = new QFormLayout(facesBox);
    faceCombo_ = new QComboBox;
    faceCombo_->addItem(tr("Any"), QString());
    faceCombo_->addItem(tr("No face found"), QStringLiteral("none"));
    faceCombo_->addItem(tr("Several faces"), QStringLiteral("several"));
    faceCombo_->addItem(tr("Face in a photo"), QStringLiteral("found"));
    faceCombo_->addItem(tr("Face crops"), QStringLiteral("tight_crop"));
    faceCombo_->addItem(tr("Not checked"), QStringLiteral("unchecked"));
    faceCombo_->setToolTip(tr("Face detection result of import or exemplar-cli detect-faces"));
    facesForm->addRow(tr("Detection"), faceCombo_);
    layout->addWidget(facesBox);

    auto* attrBox = new QGroupBox(tr("Attribute range"));
    auto* attrForm = new QFormLayout(attrBox);
    attributeCombo_ = new QComboBox;
    minSpin_ = new QDoubleSpinBox;
    maxSpin_ = new QDoubleSpinBox;
    for (QDoubleSpinBox* s : {minSpin_, maxSpin_}) {
        s->setDecimals(2);
        s->setRange(-1e9, 1e9);
        s->setKeyboardTracking(false);
        s->setEnabled(false);
    }
    attrForm->addRow(tr("Attribute"), attributeCombo_);
    attrForm->addRow(tr("Min"), minSpin_);
    attrForm->addRow(tr("Max"), maxSpin_);
    layout->addWidget(attrBox);

    auto* sortBox = new QGroupBox(tr("Sort"));
    auto* sortForm = new QFormLayout(sortBox);
    sortCombo_ = new QComboBox;
    descending_ = new QCheckBox(tr("Descending"));
    sortForm->addRow(tr("By"), sortCombo_);
    sortForm->addRow(descending_);
    layout->addWidget(sortBox);

    auto* resetButton = new QPushButton(tr("Reset filters"));
    layout->addWidget(resetButton);
    layout->addStretch(1);

    searchDelay_.setSingleShot(true);
    searchDelay_.setInterval(250);
    connect(&searchDelay_, &QTimer::timeout, this, [this] {
        if (interpretSearch())
            emitChanged();
    });
    connect(search_, &QLineEdit::textChanged, this, [this] { searchDelay_.start(); });
    connect(classCombo_, &QComboBox::currentIndexChanged, this, &FilterPanel::emitChanged);
    connect(provenanceCombo_, &QComboBox::currentIndexChanged, this, &FilterPanel::emitChanged);
    connect(exemplarsOnly_, &QCheckBox::toggled, this, &FilterPanel::emitChanged);
    connect(faceCombo_, &QComboBox::currentIndexChanged, this, &FilterPanel::emitChanged);
    connect(attributeCombo_, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = attributeCombo_->currentData().toString();
        const bool on = !name.isEmpty();
        quiet_ = true;
        minSpin_->setEnabled(on);
        maxSpin_->setEnabled(on);
        if (on && session_->isOpen())
            if (const auto range = session_->catalogue().attributeRange(name)) {
                minSpin_->setValue(range->first);
                maxSpin_->setValue(range->second);
            }
        quiet_ = false;
        emitChanged();
    });
    connect(minSpin_, &QDoubleSpinBox::valueChanged, this, &FilterPanel::emitChanged);
    connect(maxSpin_, &QDoubleSpinBox::valueChanged, this, &FilterPanel::emitChanged);
    connect(sortCombo_, &QComboBox::currentIndexChanged, this, &FilterPanel::emitChanged);
    connect(descending_, &QCheckBox::toggled, this, &FilterPanel::emitChanged);
    connect(resetButton, &QPushButton::clicked, this, &FilterPanel::reset);

    connect(session_, &CurationSession::opened, this, [this] {
        rebuildAttributes();
        rebuildTaskDependent();
        interpretSearch(SearchUse::AfterContextChange);
    });
    // Bare class names, class: and unlabelled mean the active task: read the text again.
    connect(session_, &CurationSession::activeTaskChanged, this, [this] {
        rebuildTaskDependent();
        interpretSearch(SearchUse::AfterContextChange);
        emitChanged();
    });
    connect(session_, &CurationSession::tasksChanged, this, [this] {
        rebuildTaskDependent();
        // Either the search no longer applies (the gallery shows without it) or it reads
        // differently now (a renamed class is a file-name word): query again in both cases.
        interpretSearch(SearchUse::AfterContextChange);
        emitChanged();
    });
    rebuildAttributes();
    rebuildTaskDependent();
}

void FilterPanel::rebuildTaskDependent()
{
    quiet_ = true;
    const qint64 keep = classFilter();
    classCombo_->clear();
    classCombo_->addItem(tr("All images"), AnyClass);
    const auto task = session_->activeTask();
    if (task) {
        classCombo_->addItem(tr("Unlabelled"), Unlabelled);
        for (int i = 0; i < task->classes.size(); ++i) {
            const ClassInfo& c = task->classes[i];
            classCombo_->addItem(swatch(session_->classColour(c.id)), c.retired ? tr("%1 (retired)").arg(c.name) : c.name, c.id);
        }
    }
    const int at = classCombo_->findData(keep);
    classCombo_->setCurrentIndex(at >= 0 ? at : 0);
    classCombo_->setEnabled(task.has_value());
    exemplarsOnly_->setEnabled(task.has_value());
    provenanceCombo_->setEnabled(task.has_value());
    quiet_ = false;
}

void FilterPanel::rebuildAttributes()
{
    quiet_ = true;
    attributeCombo_->clear();
    attributeCombo_->addItem(tr("(none)"), QString());
    sortCombo_->clear();
    sortCombo_->addItem(tr("Import order"), QStringLiteral(":import"));
    sortCombo_->addItem(tr("File name"), QStringLiteral(":name"));
    attributeNames_ = session_->isOpen() ? session_->catalogue().attributeNames() : QStringList();
    if (session_->isOpen())
        for (const QString& name : std::as_const(attributeNames_)) {
            sortCombo_->addItem(name, name);
            if (session_->catalogue().attributeRange(name)) // numeric: can be range-filtered
                attributeCombo_->addItem(name, name);
        }
    minSpin_->setEnabled(false);
    maxSpin_->setEnabled(false);
    quiet_ = false;
}

void FilterPanel::emitChanged()
{
    if (!quiet_)
        Q_EMIT queryChanged();
}

ImageQuery FilterPanel::query() const
{
    ImageQuery q;
    const auto task = session_->activeTask();
    if (task) {
        q.taskId = task->id;
        const qint64 cls = classFilter();
        if (cls == Unlabelled)
            q.unlabelledOnly = true;
        else if (cls > 0)
            q.classIds = {cls};
        q.exemplarsOnly = exemplarsOnly_->isChecked();
        q.provenance = provenanceFromName(provenanceCombo_->currentData().toString());
    }
    q.conditions = searchConditions_;
    const QString face = faceCombo_->currentData().toString();
    if (face == QLatin1String("none"))
        q.faceStatuses = {QStringLiteral("none"), QStringLiteral("failed")}; // failed: could not be read
    else if (!face.isEmpty())
        q.faceStatuses = {face};
    const QString attr = attributeCombo_->currentData().toString();
    if (!attr.isEmpty())
        q.attributeRanges.push_back({attr, minSpin_->value(), maxSpin_->value()});
    const QString sort = sortCombo_->currentData().toString();
    if (sort == QLatin1String(":name"))
        q.sort = ImageQuery::Sort::Name;
    else if (!sort.isEmpty() && sort != QLatin1String(":import")) {
        q.sort = ImageQuery::Sort::Attribute;
        q.sortAttribute = sort;
    }
    q.descending = descending_->isChecked();
    return q;
}

void FilterPanel::setClassFilter(qint64 classIdOrSpecial)
{
    const int at = classCombo_->findData(classIdOrSpecial);
    if (at >= 0)
        classCombo_->setCurrentIndex(at);
}

qint64 FilterPanel::classFilter() const
{
    return classCombo_->currentIndex() >= 0 ? classCombo_->currentData().toLongLong() : AnyClass;
}

void FilterPanel::setExemplarsOnly(bool on) { exemplarsOnly_->setChecked(on); }

void FilterPanel::setFaceFilter(const QString& key) { faceCombo_->setCurrentIndex(std::max(0, faceCombo_->findData(key))); }

void FilterPanel::setProvenance(std::optional<Provenance> p)
{
    provenanceCombo_->setCurrentIndex(std::max(0, provenanceCombo_->findData(p ? provenanceName(*p) : QString())));
}

bool FilterPanel::interpretSearch(SearchUse use)
{
    search::Context context;
    context.tasks = session_->tasks();
    if (const auto task = session_->activeTask())
        context.activeTaskId = task->id;
    context.attributeNames = attributeNames_;
    const search::Result result = search::interpret(search_->text(), context);
    searchError_->setText(result.errors.join(QLatin1Char('\n')));
    searchError_->setVisible(!result.ok());
    search_->setStyleSheet(result.ok() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #b3261e; }"));
    if (result.ok())
        searchConditions_ = result.conditions;
    else if (use == SearchUse::AfterContextChange)
        // The last valid conditions named classes of another catalogue or another active task.
        searchConditions_.clear();
    return result.ok();
}

QString FilterPanel::searchErrors() const { return searchError_->text(); }

bool FilterPanel::setSearchText(const QString& text)
{
    quiet_ = true;
    search_->setText(text);
    quiet_ = false;
    searchDelay_.stop();
    const bool ok = interpretSearch();
    if (ok)
        emitChanged();
    return ok;
}

void FilterPanel::setAttributeRange(const QString& name, std::optional<double> min, std::optional<double> max)
{
    attributeCombo_->setCurrentIndex(std::max(0, attributeCombo_->findData(name)));
    quiet_ = true;
    if (min)
        minSpin_->setValue(*min);
    if (max)
        maxSpin_->setValue(*max);
    quiet_ = false;
    emitChanged();
}

void FilterPanel::setSort(ImageQuery::Sort sort, const QString& attribute, bool descending)
{
    quiet_ = true;
    const QString key = sort == ImageQuery::Sort::Name ? QStringLiteral(":name")
                        : sort == ImageQuery::Sort::Attribute ? attribute
                                                               : QStringLiteral(":import");
    sortCombo_->setCurrentIndex(std::max(0, sortCombo_->findData(key)));
    descending_->setChecked(descending);
    quiet_ = false;
    emitChanged();
}

void FilterPanel::reset()
{
    quiet_ = true;
    search_->clear();
    interpretSearch();
    classCombo_->setCurrentIndex(0);
    provenanceCombo_->setCurrentIndex(0);
    exemplarsOnly_->setChecked(false);
    faceCombo_->setCurrentIndex(0);
    attributeCombo_->setCurrentIndex(0);
    sortCombo_->setCurrentIndex(0);
    descending_->setChecked(false);
    quiet_ = false;
    searchDelay_.stop();
    emitChanged();
}

void FilterPanel::focusSearch()
{
    search_->setFocus();
    search_->selectAll();
}

} // namespace exemplar::ui
