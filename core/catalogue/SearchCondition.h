#pragma once
// One condition of a gallery search (see GallerySearch.h for the text that produces them). Every
// condition of an ImageQuery must hold; `negated` turns one into its opposite. Plain data: the
// catalogue turns it into SQL with bound parameters.
#include <QString>
#include <QStringList>
#include <QVector>

namespace exemplar {

struct SearchCondition {
    enum class Kind {
        FileContains,     // text: case-insensitive substring of the relative path
        ClassIn,          // taskId, classIds: labelled with one of these classes
        Unlabelled,       // taskId: no class for the task
        Exemplar,         // taskId: flagged as an exemplar
        ProvenanceIs,     // taskId, text: the label's provenance name (imported, curator, model)
        AttributeCompare, // text: attribute name; compare, number: its numeric value
        AttributeEquals,  // text: attribute name; value: equal text (case-insensitive) or number
        FaceStatusIn,     // values: face check statuses ("unchecked" for images never checked)
    };
    enum class Compare { Less, LessOrEqual, Equal, GreaterOrEqual, Greater };

    Kind kind = Kind::FileContains;
    bool negated = false;
    qint64 taskId = 0;
    QVector<qint64> classIds;
    QString text;
    QString value;
    Compare compare = Compare::Equal;
    double number = 0;
    QStringList values;

    friend bool operator==(const SearchCondition&, const SearchCondition&) = default;
};

} // namespace exemplar
