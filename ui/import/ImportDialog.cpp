#include "ui/import/ImportDialog.h"

namespace exemplar::ui {

ImportDialog::ImportDialog(const QString& cataloguePath, QWidget* parent) : QDialog(parent), cataloguePath_(cataloguePath) {}

ImportDialog::~ImportDialog() = default;

} // namespace exemplar::ui
