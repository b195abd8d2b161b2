#include "ui/import/ImportDialog.h"

#include "core/import/AnnotationTable.h"

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
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace exemplar::ui {

struct ImportDialog::Shared {
    CancelFlag cancel;
    QMutex mutex;
    QElapsedTimer lastProgress; // progress is forwarded at most every 50 ms: the importer may call it per file
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
    into.issues += r.issues;
    into.cancelled = into.cancelled || r.cancelled;
    into.seconds += r.seconds;
}

} // namespace

ImportDialog::ImportDialog(const QString& cataloguePath, QWidget* parent)
    : QDialog(parent), cataloguePath_(cataloguePath), shared_(std::make_shared<Shared>())
{
    setWindowTitle(tr("Import photos"));
    setObjectName(QStringLiteral("importDialog"));
    resize(820, 640);

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
    reportView_ = new QPlainTextEdit;
    reportView_->setReadOnly(true);
    reportView_->setPlaceholderText(tr("The import report (added, skipped files and why) appears here."));
    reportView_->setMaximumHeight(150);

    auto* buttons = new QDialogButtonBox;
    importButton_ = buttons->addButton(tr("Import"), QDialogButtonBox::AcceptRole);
    cancelButton_ = buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(source);
    layout->addWidget(mappingBox, 1);
    layout->addWidget(progress_);
    layout->addWidget(progressText_);
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
    onKindChanged();
}

ImportDialog::~ImportDialog()
{
    shared_->cancel.cancel();
    watcher_.waitForFinished();
}

void ImportDialog::setFolder(const QString& folder) { folder_->setText(QDir::cleanPath(folder)); }

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
    shared_ = std::make_shared<Shared>();
    std::shared_ptr<Shared> shared = shared_;
    QPointer<ImportDialog> self(this);
    auto progressFor = [shared, self](int phase) {
        return [shared, self, phase](const ImportProgress& p) {
            {
                QMutexLocker lock(&shared->mutex);
                if (shared->lastProgress.isValid() && shared->lastProgress.elapsed() < 50 && p.done < p.total)
                    return;
                shared->lastProgress.start();
            }
            QMetaObject::invokeMethod(
                self.data(), [self, p, phase] { if (self) self->onProgress(p.done, p.total, p.currentFile, phase); },
                Qt::QueuedConnection);
        };
    };

    report_ = {};
    reportView_->clear();
    setBusy(true);
    changed_ = true;
    watcher_.setFuture(QtConcurrent::run([=]() -> ImportReport {
        ImportReport total;
        try {
            // The worker's own connection: the GUI thread keeps its own for labelling.
            Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            if (kind == Annotations::ClassFolders) {
                addMerged(total, importClassFolders(cat, folder, task.isEmpty() ? QStringLiteral("expression") : task, {},
                                                    progressFor(1), &shared->cancel));
                return total;
            }
            addMerged(total, importFolder(cat, folder, {}, progressFor(1), &shared->cancel));
            if (shared->cancel.isCancelled() || kind == Annotations::None)
                return total;
            ImportReport labels = kind == Annotations::LabelsCsv
                                      ? importLabelsCsv(cat, file, folder, {}, progressFor(2), &shared->cancel)
                                      : importAdultFaces(cat, file, folder, adult, progressFor(2), &shared->cancel);
            labels.scanned = 0; // rows are not files: keep "scanned" about the folder
            addMerged(total, labels);
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

void ImportDialog::onProgress(int done, int total, const QString& file, int phase)
{
    progress_->setRange(0, std::max(1, total));
    progress_->setValue(done);
    progressText_->setText(tr("%1 %2 of %3  %4")
                               .arg(phase == 1 ? tr("Images:") : tr("Annotations:"))
                               .arg(done)
                               .arg(total)
                               .arg(QFileInfo(file).fileName()));
}

void ImportDialog::onFinished()
{
    report_ = watcher_.result();
    setBusy(false);
    progress_->setRange(0, 1);
    progress_->setValue(1);
    progressText_->setText(report_.cancelled ? tr("Import cancelled; what was imported is kept") : tr("Import finished"));
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

void ImportDialog::setBusy(bool busy)
{
    importButton_->setEnabled(!busy);
    cancelButton_->setText(busy ? tr("Cancel") : tr("Close"));
    folder_->setEnabled(!busy);
    kind_->setEnabled(!busy);
    if (busy)
        progress_->setRange(0, 0); // busy indicator until the first progress report
}

} // namespace exemplar::ui
