#pragma once
// The open catalogue as the widgets see it: the GUI thread's Catalogue connection, the active task,
// cached labels of every task, and the curator's edits (each saved immediately by the catalogue).
// Widgets never write to the catalogue behind the session's back, so its caches stay true and every
// change is announced through its signals.
#include "core/catalogue/Catalogue.h"

#include <QColor>
#include <QHash>
#include <QObject>
#include <memory>
#include <optional>

namespace exemplar::ui {

class CurationSession : public QObject {
    Q_OBJECT
public:
    explicit CurationSession(QObject* parent = nullptr);
    ~CurationSession() override;

    // Opens (or creates) a catalogue and makes it current. Throws exemplar::Error; on failure the
    // previous catalogue stays open.
    void open(const QString& path, Catalogue::OpenMode mode = Catalogue::OpenMode::MustExist);
    void close();
    bool isOpen() const { return catalogue_ != nullptr; }
    QString path() const;
    Catalogue& catalogue(); // throws exemplar::Error when no catalogue is open

    // Re-reads tasks and labels, e.g. after an import written by another connection.
    void reload();

    QVector<TaskInfo> tasks() const { return tasks_; }
    std::optional<TaskInfo> activeTask() const;
    void setActiveTask(qint64 taskId);
    // Classes of the active task that can be assigned (not retired), in task order; digit k is
    // class k-1 of this list.
    QVector<ClassInfo> assignableClasses() const;
    // Position of a class within its task, -1 when unknown.
    int classPosition(qint64 taskId, qint64 classId) const;
    // The colour every view draws the class in (see ui/ClassColors.h); grey when unknown.
    QColor classColour(qint64 classId) const;
    QString className(qint64 taskId, qint64 classId) const;

    const QHash<qint64, Label>& labels(qint64 taskId) const; // empty when unknown
    std::optional<Label> label(qint64 imageId, qint64 taskId) const;

    // ---- edits on the active task, saved at once ----
    // digit 1..9 assigns the digit-th assignable class, 0 clears the class. Returns false (and
    // changes nothing) when there is no such class or no active task.
    bool assignClassByDigit(const QVector<qint64>& imageIds, int digit);
    bool assignClass(const QVector<qint64>& imageIds, std::optional<qint64> classId);
    bool toggleExemplar(const QVector<qint64>& imageIds);
    bool canUndo() const;
    bool canRedo() const;
    bool undo();
    bool redo();

    // Task and class edits (the task editor); they refresh the cached tasks and emit tasksChanged.
    TaskInfo createTask(const QString& name, const QStringList& classes);
    void addClass(qint64 taskId, const QString& name);
    void renameClass(qint64 classId, const QString& name);
    void setClassRetired(qint64 classId, bool retired);
    void reorderClasses(qint64 taskId, const QVector<qint64>& classIdsInOrder);
    // Stores the curator's colour for a class; nullopt returns it to the default of its name.
    void setClassColour(qint64 classId, const std::optional<QColor>& colour);

    QString author() const { return author_; }

Q_SIGNALS:
    void opened();                                 // a (new) catalogue is current: reload everything
    void tasksChanged();                           // tasks or classes were edited
    void activeTaskChanged();
    void labelsChanged(const QVector<qint64>& imageIds); // empty: any image may have changed
    void undoStateChanged();
    void message(const QString& text);             // short status text for the status bar

private:
    bool reloadTasks(); // true when the active task changed
    void afterTaskEdit();
    void reloadLabels();
    void afterLabelChange(const QVector<qint64>& imageIds, const QString& what);

    std::unique_ptr<Catalogue> catalogue_;
    QVector<TaskInfo> tasks_;
    qint64 activeTaskId_ = 0;
    QHash<qint64, QHash<qint64, Label>> labels_; // task id -> image id -> label
    QHash<qint64, QColor> colours_;              // class id -> colour, every task
    QString author_;
};

} // namespace exemplar::ui
