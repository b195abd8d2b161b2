#include "ui/curation/CurationSession.h"

#include "core/catalogue/ClassColourStore.h"
#include "core/util/Error.h"
#include "ui/ClassColors.h"

#include <QDir>
#include <QFileInfo>

namespace exemplar::ui {

CurationSession::CurationSession(QObject* parent) : QObject(parent)
{
    author_ = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME", QStringLiteral("curator")));
}

CurationSession::~CurationSession() = default;

void CurationSession::open(const QString& path, Catalogue::OpenMode mode)
{
    auto next = std::make_unique<Catalogue>(Catalogue::open(QFileInfo(path).absoluteFilePath(), mode));
    catalogue_ = std::move(next);
    activeTaskId_ = 0;
    reloadTasks();
    reloadLabels();
    Q_EMIT opened();
    Q_EMIT activeTaskChanged();
    Q_EMIT undoStateChanged();
}

void CurationSession::close()
{
    catalogue_.reset();
    tasks_.clear();
    labels_.clear();
    activeTaskId_ = 0;
    Q_EMIT opened();
    Q_EMIT activeTaskChanged();
    Q_EMIT undoStateChanged();
}

QString CurationSession::path() const { return catalogue_ ? catalogue_->path() : QString(); }

Catalogue& CurationSession::catalogue()
{
    if (!catalogue_)
        throw Error(QStringLiteral("no catalogue is open"));
    return *catalogue_;
}

void CurationSession::reload()
{
    if (!catalogue_)
        return;
    reloadTasks();
    reloadLabels();
    Q_EMIT opened();
    Q_EMIT activeTaskChanged();
    Q_EMIT undoStateChanged();
}

bool CurationSession::reloadTasks()
{
    const qint64 before = activeTaskId_;
    tasks_ = catalogue_ ? catalogue_->tasks() : QVector<TaskInfo>{};
    colours_.clear();
    const QHash<qint64, quint32> stored = catalogue_ ? ClassColourStore(*catalogue_).colours() : QHash<qint64, quint32>{};
    for (const TaskInfo& t : std::as_const(tasks_))
        colours_.insert(classColours(t, stored));
    const bool activeExists = std::any_of(tasks_.begin(), tasks_.end(), [&](const TaskInfo& t) { return t.id == activeTaskId_; });
    if (!activeExists)
        activeTaskId_ = tasks_.isEmpty() ? 0 : tasks_.first().id;
    return activeTaskId_ != before;
}

void CurationSession::afterTaskEdit()
{
    const bool activeChanged = reloadTasks();
    Q_EMIT tasksChanged();
    if (activeChanged)
        Q_EMIT activeTaskChanged();
}

void CurationSession::reloadLabels()
{
    labels_.clear();
    if (!catalogue_)
        return;
    for (const TaskInfo& t : tasks_)
        labels_.insert(t.id, catalogue_->labelsOfTask(t.id));
}

std::optional<TaskInfo> CurationSession::activeTask() const
{
    for (const TaskInfo& t : tasks_)
        if (t.id == activeTaskId_)
            return t;
    return std::nullopt;
}

void CurationSession::setActiveTask(qint64 taskId)
{
    if (taskId == activeTaskId_)
        return;
    activeTaskId_ = taskId;
    Q_EMIT activeTaskChanged();
}

QVector<ClassInfo> CurationSession::assignableClasses() const
{
    QVector<ClassInfo> out;
    if (const auto task = activeTask())
        for (const ClassInfo& c : task->classes)
            if (!c.retired)
                out.push_back(c);
    return out;
}

int CurationSession::classPosition(qint64 taskId, qint64 classId) const
{
    for (const TaskInfo& t : tasks_)
        if (t.id == taskId)
            for (int i = 0; i < t.classes.size(); ++i)
                if (t.classes[i].id == classId)
                    return i;
    return -1;
}

QColor CurationSession::classColour(qint64 classId) const { return colours_.value(classId, QColor(Qt::gray)); }

QString CurationSession::className(qint64 taskId, qint64 classId) const
{
    for (const TaskInfo& t : tasks_)
        if (t.id == taskId)
            if (const auto c = t.classById(classId))
                return c->name;
    return {};
}

const QHash<qint64, Label>& CurationSession::labels(qint64 taskId) const
{
    static const QHash<qint64, Label> none;
    const auto it = labels_.constFind(taskId);
    return it == labels_.constEnd() ? none : *it;
}

std::optional<Label> CurationSession::label(qint64 imageId, qint64 taskId) const
{
    const auto& byImage = labels(taskId);
    const auto it = byImage.constFind(imageId);
    if (it == byImage.constEnd())
        return std::nullopt;
    return *it;
}

bool CurationSession::assignClassByDigit(const QVector<qint64>& imageIds, int digit)
{
    if (!activeTask() || imageIds.isEmpty())
        return false;
    if (digit == 0)
        return assignClass(imageIds, std::nullopt);
    const QVector<ClassInfo> classes = assignableClasses();
    if (digit < 1 || digit > classes.size())
        return false;
    return assignClass(imageIds, classes[digit - 1].id);
}

bool CurationSession::assignClass(const QVector<qint64>& imageIds, std::optional<qint64> classId)
{
    const auto task = activeTask();
    if (!task || imageIds.isEmpty() || !catalogue_)
        return false;
    catalogue_->setClass(imageIds, task->id, classId, author_);
    const QString name = classId ? className(task->id, *classId) : QStringLiteral("no class");
    afterLabelChange(imageIds, QStringLiteral("%1 → %2").arg(imageIds.size() == 1 ? QStringLiteral("1 face")
                                                                                 : QStringLiteral("%1 faces").arg(imageIds.size()),
                                                             name));
    return true;
}

bool CurationSession::toggleExemplar(const QVector<qint64>& imageIds)
{
    const auto task = activeTask();
    if (!task || imageIds.isEmpty() || !catalogue_)
        return false;
    catalogue_->toggleExemplar(imageIds, task->id, author_);
    afterLabelChange(imageIds, QStringLiteral("Exemplar flag toggled on %1 face(s)").arg(imageIds.size()));
    return true;
}

void CurationSession::afterLabelChange(const QVector<qint64>& imageIds, const QString& what)
{
    const auto task = activeTask();
    auto& cache = labels_[task->id];
    if (imageIds.size() > 200) {
        cache = catalogue_->labelsOfTask(task->id); // one query beats thousands of single reads
    } else {
        for (qint64 id : imageIds) {
            if (auto l = catalogue_->label(id, task->id))
                cache.insert(id, *l);
            else
                cache.remove(id);
        }
    }
    Q_EMIT labelsChanged(imageIds);
    Q_EMIT undoStateChanged();
    Q_EMIT message(QStringLiteral("Saved: %1").arg(what));
}

bool CurationSession::canUndo() const { return catalogue_ && catalogue_->canUndo(); }
bool CurationSession::canRedo() const { return catalogue_ && catalogue_->canRedo(); }

bool CurationSession::undo()
{
    if (!catalogue_)
        return false;
    const QVector<LabelChange> latest = catalogue_->changes(1);
    if (!catalogue_->undo(author_))
        return false;
    // The catalogue does not say which images a change touched, so every cached label is re-read.
    reloadLabels();
    Q_EMIT labelsChanged({});
    Q_EMIT undoStateChanged();
    Q_EMIT message(QStringLiteral("Undone: %1").arg(latest.isEmpty() ? QString() : latest.first().description));
    return true;
}

bool CurationSession::redo()
{
    if (!catalogue_ || !catalogue_->redo(author_))
        return false;
    reloadLabels();
    Q_EMIT labelsChanged({});
    Q_EMIT undoStateChanged();
    Q_EMIT message(QStringLiteral("Redone"));
    return true;
}

TaskInfo CurationSession::createTask(const QString& name, const QStringList& classes)
{
    if (catalogue().task(name))
        throw Error(QStringLiteral("%1: a task named \"%2\" already exists").arg(path(), name));
    const TaskInfo t = catalogue().ensureTask(name, classes);
    labels_.insert(t.id, {});
    afterTaskEdit();
    return t;
}

void CurationSession::addClass(qint64 taskId, const QString& name)
{
    catalogue().addClass(taskId, name);
    afterTaskEdit();
}

void CurationSession::renameClass(qint64 classId, const QString& name)
{
    catalogue().renameClass(classId, name);
    afterTaskEdit();
}

void CurationSession::setClassRetired(qint64 classId, bool retired)
{
    catalogue().setClassRetired(classId, retired);
    afterTaskEdit();
}

void CurationSession::reorderClasses(qint64 taskId, const QVector<qint64>& classIdsInOrder)
{
    catalogue().reorderClasses(taskId, classIdsInOrder);
    afterTaskEdit();
}

void CurationSession::setClassColour(qint64 classId, const std::optional<QColor>& colour)
{
    ClassColourStore(catalogue()).setColour(classId, colour ? std::optional<quint32>(colour->rgb() & 0xFFFFFFu) : std::nullopt);
    afterTaskEdit();
}

} // namespace exemplar::ui
