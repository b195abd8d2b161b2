// Labels with a full, persistent history: every change records the before and after of each label
// it touched, so undo/redo survive restarts and every label can be audited.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"
#include "core/catalogue/Timestamps.h"

namespace exemplar {

namespace {

struct StoredLabel {
    std::optional<qint64> classId;
    bool exemplar = false;
    QString provenance;
    QString source;
    QString author;
    QString updatedAt;
};

std::optional<StoredLabel> readStored(Statement& get, qint64 imageId, qint64 taskId)
{
    get.reset();
    get.bind(1, imageId).bind(2, taskId);
    if (!get.step())
        return std::nullopt;
    return StoredLabel{get.optionalInt64(0), get.int64(1) != 0, get.text(2), get.text(3), get.text(4), get.text(5)};
}

// Writes (or, for nullopt, removes) one label row.
void writeLabel(Database& db, qint64 imageId, qint64 taskId, const std::optional<StoredLabel>& label)
{
    if (!label) {
        auto del = db.prepare("DELETE FROM labels WHERE image_id = ? AND task_id = ?");
        del.bind(1, imageId).bind(2, taskId).run();
        return;
    }
    auto put = db.prepare(
        "INSERT OR REPLACE INTO labels(image_id, task_id, class_id, exemplar, provenance, source, author, updated_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    put.bind(1, imageId)
        .bind(2, taskId)
        .bind(3, label->classId)
        .bind(4, label->exemplar)
        .bind(5, label->provenance)
        .bind(6, label->source)
        .bind(7, label->author)
        .bind(8, label->updatedAt)
        .run();
}

Label toLabel(qint64 imageId, qint64 taskId, const StoredLabel& s)
{
    Label l;
    l.imageId = imageId;
    l.taskId = taskId;
    l.classId = s.classId;
    l.exemplar = s.exemplar;
    l.provenance = provenanceFromName(s.provenance).value_or(Provenance::Curator);
    l.source = s.source;
    l.author = s.author;
    l.updatedAt = fromStoredTime(s.updatedAt);
    return l;
}

ChangeState changeStateFromName(const QString& s)
{
    if (s == QLatin1String("undone")) return ChangeState::Undone;
    if (s == QLatin1String("discarded")) return ChangeState::Discarded;
    return ChangeState::Applied;
}

constexpr const char* kSelectLabel =
    "SELECT class_id, exemplar, provenance, source, author, updated_at FROM labels WHERE image_id = ? AND task_id = ?";

} // namespace

qint64 Catalogue::applyLabelEdits(const QVector<LabelEdit>& edits, const QString& description, const QString& author)
{
    Transaction tx(*db_);
    auto get = db_->prepare(kSelectLabel);
    auto classTask = db_->prepare("SELECT task_id FROM classes WHERE id = ?");
    auto history = db_->prepare(
        "INSERT INTO label_history(change_id, image_id, task_id, old_class_id, old_exemplar, old_provenance, "
        "old_source, old_author, old_updated_at, new_class_id, new_exemplar, new_provenance, new_source) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    QHash<qint64, qint64> taskOfClass;
    qint64 changeId = 0;
    const QString now = storedNow();

    for (const LabelEdit& e : edits) {
        if (e.classId) {
            if (!taskOfClass.contains(*e.classId)) {
                classTask.reset();
                classTask.bind(1, *e.classId);
                taskOfClass.insert(*e.classId, classTask.step() ? classTask.int64(0) : -1);
            }
            if (taskOfClass.value(*e.classId) != e.taskId)
                throw Error(QStringLiteral("%1: class %2 is not a class of task %3; no label was changed")
                                .arg(path())
                                .arg(*e.classId)
                                .arg(e.taskId));
        }
        const auto old = readStored(get, e.imageId, e.taskId);
        std::optional<StoredLabel> next;
        if (e.classId || e.exemplar)
            next = StoredLabel{e.classId, e.exemplar, provenanceName(e.provenance), e.source, author, now};
        const bool unchanged = (!old && !next)
                               || (old && next && old->classId == next->classId && old->exemplar == next->exemplar
                                   && old->provenance == next->provenance && old->source == next->source);
        if (unchanged)
            continue;
        if (changeId == 0) {
            auto change = db_->prepare("INSERT INTO label_changes(at, author, description) VALUES(?, ?, ?)");
            change.bind(1, now).bind(2, author).bind(3, description).run();
            changeId = db_->lastInsertRowId();
        }
        history.reset();
        history.bind(1, changeId).bind(2, e.imageId).bind(3, e.taskId);
        if (old)
            history.bind(4, old->classId).bind(5, old->exemplar).bind(6, old->provenance).bind(7, old->source)
                .bind(8, old->author).bind(9, old->updatedAt);
        else
            history.bindNull(4).bindNull(5).bindNull(6).bindNull(7).bindNull(8).bindNull(9);
        if (next)
            history.bind(10, next->classId).bind(11, next->exemplar).bind(12, next->provenance).bind(13, next->source);
        else
            history.bindNull(10).bindNull(11).bindNull(12).bindNull(13);
        history.run();
        writeLabel(*db_, e.imageId, e.taskId, next);
    }
    if (changeId != 0) {
        // A new change ends the redo branch, as in every editor; the rows stay for the audit trail.
        auto discard = db_->prepare("UPDATE label_changes SET state = 'discarded', state_at = ?, state_by = ? WHERE state = 'undone'");
        discard.bind(1, now).bind(2, author).run();
    }
    tx.commit();
    return changeId;
}

qint64 Catalogue::setClass(const QVector<qint64>& imageIds, qint64 taskId, std::optional<qint64> classId, const QString& author)
{
    QVector<LabelEdit> edits;
    for (qint64 id : imageIds) {
        const auto current = label(id, taskId);
        edits.push_back({id, taskId, classId, current ? current->exemplar : false, Provenance::Curator, {}});
    }
    const auto t = task(taskId);
    const auto cls = (t && classId) ? t->classById(*classId) : std::nullopt;
    const QString what = cls ? QStringLiteral("set %1 to '%2'").arg(t->name, cls->name)
                             : QStringLiteral("clear %1").arg(t ? t->name : QString::number(taskId));
    return applyLabelEdits(edits, QStringLiteral("%1 on %2 image(s)").arg(what).arg(imageIds.size()), author);
}

qint64 Catalogue::toggleExemplar(const QVector<qint64>& imageIds, qint64 taskId, const QString& author)
{
    QVector<std::optional<Label>> current;
    bool allExemplars = !imageIds.isEmpty();
    for (qint64 id : imageIds) {
        current.push_back(label(id, taskId));
        allExemplars = allExemplars && current.back() && current.back()->exemplar;
    }
    QVector<LabelEdit> edits;
    for (int i = 0; i < imageIds.size(); ++i) {
        const auto& c = current[i];
        // Flagging an exemplar is a curator decision even when the class came from an import.
        edits.push_back({imageIds[i], taskId, c ? c->classId : std::nullopt, !allExemplars, Provenance::Curator,
                         c ? c->source : QString()});
    }
    return applyLabelEdits(edits,
                           QStringLiteral("%1 exemplar on %2 image(s)")
                               .arg(allExemplars ? QStringLiteral("unmark") : QStringLiteral("mark"))
                               .arg(imageIds.size()),
                           author);
}

std::optional<Label> Catalogue::label(qint64 imageId, qint64 taskId) const
{
    auto get = db_->prepare(kSelectLabel);
    const auto s = readStored(get, imageId, taskId);
    if (!s)
        return std::nullopt;
    return toLabel(imageId, taskId, *s);
}

QVector<Label> Catalogue::labelsOfImage(qint64 imageId) const
{
    QVector<Label> result;
    auto st = db_->prepare(
        "SELECT task_id, class_id, exemplar, provenance, source, author, updated_at FROM labels WHERE image_id = ? ORDER BY task_id");
    st.bind(1, imageId);
    while (st.step())
        result.push_back(toLabel(imageId, st.int64(0),
                                 {st.optionalInt64(1), st.int64(2) != 0, st.text(3), st.text(4), st.text(5), st.text(6)}));
    return result;
}

QHash<qint64, Label> Catalogue::labelsOfTask(qint64 taskId) const
{
    QHash<qint64, Label> result;
    auto st = db_->prepare(
        "SELECT image_id, class_id, exemplar, provenance, source, author, updated_at FROM labels WHERE task_id = ?");
    st.bind(1, taskId);
    while (st.step())
        result.insert(st.int64(0), toLabel(st.int64(0), taskId,
                                           {st.optionalInt64(1), st.int64(2) != 0, st.text(3), st.text(4), st.text(5), st.text(6)}));
    return result;
}

bool Catalogue::canUndo() const
{
    auto st = db_->prepare("SELECT 1 FROM label_changes WHERE state = 'applied' LIMIT 1");
    return st.step();
}

bool Catalogue::canRedo() const
{
    auto st = db_->prepare("SELECT 1 FROM label_changes WHERE state = 'undone' LIMIT 1");
    return st.step();
}

std::optional<qint64> Catalogue::undo(const QString& author)
{
    Transaction tx(*db_);
    auto latest = db_->prepare("SELECT id FROM label_changes WHERE state = 'applied' ORDER BY id DESC LIMIT 1");
    if (!latest.step())
        return std::nullopt;
    const qint64 changeId = latest.int64(0);
    auto rows = db_->prepare(
        "SELECT image_id, task_id, old_class_id, old_exemplar, old_provenance, old_source, old_author, old_updated_at "
        "FROM label_history WHERE change_id = ? ORDER BY id DESC");
    rows.bind(1, changeId);
    while (rows.step()) {
        std::optional<StoredLabel> old;
        if (!rows.isNull(4))
            old = StoredLabel{rows.optionalInt64(2), rows.int64(3) != 0, rows.text(4), rows.text(5), rows.text(6), rows.text(7)};
        writeLabel(*db_, rows.int64(0), rows.int64(1), old);
    }
    auto mark = db_->prepare("UPDATE label_changes SET state = 'undone', state_at = ?, state_by = ? WHERE id = ?");
    mark.bind(1, storedNow()).bind(2, author).bind(3, changeId).run();
    tx.commit();
    return changeId;
}

std::optional<qint64> Catalogue::redo(const QString& author)
{
    Transaction tx(*db_);
    auto next = db_->prepare("SELECT id, author FROM label_changes WHERE state = 'undone' ORDER BY id ASC LIMIT 1");
    if (!next.step())
        return std::nullopt;
    const qint64 changeId = next.int64(0);
    const QString changeAuthor = next.text(1);
    const QString now = storedNow();
    auto rows = db_->prepare(
        "SELECT image_id, task_id, new_class_id, new_exemplar, new_provenance, new_source "
        "FROM label_history WHERE change_id = ? ORDER BY id ASC");
    rows.bind(1, changeId);
    while (rows.step()) {
        std::optional<StoredLabel> label;
        if (!rows.isNull(4))
            label = StoredLabel{rows.optionalInt64(2), rows.int64(3) != 0, rows.text(4), rows.text(5), changeAuthor, now};
        writeLabel(*db_, rows.int64(0), rows.int64(1), label);
    }
    auto mark = db_->prepare("UPDATE label_changes SET state = 'applied', state_at = ?, state_by = ? WHERE id = ?");
    mark.bind(1, now).bind(2, author).bind(3, changeId).run();
    tx.commit();
    return changeId;
}

QVector<LabelChange> Catalogue::changes(int limit) const
{
    QVector<LabelChange> result;
    auto st = db_->prepare(
        "SELECT c.id, c.at, c.author, c.description, c.state, "
        "(SELECT count(*) FROM label_history h WHERE h.change_id = c.id) "
        "FROM label_changes c ORDER BY c.id DESC LIMIT ?");
    st.bind(1, limit);
    while (st.step())
        result.push_back({st.int64(0), fromStoredTime(st.text(1)), st.text(2), st.text(3),
                          changeStateFromName(st.text(4)), static_cast<int>(st.int64(5))});
    return result;
}

QVector<LabelHistoryEntry> Catalogue::labelHistory(qint64 imageId) const
{
    QVector<LabelHistoryEntry> result;
    auto st = db_->prepare(
        "SELECT h.change_id, c.at, c.author, c.description, c.state, h.task_id, h.old_class_id, h.new_class_id, "
        "h.old_exemplar, h.new_exemplar, h.new_provenance "
        "FROM label_history h JOIN label_changes c ON c.id = h.change_id WHERE h.image_id = ? ORDER BY h.id");
    st.bind(1, imageId);
    while (st.step()) {
        LabelHistoryEntry e;
        e.changeId = st.int64(0);
        e.at = fromStoredTime(st.text(1));
        e.author = st.text(2);
        e.description = st.text(3);
        e.state = changeStateFromName(st.text(4));
        e.taskId = st.int64(5);
        e.oldClassId = st.optionalInt64(6);
        e.newClassId = st.optionalInt64(7);
        e.oldExemplar = st.int64(8) != 0;
        e.newExemplar = st.int64(9) != 0;
        e.newProvenance = st.text(10);
        result.push_back(e);
    }
    return result;
}

QVector<ClassCount> Catalogue::classCounts(qint64 taskId) const
{
    QVector<ClassCount> result;
    auto st = db_->prepare(
        "SELECT c.id, c.name, c.retired, "
        "count(CASE WHEN l.provenance = 'imported' THEN 1 END), "
        "count(CASE WHEN l.provenance = 'curator' THEN 1 END), "
        "count(CASE WHEN l.provenance = 'model' THEN 1 END), "
        "count(CASE WHEN l.exemplar = 1 THEN 1 END) "
        "FROM classes c LEFT JOIN labels l ON l.class_id = c.id AND l.task_id = c.task_id "
        "WHERE c.task_id = ? GROUP BY c.id ORDER BY c.position, c.id");
    st.bind(1, taskId);
    while (st.step()) {
        ClassCount c;
        c.classId = st.int64(0);
        c.className = st.text(1);
        c.retired = st.int64(2) != 0;
        c.imported = static_cast<int>(st.int64(3));
        c.curator = static_cast<int>(st.int64(4));
        c.model = static_cast<int>(st.int64(5));
        c.exemplars = static_cast<int>(st.int64(6));
        result.push_back(c);
    }
    return result;
}

} // namespace exemplar
