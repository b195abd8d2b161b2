#include "ui/import/ImportDialog.h"

#include "core/import/AnnotationTable.h"
#include "core/util/Counted.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QMutex>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace exemplar::ui {

struct ImportDialog::Shared {
    CancelFlag cancel;
    QMutex mutex;
    QElapsedTimer lastProgress; // progress is forwarded at most every 50 ms: the importer may call it per file
    std::optional<ImportStep> lastStep; // a new step is always forwarded
    QStringList tasksCreated;   // by the worker, read after it finished
};

namespace {

QString mappingForColumn(const TaskInfo* task, const QString& value)
{
    if (!task)
        return value;
    if (task->classByName(value))
        return value;
    for (const ClassInfo& c : task->classes)
        if (c.name.compare(value, Qt::CaseInsensitive) == 0)
            return c.name;
    return QString();
}

void addMerged(ImportReport& into, const ImportReport& r)
{
    into.scanned += r.scanned;
    into.added += r.added;
    into.alreadyPresent += r.alreadyPresent;
    into.duplicates += r.duplicates;
    into.labelsSet += r.labelsSet;
    into.attributesSet += r.attributesSet;
    into.skipped += r.skipped;
    into.tasksCreated += r.tasksCreated;
    into.facesTightCrop += r.facesTightCrop;
    into.facesFound += r.facesFound;
    into.facesNone += r.facesNone;
    into.facesFailed += r.facesFailed;
    into.issues += r.issues;
    into.cancelled = into.cancelled || r.cancelled;
    into.seconds += r.seconds;
}

QStringList taskNames(const Catalogue& catalogue)
{
    QStringList names;
    for (const TaskInfo& t : catalogue.tasks())
        names << t.name;
    return names;
}

// "duplicate: same bytes as ..." -> "duplicate": the reason without the file-specific details, so
// that the summary can count skipped files per reason.
QString reasonOf(const QString& problem)
{
    QString reason = problem;
    reason.replace(QRegularExpression(QStringLiteral("\"[^\"]*\"")), QStringLiteral("\"…\""));
    const qsizetype cut = reason.indexOf(QRegularExpression(QStringLiteral("[:(]")));
    reason = (cut > 0 ? reason.left(cut) : reason).trimmed();
    return reason.isEmpty() ? problem : reason;
}

} // namespace

ImportDialog::ImportDialog(const QString& cataloguePath, QWidget* parent)
    : QDialog(parent), cataloguePath_(cataloguePath), shared_(std::make_shared<Shared>())
{
    setWindowTitle(tr("Import photos"));
    setObjectName(QStringLiteral("importDialog"));
    resize(860, 680); // fits a 768-pixel-high screen with its panel and title bar

    auto* source = new QGroupBox(tr("Source"));
    auto* form = new QFormLayout(source);
    folder_ = new QLineEdit;
    folder_->setPlaceholderText(tr("Folder with face photos (searched recursively)"));
    auto* browseFolder = new QPushButton(tr("Browse…"));
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browseFolder);
    form->addRow(tr("Images"), folderRow);

    kind_ = new QComboBox;
    kind_->addItem(tr("No annotations"), int(Annotations::None));
    kind_->addItem(tr("Labels CSV (file, expression, …)"), int(Annotations::LabelsCsv));
    kind_->addItem(tr("Adult Faces table (.xlsx / .csv) with value mapping"), int(Annotations::AdultFaces));
    kind_->addItem(tr("One sub-folder per class"), int(Annotations::ClassFolders));
    form->addRow(tr("Annotations"), kind_);
    annotationFile_ = new QLineEdit;
    browseAnnotation_ = new QPushButton(tr("Browse…"));
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(annotationFile_, 1);
    fileRow->addWidget(browseAnnotation_);
    form->addRow(tr("Annotation file"), fileRow);
    taskName_ = new QLineEdit(QStringLiteral("expression"));
    taskLabel_ = new QLabel(tr("Task"));
    form->addRow(taskLabel_, taskName_);
    detectFaces_ = new QCheckBox(tr("Detect and frame the face in each photo"));
    detectFaces_->setObjectName(QStringLiteral("detectFacesCheck"));
    detectFaces_->setChecked(true);
    detectCost_ = new QLabel;
    detectCost_->setObjectName(QStringLiteral("detectCostLabel"));
    detectCost_->setWordWrap(true);
    detectCost_->setMinimumHeight(2 * detectCost_->fontMetrics().lineSpacing()); // never squeezed to a clipped line
    detectFaces_->setToolTip(tr("Finds the face in each photo and frames it like a face crop; photos that already are "
                                "face crops are kept whole. Off: faster; exemplar-cli detect-faces can do it later."));
    detectCost_->setForegroundRole(QPalette::PlaceholderText);
    auto* detectBox = new QVBoxLayout;
    detectBox->setSpacing(2);
    detectBox->addWidget(detectFaces_);
    detectBox->addWidget(detectCost_);
    form->addRow(tr("Faces"), detectBox);

    auto* mappingBox = new QGroupBox(tr("Columns and value → class mapping"));
    auto* mappingLayout = new QVBoxLayout(mappingBox);
    auto* split = new QSplitter(Qt::Horizontal);
    mapping_ = new QPlainTextEdit(defaultAdultFacesMapping().toText());
    mapping_->setFont(QFont(QStringLiteral("monospace")));
    mapping_->setToolTip(tr("[Column -> task] sections of  raw value = class  lines"));
    preview_ = new QTreeWidget;
    preview_->setHeaderLabels({tr("Column / value"), tr("Rows"), tr("Class")});
    preview_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    split->addWidget(mapping_);
    split->addWidget(preview_);
    split->setStretchFactor(1, 2);
    auto* previewButton = new QPushButton(tr("Preview"));
    roundCodes_ = new QCheckBox(tr("Round averaged codes (1.33 → 1) instead of leaving them unlabelled"));
    previewNote_ = new QLabel;
    previewNote_->setWordWrap(true);
    auto* previewRow = new QHBoxLayout;
    previewRow->addWidget(previewButton);
    previewRow->addWidget(roundCodes_, 1);
    previewRow->addStretch();
    mappingLayout->addWidget(split, 1);
    mappingLayout->addLayout(previewRow);
    mappingLayout->addWidget(previewNote_);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progressText_ = new QLabel(tr("Ready"));
    progressText_->setObjectName(QStringLiteral("importProgressText"));
    summary_ = new QLabel;
    summary_->setObjectName(QStringLiteral("importSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setFrameShape(QFrame::StyledPanel);
    summary_->setMargin(6);
    summary_->hide();
    reportView_ = new QPlainTextEdit;
    reportView_->setReadOnly(true);
    reportView_->setPlaceholderText(tr("The import report (added, skipped files and why) appears here."));
    reportView_->setMaximumHeight(120);

    auto* buttons = new QDialogButtonBox;
    importButton_ = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    cancelButton_ = buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(source);
    layout->addWidget(mappingBox, 1);
    layout->addWidget(progress_);
    layout->addWidget(progressText_);
    layout->addWidget(summary_);
    layout->addWidget(reportView_);
    layout->addWidget(buttons);

    connect(browseFolder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder with photos"), folder_->text());
        if (!dir.isEmpty())
            setFolder(dir);
    });
    connect(browseAnnotation_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Annotation file"), folder_->text(),
                                                          tr("Tables (*.csv *.xlsx *.tsv *.txt);;All files (*)"));
        if (!file.isEmpty()) {
            annotationFile_->setText(file);
            refreshPreview();
        }
    });
    connect(kind_, &QComboBox::currentIndexChanged, this, &ImportDialog::onKindChanged);
    connect(previewButton, &QPushButton::clicked, this, &ImportDialog::refreshPreview);
    connect(roundCodes_, &QCheckBox::toggled, this, &ImportDialog::refreshPreview);
    connect(importButton_, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(cancelButton_, &QPushButton::clicked, this, [this] {
        if (isRunning())
            cancelImport();
        else
            reject();
    });
    connect(&watcher_, &QFutureWatcher<ImportReport>::finished, this, &ImportDialog::onFinished);
    // The cost is measured once typing pauses, on the folder as it is then.
    auto* costDelay = new QTimer(this);
    costDelay->setSingleShot(true);
    costDelay->setInterval(400);
    connect(folder_, &QLineEdit::textChanged, costDelay, qOverload<>(&QTimer::start));
    connect(costDelay, &QTimer::timeout, this, &ImportDialog::measureCost);
    connect(&costWatcher_, &QFutureWatcher<DetectionCost>::finished, this, [this] {
        cost_ = costWatcher_.result();
        showCost();
        Q_EMIT detectionCostMeasured();
        if (costFolder_ != folder_->text().trimmed())
            measureCost(); // the folder changed while measuring
    });
    connect(detectFaces_, &QCheckBox::toggled, this, &ImportDialog::showCost);
    onKindChanged();
    showCost();
}

ImportDialog::~ImportDialog()
{
    shared_->cancel.cancel();
    watcher_.waitForFinished();
    costWatcher_.waitForFinished();
}

void ImportDialog::setFolder(const QString& folder)
{
    folder_->setText(QDir::cleanPath(folder));
    measureCost();
}

QString ImportDialog::folder() const { return folder_->text().trimmed(); }

void ImportDialog::setDetectFaces(bool on) { detectFaces_->setChecked(on); }

bool ImportDialog::detectFaces() const { return detectFaces_->isChecked(); }

FolderImportOptions ImportDialog::folderOptions() const
{
    FolderImportOptions options;
    options.detectFaces = detectFaces_->isChecked();
    return options;
}

void ImportDialog::measureCost()
{
    const QString folder = folder_->text().trimmed();
    if (costWatcher_.isRunning() || folder == costFolder_)
        return; // the running measurement re-checks the folder when it ends
    costFolder_ = folder;
    cost_ = {};
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
        showCost();
        return;
    }
    detectCost_->setText(tr("Measuring what detection costs on a few photos of this folder…"));
    costWatcher_.setFuture(QtConcurrent::run([folder] { return measureDetectionCost(folder); }));
}

void ImportDialog::showCost()
{
    const QString why = tr("Needed for photos that are not face crops.");
    QString text;
    if (costWatcher_.isRunning())
        return;
    if (cost_.photos > 0) {
        text = tr("About %1 photos/s on this machine (%2 ms per photo on each of %3, measured on %4 of this folder). %5")
                   .arg(std::max(1, int(std::lround(cost_.photosPerSecond()))))
                   .arg(std::max(1, int(std::lround(cost_.msPerPhoto))))
                   .arg(counted(cost_.threads, u"thread"), counted(cost_.photos, u"photo"), why);
    } else if (!cost_.problem.isEmpty()) {
        text = tr("Cost not measured: %1. %2").arg(cost_.problem, why);
    } else {
        text = tr("%1 Choose a folder to see what it costs here.").arg(why);
    }
    if (!detectFaces_->isChecked())
        text += QLatin1Char(' ') + tr("Off: faces can be detected later with exemplar-cli detect-faces.");
    detectCost_->setText(text);
}

void ImportDialog::setAnnotations(Annotations kind, const QString& file, const QString& taskName)
{
    kind_->setCurrentIndex(kind_->findData(int(kind)));
    annotationFile_->setText(file);
    if (!taskName.isEmpty())
        taskName_->setText(taskName);
    onKindChanged();
}

void ImportDialog::setMappingText(const QString& text) { mapping_->setPlainText(text); }

void ImportDialog::onKindChanged()
{
    const auto kind = Annotations(kind_->currentData().toInt());
    const bool file = kind == Annotations::LabelsCsv || kind == Annotations::AdultFaces;
    annotationFile_->setEnabled(file);
    browseAnnotation_->setEnabled(file);
    taskName_->setEnabled(kind == Annotations::ClassFolders);
    // The mapping text only means something for Adult Faces tables; the others map values 1:1.
    mapping_->setVisible(kind == Annotations::AdultFaces);
    roundCodes_->setVisible(kind == Annotations::AdultFaces);
    refreshPreview();
}

ValueMapping ImportDialog::currentMapping(QString* error) const
{
    try {
        return parseValueMappingText(mapping_->toPlainText(), tr("mapping"));
    } catch (const Error& e) {
        if (error)
            *error = e.message();
        return {};
    }
}

bool ImportDialog::refreshPreview()
{
    preview_->clear();
    previewNote_->clear();
    const auto kind = Annotations(kind_->currentData().toInt());
    const QString file = annotationFile_->text().trimmed();
    if ((kind != Annotations::LabelsCsv && kind != Annotations::AdultFaces) || file.isEmpty())
        return true;
    try {
        if (kind == Annotations::AdultFaces) {
            QString error;
            AdultFacesOptions opts;
            opts.mapping = currentMapping(&error);
            if (!error.isEmpty()) {
                previewNote_->setText(error);
                return false;
            }
            opts.roundCodes = roundCodes_->isChecked();
            const MappingPreview p = previewAdultFaces(file, opts);
            for (const MappingPreview::Column& c : p.columns) {
                auto* col = new QTreeWidgetItem({c.header.isEmpty() ? tr("%1 (not in the file)").arg(c.column)
                                                                    : QStringLiteral("%1 → task %2").arg(c.header, c.task)});
                for (const MappingPreview::Value& v : c.values) {
                    QString cls = v.className.isEmpty() ? tr("— no label (kept as attribute)") : v.className;
                    if (v.rounded)
                        cls += tr(" (rounded)");
                    col->addChild(new QTreeWidgetItem({v.raw, QString::number(v.count), cls}));
                }
                preview_->addTopLevelItem(col);
                col->setExpanded(true);
            }
            previewNote_->setText(tr("%1 rows in %2").arg(p.rows).arg(QFileInfo(file).fileName()));
        } else {
            // What importLabelsCsv will do: each non-file column is a task; its values are classes.
            const TextTable table = readAnnotationTable(file, {});
            const int fileCol = fileColumnOf(table);
            if (fileCol < 0) {
                previewNote_->setText(tr("%1 has no file column (columns: %2)").arg(file, table.header.join(QStringLiteral(", "))));
                return false;
            }
            std::optional<Catalogue> cat;
            try {
                cat.emplace(Catalogue::open(cataloguePath_, Catalogue::OpenMode::ReadOnly));
            } catch (const Error&) {
            }
            const QStringList attributeColumns = LabelsCsvOptions().attributeColumns;
            for (int c = 0; c < table.header.size(); ++c) {
                const QString name = table.header[c];
                if (c == fileCol)
                    continue;
                const bool isAttribute = attributeColumns.contains(name, Qt::CaseInsensitive);
                const bool isIdentity = normalizedColumnName(name) == QLatin1String("identity");
                QMap<QString, int> counts;
                for (const auto& row : table.rows)
                    if (!row.cells.value(c).trimmed().isEmpty())
                        ++counts[row.cells.value(c).trimmed()];
                const std::optional<TaskInfo> task = (cat && !isAttribute && !isIdentity) ? cat->task(name) : std::nullopt;
                const QString what = isAttribute ? tr("attribute") : isIdentity ? tr("identity")
                                                 : task                         ? tr("→ task %1").arg(name)
                                                                                : tr("→ new task %1").arg(name);
                auto* col = new QTreeWidgetItem({QStringLiteral("%1  %2").arg(name, what), tr("%1 values").arg(counts.size())});
                preview_->addTopLevelItem(col);
                if (!isAttribute && !isIdentity) {
                    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
                        const QString cls = mappingForColumn(task ? &*task : nullptr, it.key());
                        col->addChild(new QTreeWidgetItem({it.key(), QString::number(it.value()),
                                                           cls.isEmpty() ? tr("unknown label: skipped")
                                                           : task        ? cls
                                                                         : tr("%1 (new class)").arg(it.key())}));
                    }
                    col->setExpanded(true);
                }
            }
            previewNote_->setText(tr("%1 rows in %2").arg(table.rows.size()).arg(QFileInfo(file).fileName()));
        }
    } catch (const Error& e) {
        previewNote_->setText(e.message());
        return false;
    }
    preview_->resizeColumnToContents(1);
    return true;
}

int ImportDialog::previewRows() const { return preview_->topLevelItemCount(); }

bool ImportDialog::startImport()
{
    if (isRunning())
        return false;
    const QString folder = folder_->text().trimmed();
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
        progressText_->setText(tr("Choose a folder of photos first"));
        return false;
    }
    const auto kind = Annotations(kind_->currentData().toInt());
    const QString file = annotationFile_->text().trimmed();
    if ((kind == Annotations::LabelsCsv || kind == Annotations::AdultFaces) && !QFileInfo(file).isFile()) {
        progressText_->setText(tr("Choose the annotation file, or pick \"No annotations\""));
        return false;
    }
    QString mappingError;
    AdultFacesOptions adult;
    if (kind == Annotations::AdultFaces) {
        adult.mapping = currentMapping(&mappingError);
        adult.roundCodes = roundCodes_->isChecked();
        if (!mappingError.isEmpty()) {
            progressText_->setText(mappingError);
            return false;
        }
    }
    const QString task = taskName_->text().trimmed();
    const QString path = cataloguePath_;
    const FolderImportOptions folderOpts = folderOptions();
    const int steps = (kind == Annotations::None || kind == Annotations::ClassFolders) ? 2 : 3;
    shared_ = std::make_shared<Shared>();
    std::shared_ptr<Shared> shared = shared_;
    QPointer<ImportDialog> self(this);
    const ImportProgressFn progress = [shared, self, steps](const ImportProgress& p) {
        {
            QMutexLocker lock(&shared->mutex);
            const bool last = p.total > 0 && p.done >= p.total;
            if (shared->lastStep == p.step && !last && shared->lastProgress.isValid() && shared->lastProgress.elapsed() < 50)
                return;
            shared->lastStep = p.step;
            shared->lastProgress.start();
        }
        QMetaObject::invokeMethod(
            self.data(), [self, p, steps] { if (self) self->onProgress(p, steps); }, Qt::QueuedConnection);
    };

    report_ = {};
    tasksCreated_.clear();
    summary_->hide();
    reportView_->clear();
    setBusy(true);
    changed_ = true;
    watcher_.setFuture(QtConcurrent::run([=]() -> ImportReport {
        ImportReport total;
        try {
            // The worker's own connection: the GUI thread keeps its own for labelling.
            Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            const QStringList tasksBefore = taskNames(cat);
            const auto noteNewTasks = [&] {
                QStringList created;
                for (const QString& name : taskNames(cat))
                    if (!tasksBefore.contains(name))
                        created << name;
                QMutexLocker lock(&shared->mutex);
                shared->tasksCreated = created;
            };
            if (kind == Annotations::ClassFolders) {
                addMerged(total, importClassFolders(cat, folder, task.isEmpty() ? QStringLiteral("expression") : task, folderOpts,
                                                    progress, &shared->cancel));
                noteNewTasks();
                return total;
            }
            addMerged(total, importFolder(cat, folder, folderOpts, progress, &shared->cancel));
            if (shared->cancel.isCancelled() || kind == Annotations::None)
                return total;
            ImportReport labels = kind == Annotations::LabelsCsv
                                      ? importLabelsCsv(cat, file, folder, {}, progress, &shared->cancel)
                                      : importAdultFaces(cat, file, folder, adult, progress, &shared->cancel);
            labels.scanned = 0; // rows are not files: keep "scanned" about the folder
            addMerged(total, labels);
            noteNewTasks();
        } catch (const Error& e) {
            total.issues.push_back({path, e.message()});
            ++total.skipped;
        }
        return total;
    }));
    return true;
}

void ImportDialog::cancelImport()
{
    shared_->cancel.cancel();
    progressText_->setText(tr("Cancelling… (what is already imported is kept)"));
}

void ImportDialog::onProgress(const ImportProgress& p, int steps)
{
    // Scanning and reading the folder are steps 1 and 2; a labels or annotation table is step 3.
    const int step = p.step == ImportStep::Scanning ? 1 : p.step == ImportStep::Images ? 2 : 3;
    const QString prefix = tr("Step %1 of %2 · %3:").arg(step).arg(steps).arg(importStepName(p.step));
    if (p.total <= 0) {
        // The total is not known yet (the folder is being walked): a busy bar and the count so far.
        progress_->setRange(0, 0);
        progressText_->setText(p.step == ImportStep::Scanning ? tr("%1 %2 found").arg(prefix, counted(p.done, u"photo"))
                                                              : tr("%1 %2 done").arg(prefix).arg(p.done));
    } else {
        progress_->setRange(0, p.total);
        progress_->setValue(p.done);
        progressText_->setText(tr("%1 %2 of %3  %4").arg(prefix).arg(p.done).arg(p.total).arg(QFileInfo(p.currentFile).fileName()));
    }
    Q_EMIT progressChanged(progressText_->text());
}

void ImportDialog::onFinished()
{
    report_ = watcher_.result();
    {
        QMutexLocker lock(&shared_->mutex);
        tasksCreated_ = shared_->tasksCreated;
    }
    setBusy(false);
    progress_->setRange(0, 1);
    progress_->setValue(1);
    progressText_->setText(report_.cancelled ? tr("Import cancelled; what was imported is kept") : tr("Import finished"));
    summary_->setText(summaryText());
    summary_->show();
    reportView_->setPlainText(reportText());
    Q_EMIT importFinished();
}

QString ImportDialog::reportText() const
{
    QStringList lines;
    lines << tr("%1 files looked at, %2 added, %3 already catalogued, %4 duplicates, %5 labels, %6 attributes, %7 skipped (%8 s)")
                 .arg(report_.scanned)
                 .arg(report_.added)
                 .arg(report_.alreadyPresent)
                 .arg(report_.duplicates)
                 .arg(report_.labelsSet)
                 .arg(report_.attributesSet)
                 .arg(report_.skipped)
                 .arg(report_.seconds, 0, 'f', 1);
    if (report_.cancelled)
        lines << tr("Cancelled.");
    for (const Issue& issue : report_.issues)
        lines << QStringLiteral("%1: %2").arg(issue.file, issue.problem);
    return lines.join(QLatin1Char('\n'));
}

QString ImportDialog::summaryText() const
{
    const ImportReport& r = report_;
    QStringList lines;
    lines << tr("<b>%1: %2 imported</b> (%3 looked at in %4 s)")
                 .arg(r.cancelled ? tr("Cancelled") : tr("Done"), counted(r.added, u"photo"), counted(r.scanned, u"file"))
                 .arg(r.seconds, 0, 'f', 1);
    if (r.skipped > 0) {
        QMap<QString, int> reasons;
        for (const Issue& issue : r.issues)
            ++reasons[reasonOf(issue.problem)];
        QStringList parts;
        for (auto it = reasons.cbegin(); it != reasons.cend(); ++it)
            parts << tr("%1 × %2").arg(it.value()).arg(it.key().toHtmlEscaped());
        lines << tr("Skipped: %1 (%2; every file below)").arg(r.skipped).arg(parts.mid(0, 6).join(QStringLiteral(", ")));
    } else {
        lines << tr("Skipped: none");
    }
    if (r.alreadyPresent > 0 || r.duplicates > 0)
        lines << tr("Not added again: %1 already in the catalogue, %2 duplicates of catalogued photos").arg(r.alreadyPresent).arg(r.duplicates);
    lines << tr("Labels set: %1%2").arg(r.labelsSet).arg(r.attributesSet > 0 ? tr(" (and %1 attributes)").arg(r.attributesSet) : QString());
    lines << (tasksCreated_.isEmpty() ? tr("Tasks created: none")
                                      : tr("Tasks created: %1 (%2)").arg(tasksCreated_.size()).arg(tasksCreated_.join(QStringLiteral(", ")).toHtmlEscaped()));
    const int checked = r.facesTightCrop + r.facesFound + r.facesNone + r.facesFailed;
    if (checked > 0)
        lines << tr("Faces: %1 face crops kept whole, %2 found in photos, %3 photos without a face, %4 failed")
                     .arg(r.facesTightCrop)
                     .arg(r.facesFound)
                     .arg(r.facesNone)
                     .arg(r.facesFailed);
    else if (r.added > 0)
        lines << tr("Faces: not detected");
    return lines.join(QStringLiteral("<br>"));
}

QString ImportDialog::summaryLine() const
{
    return tr("Import %1: %2 added, %3 set, %4 skipped")
        .arg(report_.cancelled ? tr("cancelled") : tr("finished"), counted(report_.added, u"photo"),
             counted(report_.labelsSet, u"label"))
        .arg(report_.skipped);
}

void ImportDialog::setBusy(bool busy)
{
    importButton_->setEnabled(!busy);
    cancelButton_->setText(busy ? tr("Cancel") : tr("Close"));
    folder_->setEnabled(!busy);
    kind_->setEnabled(!busy);
    detectFaces_->setEnabled(!busy);
    if (busy)
        progress_->setRange(0, 0); // busy indicator until the first progress report
}

} // namespace exemplar::ui
