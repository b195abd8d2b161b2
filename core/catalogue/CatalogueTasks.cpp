// Tasks and their ordered, editable class lists.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"
#include "core/catalogue/Timestamps.h"

namespace exemplar {

namespace {

QVector<ClassInfo> classesOf(Database& db, qint64 taskId)
{
    QVector<ClassInfo> result;
    auto st = db.prepare("SELECT id, name, position, retired FROM classes WHERE task_id = ? ORDER BY position, id");
    st.bind(1, taskId);
    while (st.step())
        result.push_back({st.int64(0), st.text(1), static_cast<int>(st.int64(2)), st.int64(3) != 0});
    return result;
}

void requireName(const QString& what, const QString& name)
{
    if (name.trimmed().isEmpty())
        throw Error(QStringLiteral("a %1 name cannot be empty").arg(what));
}

} // namespace

TaskInfo Catalogue::ensureTask(const QString& name, const QStringList& classes)
{
    requireName(QStringLiteral("task"), name);
    Transaction tx(*db_);
    qint64 taskId = 0;
    {
        auto find = db_->prepare("SELECT id FROM tasks WHERE name = ?");
        find.bind(1, name);
        if (find.step()) {
            taskId = find.int64(0);
        } else {
            auto insert = db_->prepare("INSERT INTO tasks(name, created_at) VALUES(?, ?)");
            insert.bind(1, name).bind(2, storedNow()).run();
            taskId = db_->lastInsertRowId();
        }
    }
    QVector<ClassInfo> existing = classesOf(*db_, taskId);
    int nextPosition = existing.isEmpty() ? 0 : existing.back().position + 1;
    auto insertClass = db_->prepare("INSERT INTO classes(task_id, name, position) VALUES(?, ?, ?)");
    for (const QString& c : classes) {
        requireName(QStringLiteral("class"), c);
        const bool known = std::any_of(existing.begin(), existing.end(), [&](const ClassInfo& e) { return e.name == c; });
        if (known)
            continue;
        insertClass.reset();
        insertClass.bind(1, taskId).bind(2, c).bind(3, nextPosition).run();
        existing.push_back({db_->lastInsertRowId(), c, nextPosition, false});
        ++nextPosition;
    }
    tx.commit();
    return TaskInfo{taskId, name, classesOf(*db_, taskId)};
}

std::optional<TaskInfo> Catalogue::task(const QString& name) const
{
    auto st = db_->prepare("SELECT id FROM tasks WHERE name = ?");
    st.bind(1, name);
    if (!st.step())
        return std::nullopt;
    return TaskInfo{st.int64(0), name, classesOf(*db_, st.int64(0))};
}

std::optional<TaskInfo> Catalogue::task(qint64 taskId) const
{
    auto st = db_->prepare("SELECT name FROM tasks WHERE id = ?");
    st.bind(1, taskId);
    if (!st.step())
        return std::nullopt;
    return TaskInfo{taskId, st.text(0), classesOf(*db_, taskId)};
}

QVector<TaskInfo> Catalogue::tasks() const
{
    QVector<TaskInfo> result;
    auto st = db_->prepare("SELECT id, name FROM tasks ORDER BY id");
    while (st.step())
        result.push_back({st.int64(0), st.text(1), {}});
    for (auto& t : result)
        t.classes = classesOf(*db_, t.id);
    return result;
}

qint64 Catalogue::addClass(qint64 taskId, const QString& className)
{
    const auto t = task(taskId);
    if (!t)
        throw Error(QStringLiteral("%1: no task with id %2").arg(path()).arg(taskId));
    if (t->classByName(className))
        throw Error(QStringLiteral("task '%1' already has a class '%2'").arg(t->name, className));
    return ensureTask(t->name, {className}).classByName(className)->id;
}

void Catalogue::renameClass(qint64 classId, const QString& newName)
{
    requireName(QStringLiteral("class"), newName);
    Transaction tx(*db_);
    auto clash = db_->prepare(
        "SELECT count(*) FROM classes WHERE name = ? AND id != ? AND task_id = (SELECT task_id FROM classes WHERE id = ?)");
    clash.bind(1, newName).bind(2, classId).bind(3, classId);
    if (clash.step() && clash.int64(0) > 0)
        throw Error(QStringLiteral("the task already has a class named '%1'").arg(newName));
    auto st = db_->prepare("UPDATE classes SET name = ? WHERE id = ?");
    st.bind(1, newName).bind(2, classId).run();
    if (db_->changes() == 0)
        throw Error(QStringLiteral("%1: no class with id %2").arg(path()).arg(classId));
    tx.commit();
}

void Catalogue::setClassRetired(qint64 classId, bool retired)
{
    auto st = db_->prepare("UPDATE classes SET retired = ? WHERE id = ?");
    st.bind(1, retired).bind(2, classId).run();
    if (db_->changes() == 0)
        throw Error(QStringLiteral("%1: no class with id %2").arg(path()).arg(classId));
}

void Catalogue::reorderClasses(qint64 taskId, const QVector<qint64>& classIdsInOrder)
{
    Transaction tx(*db_);
    const auto current = classesOf(*db_, taskId);
    if (current.size() != classIdsInOrder.size())
        throw Error(QStringLiteral("reordering classes needs all %1 classes of the task, got %2")
                        .arg(current.size())
                        .arg(classIdsInOrder.size()));
    auto st = db_->prepare("UPDATE classes SET position = ? WHERE id = ? AND task_id = ?");
    for (int i = 0; i < classIdsInOrder.size(); ++i) {
        st.reset();
        st.bind(1, i).bind(2, classIdsInOrder[i]).bind(3, taskId).run();
        if (db_->changes() != 1)
            throw Error(QStringLiteral("class %1 does not belong to task %2").arg(classIdsInOrder[i]).arg(taskId));
    }
    tx.commit();
}

void Catalogue::renameTask(qint64 taskId, const QString& newName)
{
    requireName(QStringLiteral("task"), newName);
    if (auto other = task(newName); other && other->id != taskId)
        throw Error(QStringLiteral("there is already a task named '%1'").arg(newName));
    auto st = db_->prepare("UPDATE tasks SET name = ? WHERE id = ?");
    st.bind(1, newName).bind(2, taskId).run();
    if (db_->changes() == 0)
        throw Error(QStringLiteral("%1: no task with id %2").arg(path()).arg(taskId));
}

} // namespace exemplar
