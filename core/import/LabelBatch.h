#pragma once
// Collects the labels of one import and applies them as ONE undoable change. Labels a curator set
// by hand are kept (an import must not undo curation; the row is reported); labels that already
// say the same thing are not rewritten, so re-importing a file changes nothing.
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"

#include <QHash>

namespace exemplar {

class LabelBatch {
public:
    explicit LabelBatch(Catalogue& catalogue) : catalogue_(catalogue) {}

    // Queues class `classId` of `task` for the image; `where` ("file:line") names the row in reports.
    void set(qint64 imageId, qint64 taskId, qint64 classId, const QString& source, const QString& where,
             ImportReport& report);

    // What a labels file says about one (image, task): its class (none: only an exemplar flag), its
    // exemplar flag (nullopt: the file doesn't say, the image keeps its flag) and provenance (an
    // Exemplar export keeps what each label was: a curator's label stays a curator's label).
    struct Entry {
        std::optional<qint64> classId;
        std::optional<bool> exemplar;
        Provenance provenance = Provenance::Imported;
    };
    void set(qint64 imageId, qint64 taskId, const Entry& entry, const QString& source, const QString& where,
             ImportReport& report);

    // Applies everything queued in one transaction; adds the count to report.labelsSet.
    void apply(const QString& description, const QString& author, ImportReport& report);

private:
    const QHash<qint64, Label>& existing(qint64 taskId);

    Catalogue& catalogue_;
    QHash<qint64, QHash<qint64, Label>> existing_; // task -> image -> label
    QVector<LabelEdit> edits_;
};

// Writes attributes in batches (one transaction each) so that a long import commits as it goes.
class AttributeWriter {
public:
    AttributeWriter(Catalogue& catalogue, int batchSize = 5000) : catalogue_(catalogue), batchSize_(batchSize) {}
    void add(AttributeValue value, ImportReport& report);
    void flush(ImportReport& report);

private:
    Catalogue& catalogue_;
    int batchSize_;
    std::vector<AttributeValue> pending_;
};

// The value of a cell as stored in an attribute: double when it is a number, else the text.
QVariant attributeValueOf(const QString& cell, bool decimalComma);

} // namespace exemplar
