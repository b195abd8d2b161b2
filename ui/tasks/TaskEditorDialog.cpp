#include "ui/tasks/TaskEditorDialog.h"

#include "core/util/Error.h"
#include "ui/curation/CurationSession.h"

#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QColorDialog>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMenu>
#include <QPixmap>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace exemplar::ui {

TaskEditorDialog::TaskEditorDialog(CurationSession* session, QWidget* parent) : QDialog(parent), session_(session)
{
    setWindowTitle(tr("Tasks and classes"));
    setObjectName(QStringLiteral("taskEditor"));
    resize(620, 420);

    auto* tasksBox = new QGroupBox(tr("Tasks"));
    auto* tasksLayout = new QVBoxLayout(tasksBox);
    tasks_ = new QListWidget;
    auto* newTask = new QPushButton(tr("New task…"));
    tasksLayout->addWidget(tasks_);
    tasksLayout->addWidget(newTask);

    auto* classesBox = new QGroupBox(tr("Classes (digit keys follow this order)"));
    auto* classesLayout = new QHBoxLayout(classesBox);
    classes_ = new QListWidget;
    auto* buttons = new QVBoxLayout;
    addClassButton_ = new QPushButton(tr("Add…"));
    renameButton_ = new QPushButton(tr("Rename…"));
    upButton_ = new QPushButton(tr("Move up"));
    downButton_ = new QPushButton(tr("Move down"));
    retireButton_ = new QPushButton(tr("Retire"));
    for (QPushButton* b : {addClassButton_, renameButton_, upButton_, downButton_, retireButton_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    classesLayout->addWidget(classes_, 1);
    classesLayout->addLayout(buttons);

    auto* top = new QHBoxLayout;
    top->addWidget(tasksBox, 2);
    top->addWidget(classesBox, 3);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(tasks_, &QListWidget::currentRowChanged, this, &TaskEditorDialog::reloadClasses);
    connect(classes_, &QListWidget::currentRowChanged, this, &TaskEditorDialog::updateButtons);
    connect(newTask, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("New task"), tr("Task name (e.g. sex):"), QLineEdit::Normal, {}, &ok).trimmed();
        if (!ok || name.isEmpty())
            return;
        const QString classes = QInputDialog::getText(this, tr("New task"), tr("Classes, comma-separated (e.g. female, male):"),
                                                      QLineEdit::Normal, {}, &ok);
        if (!ok)
            return;
        QStringList list;
        for (const QString& c : classes.split(QLatin1Char(',')))
            if (!c.trimmed().isEmpty())
                list << c.trimmed();
        createTask(name, list);
    });
    connect(addClassButton_, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Add class"), tr("Class name:"), QLineEdit::Normal, {}, &ok).trimmed();
        if (ok && !name.isEmpty())
            addClass(name);
    });
    connect(renameButton_, &QPushButton::clicked, this, [this] {
        if (!classes_->currentItem())
            return;
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename class"), tr("New name:"), QLineEdit::Normal,
                                                   classes_->currentItem()->data(Qt::UserRole + 1).toString(), &ok)
                                 .trimmed();
        if (ok && !name.isEmpty())
            renameSelectedClass(name);
    });
    connect(upButton_, &QPushButton::clicked, this, [this] { moveSelectedClass(-1); });
    connect(downButton_, &QPushButton::clicked, this, [this] { moveSelectedClass(+1); });
    connect(retireButton_, &QPushButton::clicked, this, &TaskEditorDialog::toggleSelectedClassRetired);
    reloadTasks();
    if (const auto active = session_->activeTask())
        selectTask(active->id);
}

bool TaskEditorDialog::run(const std::function<void()>& edit)
{
    try {
        edit();
        return true;
    } catch (const Error& e) {
        if (isVisible())
            QMessageBox::warning(this, windowTitle(), e.message());
        return false;
    }
}

void TaskEditorDialog::reloadTasks()
{
    const qint64 keep = selectedTaskId();
    tasks_->blockSignals(true);
    tasks_->clear();
    for (const TaskInfo& t : session_->tasks()) {
        auto* item = new QListWidgetItem(QStringLiteral("%1  (%2 classes)").arg(t.name).arg(t.classes.size()));
        item->setData(Qt::UserRole, t.id);
        tasks_->addItem(item);
    }
    tasks_->blockSignals(false);
    selectTask(keep);
    if (tasks_->currentRow() < 0 && tasks_->count() > 0)
        tasks_->setCurrentRow(0);
    reloadClasses();
}

void TaskEditorDialog::reloadClasses()
{
    const int keepRow = classes_->currentRow();
    classes_->clear();
    const qint64 taskId = selectedTaskId();
    for (const TaskInfo& t : session_->tasks()) {
        if (t.id != taskId)
            continue;
        int digit = 0;
        for (const ClassInfo& c : t.classes) {
            const QString text = c.retired ? tr("%1   (retired)").arg(c.name)
                                           : (++digit <= 9 ? QStringLiteral("%1   [%2]").arg(c.name).arg(digit) : c.name);
            // The row widget draws the text; the item keeps it for accessibility and tests.
            auto* item = new QListWidgetItem;
            item->setData(Qt::AccessibleTextRole, text);
            item->setData(Qt::UserRole, c.id);
            item->setData(Qt::UserRole + 1, c.name);
            item->setData(Qt::UserRole + 2, c.retired);
            QWidget* row = classRow(c.id, text, c.retired);
            item->setSizeHint(row->sizeHint());
            classes_->addItem(item);
            classes_->setItemWidget(item, row);
        }
    }
    if (classes_->count() > 0)
        classes_->setCurrentRow(std::clamp(keepRow, 0, classes_->count() - 1));
    updateButtons();
}

QWidget* TaskEditorDialog::classRow(qint64 classId, const QString& text, bool retired)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(2, 1, 4, 1);
    auto* swatch = new QToolButton;
    swatch->setObjectName(QStringLiteral("classColour"));
    const QColor colour = session_->classColour(classId);
    QPixmap pm(16, 16);
    pm.fill(colour);
    swatch->setIcon(QIcon(pm));
    swatch->setAutoRaise(true);
    swatch->setToolTip(tr("Colour of this class in tiles, filters and charts (%1): click to change").arg(colour.name()));
    swatch->setPopupMode(QToolButton::MenuButtonPopup);
    auto* menu = new QMenu(swatch);
    menu->addAction(tr("Use the default colour"), this, [this, classId] {
        selectClassById(classId);
        setSelectedClassColour(std::nullopt);
    });
    swatch->setMenu(menu);
    connect(swatch, &QToolButton::clicked, this, [this, classId] { chooseColour(classId); });
    auto* label = new QLabel(text);
    label->setObjectName(QStringLiteral("className"));
    label->setProperty("retired", retired);
    label->setAttribute(Qt::WA_TransparentForMouseEvents); // clicks select the row underneath
    layout->addWidget(swatch);
    layout->addWidget(label, 1);
    return row;
}

void TaskEditorDialog::selectClassById(qint64 classId)
{
    for (int i = 0; i < classes_->count(); ++i)
        if (classes_->item(i)->data(Qt::UserRole).toLongLong() == classId)
            classes_->setCurrentRow(i);
}

void TaskEditorDialog::chooseColour(qint64 classId)
{
    selectClassById(classId);
    auto* item = classes_->currentItem();
    if (!item)
        return;
    const QColor chosen = QColorDialog::getColor(session_->classColour(classId), this,
                                                 tr("Colour of %1").arg(item->data(Qt::UserRole + 1).toString()));
    if (chosen.isValid())
        setSelectedClassColour(chosen);
}

QToolButton* TaskEditorDialog::colourButton(int row) const
{
    QWidget* w = row >= 0 && row < classes_->count() ? classes_->itemWidget(classes_->item(row)) : nullptr;
    return w ? w->findChild<QToolButton*>(QStringLiteral("classColour")) : nullptr;
}

bool TaskEditorDialog::setSelectedClassColour(const std::optional<QColor>& colour)
{
    auto* item = classes_->currentItem();
    if (!item)
        return false;
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    if (!run([&] { session_->setClassColour(id, colour); }))
        return false;
    reloadTasks();
    return true;
}

void TaskEditorDialog::updateButtons()
{
    const int row = classes_->currentRow();
    const bool has = row >= 0;
    // The row widgets draw the text, so they follow the selection's colours themselves.
    for (int i = 0; i < classes_->count(); ++i)
        if (QWidget* w = classes_->itemWidget(classes_->item(i)))
            if (auto* label = w->findChild<QLabel*>(QStringLiteral("className")))
                label->setForegroundRole(i == row                             ? QPalette::HighlightedText
                                         : label->property("retired").toBool() ? QPalette::PlaceholderText
                                                                               : QPalette::WindowText);
    addClassButton_->setEnabled(selectedTaskId() != 0);
    renameButton_->setEnabled(has);
    upButton_->setEnabled(has && row > 0);
    downButton_->setEnabled(has && row < classes_->count() - 1);
    retireButton_->setEnabled(has);
    retireButton_->setText(has && classes_->item(row)->data(Qt::UserRole + 2).toBool() ? tr("Restore") : tr("Retire"));
}

void TaskEditorDialog::selectTask(qint64 taskId)
{
    for (int i = 0; i < tasks_->count(); ++i)
        if (tasks_->item(i)->data(Qt::UserRole).toLongLong() == taskId)
            tasks_->setCurrentRow(i);
}

qint64 TaskEditorDialog::selectedTaskId() const
{
    return tasks_->currentItem() ? tasks_->currentItem()->data(Qt::UserRole).toLongLong() : 0;
}

void TaskEditorDialog::selectClassRow(int row) { classes_->setCurrentRow(row); }

bool TaskEditorDialog::createTask(const QString& name, const QStringList& classes)
{
    TaskInfo created;
    if (!run([&] { created = session_->createTask(name, classes); }))
        return false;
    reloadTasks();
    selectTask(created.id);
    return true;
}

bool TaskEditorDialog::addClass(const QString& name)
{
    const qint64 task = selectedTaskId();
    if (!task || !run([&] { session_->addClass(task, name); }))
        return false;
    reloadTasks();
    classes_->setCurrentRow(classes_->count() - 1);
    return true;
}

bool TaskEditorDialog::renameSelectedClass(const QString& name)
{
    auto* item = classes_->currentItem();
    if (!item || !run([&] { session_->renameClass(item->data(Qt::UserRole).toLongLong(), name); }))
        return false;
    reloadTasks();
    return true;
}

bool TaskEditorDialog::moveSelectedClass(int delta)
{
    const int row = classes_->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= classes_->count())
        return false;
    QVector<qint64> order;
    for (int i = 0; i < classes_->count(); ++i)
        order << classes_->item(i)->data(Qt::UserRole).toLongLong();
    order.move(row, to);
    const qint64 task = selectedTaskId();
    if (!run([&] { session_->reorderClasses(task, order); }))
        return false;
    reloadTasks();
    classes_->setCurrentRow(to);
    return true;
}

bool TaskEditorDialog::toggleSelectedClassRetired()
{
    auto* item = classes_->currentItem();
    if (!item)
        return false;
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    const bool retired = item->data(Qt::UserRole + 2).toBool();
    if (!run([&] { session_->setClassRetired(id, !retired); }))
        return false;
    reloadTasks();
    return true;
}

} // namespace exemplar::ui
