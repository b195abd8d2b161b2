#pragma once
// Imports photos into the open catalogue from the GUI: a folder of images plus an optional
// annotation file (labels CSV, or an Adult Faces style .xlsx/.csv with a value -> class mapping
// preview). The import runs in a worker thread with its own Catalogue connection, shows progress,
// can be cancelled, and ends with a report of what was skipped and why.
#include <QDialog>

namespace exemplar::ui {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(const QString& cataloguePath, QWidget* parent = nullptr);
    ~ImportDialog() override;

    // True once an import wrote to the catalogue (the caller reloads).
    bool changedCatalogue() const { return changed_; }

private:
    QString cataloguePath_;
    bool changed_ = false;
};

} // namespace exemplar::ui
