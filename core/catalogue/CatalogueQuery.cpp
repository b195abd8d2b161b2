// Gallery queries and summary statistics.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"

namespace exemplar {

namespace {

void appendList(QByteArray& sql, QVariantList& params, const QVariantList& values)
{
    sql += "(";
    for (int i = 0; i < values.size(); ++i) {
        sql += i ? ",?" : "?";
        params << values[i];
    }
    sql += ")";
}

// One search condition as a boolean SQL expression over the image row `i`. Label conditions are
// subqueries rather than joins so that several tasks, and negation, combine without NULL surprises.
void appendCondition(QByteArray& sql, QVariantList& params, const SearchCondition& c)
{
    using Kind = SearchCondition::Kind;
    sql += c.negated ? " AND NOT (" : " AND (";
    const char* label = "EXISTS(SELECT 1 FROM labels x WHERE x.image_id = i.id AND x.task_id = ?";
    switch (c.kind) {
    case Kind::FileContains:
        sql += "instr(lower(i.rel_path), lower(?)) > 0";
        params << c.text;
        break;
    case Kind::ClassIn: {
        sql += label;
        sql += " AND x.class_id IN ";
        params << c.taskId;
        QVariantList ids;
        for (qint64 id : c.classIds)
            ids << id;
        appendList(sql, params, ids);
        sql += ")";
        break;
    }
    case Kind::Unlabelled:
        sql += "NOT ";
        sql += label;
        sql += " AND x.class_id IS NOT NULL)";
        params << c.taskId;
        break;
    case Kind::Exemplar:
        sql += label;
        sql += " AND x.exemplar = 1)";
        params << c.taskId;
        break;
    case Kind::ProvenanceIs:
        sql += label;
        sql += " AND x.provenance = ?)";
        params << c.taskId << c.text;
        break;
    case Kind::AttributeCompare: {
        static constexpr const char* ops[] = {"<", "<=", "=", ">=", ">"};
        sql += "EXISTS(SELECT 1 FROM attributes a WHERE a.image_id = i.id AND a.name = ? AND a.num_value ";
        sql += ops[static_cast<int>(c.compare)];
        sql += " ?)";
        params << c.text << c.number;
        break;
    }
    case Kind::AttributeEquals: {
        sql += "EXISTS(SELECT 1 FROM attributes a WHERE a.image_id = i.id AND a.name = ? "
               "AND (lower(a.text_value) = lower(?)";
        params << c.text << c.value;
        bool numeric = false;
        const double number = c.value.toDouble(&numeric);
        if (numeric) {
            sql += " OR a.num_value = ?";
            params << number;
        }
        sql += "))";
        break;
    }
    case Kind::FaceStatusIn: {
        sql += "COALESCE((SELECT f.status FROM face_checks f WHERE f.image_id = i.id), 'unchecked') IN ";
        QVariantList values;
        for (const QString& v : c.values)
            values << v;
        appendList(sql, params, values);
        break;
    }
    }
    sql += ")";
}

} // namespace

QVector<qint64> Catalogue::findImages(const ImageQuery& q) const
{
    const bool labelFilter = !q.classIds.isEmpty() || q.unlabelledOnly || q.exemplarsOnly || q.provenance.has_value();
    if (labelFilter && !q.taskId)
        throw Error(QStringLiteral("filtering by class, exemplar or provenance needs a task"));

    // The SQL is assembled from fixed fragments; every user value is a bound parameter.
    QByteArray sql = "SELECT i.id FROM images i";
    QVariantList params;
    if (q.taskId) {
        sql += " LEFT JOIN labels l ON l.image_id = i.id AND l.task_id = ?";
        params << *q.taskId;
    }
    const bool sortByAttribute = q.sort == ImageQuery::Sort::Attribute && !q.sortAttribute.isEmpty();
    if (sortByAttribute) {
        sql += " LEFT JOIN attributes s ON s.image_id = i.id AND s.name = ?";
        params << q.sortAttribute;
    }
    sql += " WHERE 1";
    if (!q.classIds.isEmpty()) {
        sql += " AND l.class_id IN (";
        for (int i = 0; i < q.classIds.size(); ++i) {
            sql += i ? ",?" : "?";
            params << q.classIds[i];
        }
        sql += ")";
    }
    if (q.unlabelledOnly)
        sql += " AND l.class_id IS NULL";
    if (q.exemplarsOnly)
        sql += " AND l.exemplar = 1";
    if (q.provenance) {
        sql += " AND l.provenance = ?";
        params << provenanceName(*q.provenance);
    }
    if (!q.fileNameContains.isEmpty()) {
        sql += " AND instr(lower(i.rel_path), lower(?)) > 0";
        params << q.fileNameContains;
    }
    if (!q.faceStatuses.isEmpty()) {
        sql += " AND COALESCE((SELECT f.status FROM face_checks f WHERE f.image_id = i.id), 'unchecked') IN (";
        for (int i = 0; i < q.faceStatuses.size(); ++i) {
            sql += i ? ",?" : "?";
            params << q.faceStatuses[i];
        }
        sql += ")";
    }
    for (const auto& range : q.attributeRanges) {
        sql += " AND EXISTS(SELECT 1 FROM attributes a WHERE a.image_id = i.id AND a.name = ?";
        params << range.name;
        if (range.min) {
            sql += " AND a.num_value >= ?";
            params << *range.min;
        }
        if (range.max) {
            sql += " AND a.num_value <= ?";
            params << *range.max;
        }
        sql += ")";
    }
    for (const SearchCondition& c : q.conditions)
        appendCondition(sql, params, c);
    const char* dir = q.descending ? " DESC" : " ASC";
    switch (q.sort) {
    case ImageQuery::Sort::ImportOrder: sql += QByteArray(" ORDER BY i.id") + dir; break;
    case ImageQuery::Sort::Name: sql += QByteArray(" ORDER BY i.rel_path COLLATE NOCASE") + dir + ", i.id"; break;
    case ImageQuery::Sort::Attribute:
        if (sortByAttribute)
            // Images without the attribute go last whatever the direction.
            sql += QByteArray(" ORDER BY (s.num_value IS NULL AND s.text_value IS NULL), s.num_value") + dir
                   + ", s.text_value" + dir + ", i.id";
        else
            sql += " ORDER BY i.id";
        break;
    }

    auto st = db_->prepare(sql.constData());
    for (int i = 0; i < params.size(); ++i) {
        const QVariant& v = params[i];
        if (v.typeId() == QMetaType::Double)
            st.bind(i + 1, v.toDouble());
        else if (v.typeId() == QMetaType::LongLong)
            st.bind(i + 1, v.toLongLong());
        else
            st.bind(i + 1, v.toString());
    }
    QVector<qint64> ids;
    while (st.step())
        ids.push_back(st.int64(0));
    return ids;
}

CatalogueStats Catalogue::stats() const
{
    CatalogueStats s;
    auto counts = db_->prepare(
        "SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM image_roots), "
        "(SELECT count(*) FROM images WHERE identity != '')");
    if (counts.step()) {
        s.images = static_cast<int>(counts.int64(0));
        s.roots = static_cast<int>(counts.int64(1));
        s.imagesWithIdentity = static_cast<int>(counts.int64(2));
    }
    auto perTask = db_->prepare(
        "SELECT count(CASE WHEN class_id IS NOT NULL THEN 1 END), count(CASE WHEN exemplar = 1 THEN 1 END) "
        "FROM labels WHERE task_id = ?");
    for (const TaskInfo& t : tasks()) {
        TaskStats ts;
        ts.task = t;
        ts.classes = classCounts(t.id);
        perTask.reset();
        perTask.bind(1, t.id);
        if (perTask.step()) {
            ts.labelled = static_cast<int>(perTask.int64(0));
            ts.exemplars = static_cast<int>(perTask.int64(1));
        }
        ts.unlabelled = s.images - ts.labelled;
        s.tasks.push_back(ts);
    }
    return s;
}

} // namespace exemplar
