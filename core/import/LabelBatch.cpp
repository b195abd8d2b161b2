#include "core/import/LabelBatch.h"

#include "core/import/TextTable.h"

namespace exemplar {

const QHash<qint64, Label>& LabelBatch::existing(qint64 taskId)
{
    auto it = existing_.find(taskId);
    if (it == existing_.end()) it = existing_.insert(taskId, catalogue_.labelsOfTask(taskId));
    return *it;
}

void LabelBatch::set(qint64 imageId, qint64 taskId, qint64 classId, const QString& source, const QString& where,
                     ImportReport& report)
{
    set(imageId, taskId, Entry{classId, std::nullopt, Provenance::Imported}, source, where, report);
}

void LabelBatch::set(qint64 imageId, qint64 taskId, const Entry& entry, const QString& source, const QString& where,
                     ImportReport& report)
{
    const auto& labels = existing(taskId);
    LabelEdit edit;
    edit.imageId = imageId;
    edit.taskId = taskId;
    edit.classId = entry.classId;
    edit.exemplar = entry.exemplar.value_or(false);
    edit.provenance = entry.provenance;
    edit.source = source;
    if (const auto it = labels.constFind(imageId); it != labels.constEnd()) {
        const Label& old = *it;
        edit.exemplar = entry.exemplar.value_or(old.exemplar);
        if (old.provenance == Provenance::Curator && old.classId && old.classId != entry.classId) {
            const auto task = catalogue_.task(taskId);
            const auto kept = task ? task->classById(*old.classId) : std::nullopt;
            const auto wanted = task && entry.classId ? task->classById(*entry.classId) : std::nullopt;
            report.issues.append({where, QStringLiteral("kept the curator's label \"%1\" for task \"%2\" (the file says \"%3\")")
                                             .arg(kept ? kept->name : QString(), task ? task->name : QString(),
                                                  wanted ? wanted->name : QStringLiteral("no class"))});
            ++report.skipped;
            return;
        }
        if (old.classId == entry.classId && old.provenance == Provenance::Curator) {
            if (old.exemplar == edit.exemplar) return; // the curator agrees
            edit.provenance = Provenance::Curator;     // only the flag changes: still the curator's class
            edit.source = old.source;
        }
        if (old.classId == edit.classId && old.exemplar == edit.exemplar && old.provenance == edit.provenance
            && old.source == edit.source)
            return; // already says the same: re-importing a file changes nothing
    } else if (!edit.classId && !edit.exemplar) {
        return; // nothing to say about this image
    }
    edits_.append(edit);
}

void LabelBatch::apply(const QString& description, const QString& author, ImportReport& report)
{
    if (edits_.isEmpty()) return;
    catalogue_.applyLabelEdits(edits_, description, author);
    report.labelsSet += int(edits_.size());
    edits_.clear();
    existing_.clear();
}

void AttributeWriter::add(AttributeValue value, ImportReport& report)
{
    pending_.push_back(std::move(value));
    if (int(pending_.size()) >= batchSize_) flush(report);
}

void AttributeWriter::flush(ImportReport& report)
{
    if (pending_.empty()) return;
    catalogue_.setAttributes(pending_);
    report.attributesSet += int(pending_.size());
    pending_.clear();
}

QVariant attributeValueOf(const QString& cell, bool decimalComma)
{
    if (const auto number = parseNumber(cell, decimalComma)) return *number;
    return cell.trimmed();
}

} // namespace exemplar
