#pragma once
// Edits tasks and their classes: create a task, add, rename, reorder, recolour and retire (or
// restore) classes. Every edit goes to the catalogue at once; retiring keeps the labels.
#include <QColor>
#include <QDialog>
#include <optional>

class QListWidget;
class QPushButton;
class QToolButton;

namespace exemplar::ui {

class CurationSession;

class TaskEditorDialog : public QDialog {
    Q_OBJECT
public:
    explicit TaskEditorDialog(CurationSession* session, QWidget* parent = nullptr);

    // The editing steps behind the buttons, callable without the input dialogs (tests, scripts).
    void selectTask(qint64 taskId);
    qint64 selectedTaskId() const;
    bool createTask(const QString& name, const QStringList& classes);
    bool addClass(const QString& name);
    bool renameSelectedClass(const QString& name);
    bool moveSelectedClass(int delta); // -1 up, +1 down
    bool toggleSelectedClassRetired();
    // nullopt: back to the default colour of the class name.
    bool setSelectedClassColour(const std::optional<QColor>& colour);
    // The swatch button of a class row (opens a colour dialog; its menu resets the colour).
    QToolButton* colourButton(int row) const;
    void selectClassRow(int row);

private:
    void reloadTasks();
    void reloadClasses();
    void updateButtons();
    QWidget* classRow(qint64 classId, const QString& text, bool retired);
    void chooseColour(qint64 classId);
    void selectClassById(qint64 classId);
    bool run(const std::function<void()>& edit);

    CurationSession* session_;
    QListWidget* tasks_;
    QListWidget* classes_;
    QPushButton* renameButton_;
    QPushButton* upButton_;
    QPushButton* downButton_;
    QPushButton* retireButton_;
    QPushButton* addClassButton_;
};

} // namespace exemplar::ui
