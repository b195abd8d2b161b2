#include "core/catalogue/GallerySearch.h"

#include <QCoreApplication>
#include <array>
#include <utility>

namespace exemplar::search {

namespace {

using Op = Term::Op;
using Kind = SearchCondition::Kind;

// ---- parse --------------------------------------------------------------------------------------

// Operators in the order they are tried at each position, longest first so "<=" is not "<".
constexpr std::array<std::pair<const char*, Op>, 6> kOperators{{
    {">=", Op::GreaterOrEqual}, {"<=", Op::LessOrEqual}, {">", Op::Greater},
    {"<", Op::Less},            {"=", Op::Equal},        {":", Op::Colon},
}};

struct RawToken {
    QString text;       // as typed
    QString unquoted;   // quotes removed
    int opAt = -1;      // position of the first operator outside quotes, in `unquoted`
    Op op = Op::None;
    int opLength = 0;
    bool unclosedQuote = false;
};

// The operator starting at text[i], as (length, operator).
std::optional<std::pair<int, Op>> operatorAt(const QString& text, int i)
{
    for (const auto& [symbol, op] : kOperators) {
        const QLatin1String s(symbol);
        if (QStringView(text).mid(i, s.size()) == s)
            return std::pair<int, Op>(static_cast<int>(s.size()), op);
    }
    return std::nullopt;
}

QVector<RawToken> tokenize(const QString& text)
{
    QVector<RawToken> tokens;
    RawToken current;
    bool inQuotes = false;
    bool started = false;
    auto finish = [&] {
        if (started) {
            current.unclosedQuote = inQuotes;
            tokens.push_back(current);
        }
        current = RawToken();
        started = false;
        inQuotes = false;
    };
    for (int i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        if (ch.isSpace() && !inQuotes) {
            finish();
            continue;
        }
        started = true;
        current.text += ch;
        if (ch == QLatin1Char('"')) {
            inQuotes = !inQuotes;
            continue;
        }
        if (!inQuotes && current.opAt < 0)
            if (const auto match = operatorAt(text, i)) {
                current.opAt = static_cast<int>(current.unquoted.size());
                current.op = match->second;
                current.opLength = match->first;
                const QString symbol = text.mid(i, match->first);
                current.unquoted += symbol;
                current.text += symbol.mid(1);
                i += match->first - 1;
                continue;
            }
        current.unquoted += ch;
    }
    finish();
    return tokens;
}

} // namespace

Parsed parse(const QString& text)
{
    Parsed out;
    for (const RawToken& t : tokenize(text)) {
        if (t.unclosedQuote) {
            out.errors << QCoreApplication::translate("GallerySearch", "%1: the quote is not closed").arg(t.text);
            continue;
        }
        if (t.text == QLatin1String("-"))
            continue; // a lone '-' negates nothing
        Term term;
        term.source = t.text;
        QString body = t.unquoted;
        int opAt = t.opAt;
        if (t.text.startsWith(QLatin1Char('-')) && t.text.size() > 1) {
            term.negated = true;
            body.remove(0, 1);
            --opAt;
        }
        if (opAt < 0) {
            term.value = body;
        } else {
            term.op = t.op;
            term.key = body.left(opAt).trimmed();
            term.value = body.mid(opAt + t.opLength);
            if (term.key.isEmpty()) {
                out.errors << QCoreApplication::translate("GallerySearch", "%1: a field name is missing before the operator")
                                  .arg(t.text);
                continue;
            }
            if (term.value.isEmpty()) {
                out.errors << QCoreApplication::translate("GallerySearch", "%1: a value is missing after %2")
                                  .arg(t.text, term.key);
                continue;
            }
        }
        if (term.value.isEmpty() && term.key.isEmpty())
            continue; // an empty pair of quotes
        out.terms.push_back(term);
    }
    return out;
}

// ---- resolve ------------------------------------------------------------------------------------

namespace {

QString tr(const char* text) { return QCoreApplication::translate("GallerySearch", text); }

bool oneOf(const QString& word, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (word.compare(QLatin1String(n), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QString classList(const TaskInfo& task)
{
    QStringList names;
    for (const ClassInfo& c : task.classes)
        names << c.name;
    return names.join(QStringLiteral(", "));
}

std::optional<ClassInfo> findClass(const TaskInfo& task, const QString& name)
{
    for (const ClassInfo& c : task.classes)
        if (c.name.compare(name, Qt::CaseInsensitive) == 0)
            return c;
    return std::nullopt;
}

class Resolver {
public:
    explicit Resolver(const Context& context) : ctx_(context)
    {
        for (const TaskInfo& t : ctx_.tasks)
            if (ctx_.activeTaskId && t.id == *ctx_.activeTaskId)
                active_ = t;
    }

    void add(const Term& term)
    {
        negated_ = term.negated;
        if (term.key.isEmpty())
            freeWord(term);
        else if (oneOf(term.key, {"file", "name", "path"}))
            fileContains(term);
        else if (oneOf(term.key, {"class"})) {
            if (activeTask(term))
                taskClasses(term, *active_);
        }
        else if (oneOf(term.key, {"exemplar", "exemplars"}))
            exemplar(term);
        else if (oneOf(term.key, {"provenance"}))
            provenance(term);
        else if (oneOf(term.key, {"face", "faces"}))
            face(term);
        else if (const auto task = taskNamed(term.key))
            taskClasses(term, *task);
        else if (const auto attribute = attributeNamed(term.key))
            attributeTerm(term, *attribute);
        else
            fail(term, tr("unknown field '%1': use class, file, exemplar, provenance, face, a task (%2) or an "
                          "attribute (%3)")
                           .arg(term.key, taskNames(), attributeNames()));
    }

    Result result;

private:
    void push(SearchCondition c)
    {
        c.negated = negated_ != c.negated;
        result.conditions.push_back(std::move(c));
    }
    void fail(const Term& term, const QString& why) { result.errors << QStringLiteral("%1: %2").arg(term.source, why); }

    bool activeTask(const Term& term)
    {
        if (!active_)
            fail(term, tr("there is no task yet (Tasks → Edit tasks…)"));
        return active_.has_value();
    }

    bool plainOperator(const Term& term)
    {
        if (term.op == Term::Op::Colon || term.op == Term::Op::Equal)
            return true;
        fail(term, tr("only attributes compare with < <= > >= (e.g. age>40)"));
        return false;
    }

    void freeWord(const Term& term)
    {
        const QString& w = term.value;
        if (oneOf(w, {"unlabelled", "unlabeled"})) {
            if (activeTask(term))
                push({.kind = Kind::Unlabelled, .taskId = active_->id});
        } else if (oneOf(w, {"labelled", "labeled"})) {
            if (activeTask(term))
                push({.kind = Kind::Unlabelled, .negated = true, .taskId = active_->id});
        } else if (oneOf(w, {"exemplar", "exemplars"})) {
            if (activeTask(term))
                push({.kind = Kind::Exemplar, .taskId = active_->id});
        } else if (!classWord(term)) {
            push({.kind = Kind::FileContains, .text = w});
        }
    }

    // A bare class name: the active task's class, else the one task that has a class of that name.
    bool classWord(const Term& term)
    {
        if (active_)
            if (const auto c = findClass(*active_, term.value)) {
                push({.kind = Kind::ClassIn, .taskId = active_->id, .classIds = {c->id}});
                return true;
            }
        QVector<QPair<TaskInfo, ClassInfo>> found;
        for (const TaskInfo& t : ctx_.tasks)
            if (const auto c = findClass(t, term.value))
                found.push_back({t, *c});
        if (found.size() == 1)
            push({.kind = Kind::ClassIn, .taskId = found[0].first.id, .classIds = {found[0].second.id}});
        else if (found.size() > 1)
            fail(term, tr("'%1' is a class of several tasks: write %2:%1 or %3:%1")
                           .arg(term.value, found[0].first.name, found[1].first.name));
        return !found.isEmpty();
    }

    void fileContains(const Term& term)
    {
        if (plainOperator(term))
            push({.kind = Kind::FileContains, .text = term.value});
    }

    void taskClasses(const Term& term, const TaskInfo& task)
    {
        if (!plainOperator(term))
            return;
        if (oneOf(term.value, {"none", "unlabelled", "unlabeled"}) && !findClass(task, term.value)) {
            push({.kind = Kind::Unlabelled, .taskId = task.id});
            return;
        }
        SearchCondition c{.kind = Kind::ClassIn, .taskId = task.id};
        for (const QString& name : term.value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const auto cls = findClass(task, name.trimmed());
            if (!cls) {
                fail(term, tr("task '%1' has no class '%2' (classes: %3)").arg(task.name, name.trimmed(), classList(task)));
                return;
            }
            c.classIds.push_back(cls->id);
        }
        push(c);
    }

    void exemplar(const Term& term)
    {
        if (!plainOperator(term) || !activeTask(term))
            return;
        const bool yes = oneOf(term.value, {"yes", "true", "1", "on"});
        if (!yes && !oneOf(term.value, {"no", "false", "0", "off"})) {
            fail(term, tr("exemplar takes yes or no"));
            return;
        }
        push({.kind = Kind::Exemplar, .negated = !yes, .taskId = active_->id});
    }

    void provenance(const Term& term)
    {
        if (!plainOperator(term) || !activeTask(term))
            return;
        const QString v = term.value.toLower();
        const QString name = v == QLatin1String("curated") ? QStringLiteral("curator") : v;
        if (!provenanceFromName(name)) {
            fail(term, tr("provenance is imported, curator or model"));
            return;
        }
        push({.kind = Kind::ProvenanceIs, .taskId = active_->id, .text = name});
    }

    void face(const Term& term)
    {
        if (!plainOperator(term))
            return;
        const QString v = term.value.toLower();
        QStringList statuses;
        if (v == QLatin1String("none"))
            statuses = {QStringLiteral("none"), QStringLiteral("failed")}; // failed: could not be read
        else if (v == QLatin1String("crop") || v == QLatin1String("tight_crop"))
            statuses = {QStringLiteral("tight_crop")};
        else if (oneOf(v, {"several", "found", "unchecked", "failed"}))
            statuses = {v};
        else {
            fail(term, tr("face is none, several, found, crop, failed or unchecked"));
            return;
        }
        push({.kind = Kind::FaceStatusIn, .values = statuses});
    }

    void attributeTerm(const Term& term, const QString& attribute)
    {
        if (term.op == Term::Op::Colon || term.op == Term::Op::Equal) {
            push({.kind = Kind::AttributeEquals, .text = attribute, .value = term.value});
            return;
        }
        bool ok = false;
        const double number = term.value.toDouble(&ok);
        if (!ok) {
            fail(term, tr("'%1' is not a number").arg(term.value));
            return;
        }
        using C = SearchCondition::Compare;
        const C compare = term.op == Term::Op::Less          ? C::Less
                          : term.op == Term::Op::LessOrEqual ? C::LessOrEqual
                          : term.op == Term::Op::Greater     ? C::Greater
                                                             : C::GreaterOrEqual;
        push({.kind = Kind::AttributeCompare, .text = attribute, .compare = compare, .number = number});
    }

    std::optional<TaskInfo> taskNamed(const QString& name) const
    {
        for (const TaskInfo& t : ctx_.tasks)
            if (t.name.compare(name, Qt::CaseInsensitive) == 0)
                return t;
        return std::nullopt;
    }

    std::optional<QString> attributeNamed(const QString& name) const
    {
        for (const QString& a : ctx_.attributeNames)
            if (a.compare(name, Qt::CaseInsensitive) == 0)
                return a;
        return std::nullopt;
    }

    QString taskNames() const
    {
        QStringList names;
        for (const TaskInfo& t : ctx_.tasks)
            names << t.name;
        return names.isEmpty() ? tr("none yet") : names.join(QStringLiteral(", "));
    }

    QString attributeNames() const
    {
        return ctx_.attributeNames.isEmpty() ? tr("none in this catalogue") : ctx_.attributeNames.join(QStringLiteral(", "));
    }

    const Context& ctx_;
    std::optional<TaskInfo> active_;
    bool negated_ = false;
};

} // namespace

Result resolve(const Parsed& parsed, const Context& context)
{
    Resolver r(context);
    for (const Term& term : parsed.terms)
        r.add(term);
    Result out = std::move(r.result);
    out.errors = parsed.errors + out.errors;
    return out;
}

QString syntaxSummary()
{
    return tr("Words search file names, or pick a class when they name one (sadness).\n"
              "class:anger,fear   sex:female   unlabelled   labelled   exemplar   exemplar:no\n"
              "provenance:imported|curator|model   face:none|several|found|crop|unchecked\n"
              "file:IMG_12   age>40   quality<=0.5   labeler:ana   \"no glasses\"\n"
              "A leading - negates a term (-provenance:imported). All terms must hold.");
}

} // namespace exemplar::search
