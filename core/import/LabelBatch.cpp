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
    const auto& labels = existing(taskId);
    bool exemplar = false;
    if (const auto it = labels.constFind(imageId); it != labels.constEnd()) {
        const Label& old = *it;
        exemplar = old.exemplar;
        if (old.classId == classId && old.provenance == Provenance::Imported && old.source == source) return;
        if (old.provenance == Provenance::Curator && old.classId && *old.classId != classId) {
            const auto task = catalogue_.task(taskId);
            const auto kept = task ? task->classById(*old.classId) : std::nullopt;
            const auto wanted = task ? task->classById(classId) : std::nullopt;
            report.issues.append({where, QStringLiteral("kept the curator's label \"%1\" for task \"%2\" (the file says \"%3\")")
                                             .arg(kept ? kept->name : QString(), task ? task->name : QString(),
                                                  wanted ? wanted->name : QString())});
            ++report.skipped;
            return;
        }
        if (old.classId == classId && old.provenance == Provenance::Curator) return; // curator agrees
    }
    LabelEdit edit;
    edit.imageId = imageId;
    edit.taskId = taskId;
    edit.classId = classId;
    edit.exemplar = exemplar;
    edit.provenance = Provenance::Imported;
    edit.source = source;
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
