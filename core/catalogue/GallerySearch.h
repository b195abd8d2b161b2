#pragma once
// The gallery's search language: text such as `sadness exemplar:no`, `sex:female age>40`,
// `-provenance:imported file:IMG_12` becomes SearchConditions (all must hold). docs/search.md is
// the user's reference; the field's tooltip repeats the short form.
//
// Two pure steps, so each is testable alone: parse() splits the text into terms (syntax only), and
// resolve() gives the terms meaning against the catalogue's tasks, classes and attribute names,
// reporting every term it cannot use (an unknown class, attribute or value) instead of skipping it.
#include "core/catalogue/SearchCondition.h"
#include "core/catalogue/Types.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace exemplar::search {

struct Term {
    enum class Op { None, Colon, Equal, Less, LessOrEqual, Greater, GreaterOrEqual };
    bool negated = false; // written with a leading '-'
    QString key;          // before the operator; empty for a free word
    Op op = Op::None;
    QString value;        // after the operator (or the free word), quotes removed
    QString source;       // the term as typed, for messages

    friend bool operator==(const Term&, const Term&) = default;
};

struct Parsed {
    QVector<Term> terms;
    QStringList errors; // syntax: an unclosed quote, a field without a value, ...
};

// Terms are separated by spaces; double quotes keep spaces (and operators) inside one value.
Parsed parse(const QString& text);

struct Context {
    QVector<TaskInfo> tasks;
    std::optional<qint64> activeTaskId; // what bare class names, `class:`, `unlabelled` refer to
    QStringList attributeNames;         // as stored (matched case-insensitively)
};

struct Result {
    QVector<SearchCondition> conditions;
    QStringList errors; // one sentence per unusable term, naming it and what would be valid
    bool ok() const { return errors.isEmpty(); }
};

Result resolve(const Parsed& parsed, const Context& context);
inline Result interpret(const QString& text, const Context& context) { return resolve(parse(text), context); }

// One-paragraph summary of the syntax (the search field's tooltip).
QString syntaxSummary();

} // namespace exemplar::search
