#pragma once
// Imports photos into the open catalogue from the GUI: a folder of images plus an optional
// annotation file (a labels CSV, an Adult Faces style .xlsx/.csv with its value -> class mapping,
// or one folder per class). Before importing, the dialog previews how each column's values become
// classes. Face detection can be switched off (the dialog measures what it costs on a few photos of
// the folder). The import runs in a worker thread with its own Catalogue connection, shows the
// progress of each step, can be cancelled, and ends with a summary (imported, skipped and why,
// labels set, tasks created) that stays until the dialog is closed.
#include "core/import/Importers.h"
#include "ui/import/DetectionCost.h"

#include <QDialog>
#include <QFutureWatcher>
#include <memory>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTreeWidget;

namespace exemplar::ui {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Annotations { None, LabelsCsv, AdultFaces, ClassFolders };

    explicit ImportDialog(const QString& cataloguePath, QWidget* parent = nullptr);
    ~ImportDialog() override; // cancels and waits for a running import

    // The dialog's inputs, settable without file pickers (tests, scripted screenshots).
    void setFolder(const QString& folder);
    QString folder() const;
    void setAnnotations(Annotations kind, const QString& file = {}, const QString& taskName = {});
    void setMappingText(const QString& text);
    void setDetectFaces(bool on);
    bool detectFaces() const;
    // The folder import's options as the dialog's choices make them.
    FolderImportOptions folderOptions() const;
    // The cost shown beside "Detect faces" (measured in the background when the folder changes).
    const DetectionCost& detectionCost() const { return cost_; }
    bool isMeasuringCost() const { return costWatcher_.isRunning(); }

    // Fills the preview of how annotation values map to classes; returns false (the reason is
    // shown in the dialog) when the file can't be read.
    bool refreshPreview();
    int previewRows() const; // top-level rows in the preview (one per column)
    QTreeWidget* previewTree() const { return preview_; }

    // Starts the import in the worker; importFinished is emitted when it ends.
    bool startImport();
    bool isRunning() const { return watcher_.isRunning(); }
    void cancelImport();
    // The combined report of the last import (folder + annotations).
    const ImportReport& lastReport() const { return report_; }
    QString reportText() const;
    // The end-of-import summary shown in the dialog (rich text) and its one-line form.
    QString summaryText() const;
    QString summaryLine() const;
    QStringList tasksCreated() const { return tasksCreated_; }

    // True once an import wrote to the catalogue (the caller reloads).
    bool changedCatalogue() const { return changed_; }

Q_SIGNALS:
    void importFinished();
    void progressChanged(const QString& text); // each step's progress as the dialog shows it
    void detectionCostMeasured();

private:
    void onKindChanged();
    void onProgress(const ImportProgress& progress, int steps);
    void measureCost();
    void showCost();
    void onFinished();
    void setBusy(bool busy);
    ValueMapping currentMapping(QString* error) const;

    struct Shared; // state shared with the worker thread (cancel flag, progress throttling)
    QString cataloguePath_;
    QLineEdit* folder_;
    QComboBox* kind_;
    QLineEdit* annotationFile_;
    QPushButton* browseAnnotation_;
    QLineEdit* taskName_;
    QLabel* taskLabel_;
    QPlainTextEdit* mapping_;
    QCheckBox* roundCodes_;
    QCheckBox* detectFaces_;
    QLabel* detectCost_;
    QLabel* summary_;
    QTreeWidget* preview_;
    QLabel* previewNote_;
    QProgressBar* progress_;
    QLabel* progressText_;
    QPlainTextEdit* reportView_;
    QPushButton* importButton_;
    QPushButton* cancelButton_;
    QFutureWatcher<ImportReport> watcher_;
    QFutureWatcher<DetectionCost> costWatcher_;
    DetectionCost cost_;
    QString costFolder_; // the folder cost_ was measured on
    QStringList tasksCreated_;
    std::shared_ptr<Shared> shared_;
    ImportReport report_;
    bool changed_ = false;
};

} // namespace exemplar::ui
