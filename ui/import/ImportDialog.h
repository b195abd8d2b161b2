#pragma once
// Imports photos into the open catalogue from the GUI: a folder of images plus an optional
// annotation file (a labels CSV, an Adult Faces style .xlsx/.csv with its value -> class mapping,
// or one folder per class). Before importing, the dialog previews how each column's values become
// classes. The import runs in a worker thread with its own Catalogue connection, shows progress,
// can be cancelled, and ends with a report of what was skipped and why.
#include "core/import/Importers.h"

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
    void setAnnotations(Annotations kind, const QString& file = {}, const QString& taskName = {});
    void setMappingText(const QString& text);

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

    // True once an import wrote to the catalogue (the caller reloads).
    bool changedCatalogue() const { return changed_; }

Q_SIGNALS:
    void importFinished();

private:
    void onKindChanged();
    void onProgress(int done, int total, const QString& file, int phase);
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
    QTreeWidget* preview_;
    QLabel* previewNote_;
    QProgressBar* progress_;
    QLabel* progressText_;
    QPlainTextEdit* reportView_;
    QPushButton* importButton_;
    QPushButton* cancelButton_;
    QFutureWatcher<ImportReport> watcher_;
    std::shared_ptr<Shared> shared_;
    ImportReport report_;
    bool changed_ = false;
};

} // namespace exemplar::ui
