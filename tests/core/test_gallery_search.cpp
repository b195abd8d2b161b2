// The gallery's search language: parsing text into terms, giving them meaning against tasks,
// classes and attributes (with errors for what cannot be used), and the catalogue running the
// resulting conditions on a generated catalogue, compared with the answer computed in the test.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/GallerySearch.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace exemplar;
using namespace exemplar::search;
using Op = Term::Op;
using Kind = SearchCondition::Kind;

namespace {

Term term(const QString& key, Op op, const QString& value, bool negated = false)
{
    Term t;
    t.key = key;
    t.op = op;
    t.value = value;
    t.negated = negated;
    return t;
}

// What matters of parsed terms (the typed source is only for messages).
QVector<Term> withoutSource(QVector<Term> terms)
{
    for (Term& t : terms)
        t.source.clear();
    return terms;
}

TaskInfo expressionTask()
{
    return {1, QStringLiteral("expression"),
            {{10, QStringLiteral("neutral"), 0, false}, {11, QStringLiteral("happiness"), 1, false},
             {12, QStringLiteral("sadness"), 2, false}, {13, QStringLiteral("anger"), 3, false}}};
}

TaskInfo sexTask() { return {2, QStringLiteral("sex"), {{20, QStringLiteral("female"), 0, false}, {21, QStringLiteral("male"), 1, false}}}; }

TaskInfo glassesTask()
{
    return {3, QStringLiteral("glasses"), {{30, QStringLiteral("glasses"), 0, false}, {31, QStringLiteral("no glasses"), 1, false}}};
}

Context context()
{
    Context c;
    c.tasks = {expressionTask(), sexTask(), glassesTask()};
    c.activeTaskId = 1;
    c.attributeNames = {QStringLiteral("age"), QStringLiteral("Labeler")};
    return c;
}

} // namespace

class GallerySearchTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesWordsFieldsOperatorsQuotesAndNegation()
    {
        const Parsed p = parse(QStringLiteral("  sadness exemplar:no age>=40 age<3 x>y -provenance:imported "
                                              "glasses:\"no glasses\" \"a:b c\" file:C:/x score>-1.5  "));
        QVERIFY2(p.errors.isEmpty(), qPrintable(p.errors.join('\n')));
        const QVector<Term> expected{
            term({}, Op::None, QStringLiteral("sadness")),
            term(QStringLiteral("exemplar"), Op::Colon, QStringLiteral("no")),
            term(QStringLiteral("age"), Op::GreaterOrEqual, QStringLiteral("40")),
            term(QStringLiteral("age"), Op::Less, QStringLiteral("3")),
            term(QStringLiteral("x"), Op::Greater, QStringLiteral("y")),
            term(QStringLiteral("provenance"), Op::Colon, QStringLiteral("imported"), true),
            term(QStringLiteral("glasses"), Op::Colon, QStringLiteral("no glasses")),
            term({}, Op::None, QStringLiteral("a:b c")), // quoted: operators inside are text
            term(QStringLiteral("file"), Op::Colon, QStringLiteral("C:/x")), // only the first operator splits
            term(QStringLiteral("score"), Op::Greater, QStringLiteral("-1.5")),
        };
        QCOMPARE(withoutSource(p.terms), expected);
        QCOMPARE(p.terms[1].source, QStringLiteral("exemplar:no"));
        QVERIFY(parse(QString()).terms.isEmpty());
        QVERIFY(parse(QStringLiteral("   ")).terms.isEmpty());
        QVERIFY(parse(QStringLiteral(" - \"\" ")).terms.isEmpty()); // nothing to search for, and no error
        QVERIFY(parse(QStringLiteral(" - \"\" ")).errors.isEmpty());
    }

    void reportsSyntaxErrors()
    {
        const Parsed p = parse(QStringLiteral("class: :anger \"open sadness"));
        QCOMPARE(p.errors.size(), 3);
        QVERIFY(p.errors[0].contains(QStringLiteral("value is missing")));
        QVERIFY(p.errors[1].contains(QStringLiteral("field name is missing")));
        QVERIFY(p.errors[2].contains(QStringLiteral("quote is not closed")));
        QVERIFY(p.terms.isEmpty());
    }

    void resolvesClassesTasksAndKeywords()
    {
        const Result r = interpret(QStringLiteral("Sadness exemplar:no unlabelled labelled provenance:curator "
                                                  "class:anger,neutral sex:female male \"no glasses\" sex:none"),
                                   context());
        QVERIFY2(r.ok(), qPrintable(r.errors.join('\n')));
        QCOMPARE(r.conditions.size(), 10);
        QCOMPARE(r.conditions[0], (SearchCondition{.kind = Kind::ClassIn, .taskId = 1, .classIds = {12}}));
        QCOMPARE(r.conditions[1], (SearchCondition{.kind = Kind::Exemplar, .negated = true, .taskId = 1}));
        QCOMPARE(r.conditions[2], (SearchCondition{.kind = Kind::Unlabelled, .taskId = 1}));
        QCOMPARE(r.conditions[3], (SearchCondition{.kind = Kind::Unlabelled, .negated = true, .taskId = 1}));
        QCOMPARE(r.conditions[4], (SearchCondition{.kind = Kind::ProvenanceIs, .taskId = 1, .text = QStringLiteral("curator")}));
        QCOMPARE(r.conditions[5], (SearchCondition{.kind = Kind::ClassIn, .taskId = 1, .classIds = {13, 10}}));
        QCOMPARE(r.conditions[6], (SearchCondition{.kind = Kind::ClassIn, .taskId = 2, .classIds = {20}}));
        // A bare class name of another task: that task's class.
        QCOMPARE(r.conditions[7], (SearchCondition{.kind = Kind::ClassIn, .taskId = 2, .classIds = {21}}));
        QCOMPARE(r.conditions[8], (SearchCondition{.kind = Kind::ClassIn, .taskId = 3, .classIds = {31}}));
        QCOMPARE(r.conditions[9], (SearchCondition{.kind = Kind::Unlabelled, .taskId = 2}));
    }

    void otherWordsSearchFileNamesAndAttributesCompare()
    {
        const Result r = interpret(QStringLiteral("IMG_12 file:happiness age>40 age<=7.5 labeler:ana -AGE=3 face:none"), context());
        QVERIFY2(r.ok(), qPrintable(r.errors.join('\n')));
        using C = SearchCondition::Compare;
        QCOMPARE(r.conditions[0], (SearchCondition{.kind = Kind::FileContains, .text = QStringLiteral("IMG_12")}));
        QCOMPARE(r.conditions[1], (SearchCondition{.kind = Kind::FileContains, .text = QStringLiteral("happiness")}));
        QCOMPARE(r.conditions[2],
                 (SearchCondition{.kind = Kind::AttributeCompare, .text = QStringLiteral("age"), .compare = C::Greater, .number = 40}));
        QCOMPARE(r.conditions[3], (SearchCondition{.kind = Kind::AttributeCompare, .text = QStringLiteral("age"),
                                                   .compare = C::LessOrEqual, .number = 7.5}));
        // Attribute names match whatever their case, and the stored spelling is what is queried.
        QCOMPARE(r.conditions[4], (SearchCondition{.kind = Kind::AttributeEquals, .text = QStringLiteral("Labeler"),
                                                   .value = QStringLiteral("ana")}));
        QCOMPARE(r.conditions[5], (SearchCondition{.kind = Kind::AttributeEquals, .negated = true, .text = QStringLiteral("age"),
                                                   .value = QStringLiteral("3")}));
        QCOMPARE(r.conditions[6], (SearchCondition{.kind = Kind::FaceStatusIn, .values = {QStringLiteral("none"), QStringLiteral("failed")}}));
    }

    void explainsEveryTermItCannotUse()
    {
        const Result r = interpret(QStringLiteral("class:angry sex:other agee>4 age>old exemplar:maybe provenance:robot "
                                                  "class<3 face:blurry sadness"),
                                   context());
        QCOMPARE(r.errors.size(), 8);
        QVERIFY2(r.errors[0].contains(QStringLiteral("no class 'angry'")) && r.errors[0].contains(QStringLiteral("anger")),
                 qPrintable(r.errors[0]));
        QVERIFY(r.errors[1].contains(QStringLiteral("task 'sex' has no class 'other' (classes: female, male)")));
        QVERIFY(r.errors[2].contains(QStringLiteral("unknown field 'agee'")) && r.errors[2].contains(QStringLiteral("age, Labeler")));
        QVERIFY(r.errors[3].contains(QStringLiteral("'old' is not a number")));
        QVERIFY(r.errors[4].startsWith(QStringLiteral("exemplar:maybe: ")));
        QVERIFY(r.errors[5].contains(QStringLiteral("imported, curator or model")));
        QVERIFY(r.errors[6].contains(QStringLiteral("only attributes compare")));
        QVERIFY(r.errors[7].startsWith(QStringLiteral("face:blurry")));
        QCOMPARE(r.conditions.size(), 1); // sadness is fine; the caller decides not to run a query with errors
    }

    void labelTermsNeedATaskAndAmbiguousNamesAreRefused()
    {
        Context none = context();
        none.activeTaskId.reset();
        const Result r = interpret(QStringLiteral("unlabelled class:anger"), none);
        QCOMPARE(r.errors.size(), 2);
        QVERIFY(r.errors[0].contains(QStringLiteral("no task")));

        Context twice = context();
        twice.tasks.push_back({4, QStringLiteral("mood"), {{40, QStringLiteral("calm"), 0, false}}});
        twice.tasks.push_back({5, QStringLiteral("scene"), {{50, QStringLiteral("calm"), 0, false}}});
        const Result amb = interpret(QStringLiteral("calm"), twice);
        QCOMPARE(amb.errors.size(), 1);
        QVERIFY2(amb.errors[0].contains(QStringLiteral("mood:calm")) && amb.errors[0].contains(QStringLiteral("scene:calm")),
                 qPrintable(amb.errors[0]));
        // The active task's class wins over others of the same name.
        twice.activeTaskId = 4;
        QCOMPARE(interpret(QStringLiteral("calm"), twice).conditions.value(0).taskId, 4);
    }

    void catalogueRunsConditions()
    {
        QTemporaryDir dir;
        Catalogue cat = Catalogue::open(dir.filePath(QStringLiteral("s.exemplar")));
        const qint64 root = cat.ensureRoot(dir.path());
        std::vector<NewImage> batch;
        for (int i = 0; i < 60; ++i) {
            NewImage n;
            n.rootId = root;
            n.relativePath = QStringLiteral("%1/IMG_%2.jpg").arg(i % 2 ? "b" : "a").arg(i, 3, 10, QLatin1Char('0'));
            n.contentHash = QCryptographicHash::hash(QByteArray::number(i), QCryptographicHash::Sha256).toHex();
            n.width = n.height = 100;
            batch.push_back(n);
        }
        QVector<qint64> ids;
        for (const auto& a : cat.addImages(batch))
            ids << a.imageId;
        const TaskInfo expr = cat.ensureTask(QStringLiteral("expression"), {QStringLiteral("neutral"), QStringLiteral("sadness")});
        const TaskInfo sex = cat.ensureTask(QStringLiteral("sex"), {QStringLiteral("female"), QStringLiteral("male")});
        QVector<LabelEdit> edits;
        std::vector<AttributeValue> attrs;
        for (int i = 0; i < ids.size(); ++i) {
            if (i % 3 != 0) // every third image has no expression
                edits.push_back({ids[i], expr.id, expr.classes[i % 2].id, i % 4 == 1,
                                 i % 5 == 0 ? Provenance::Curator : Provenance::Imported, {}});
            if (i % 7 != 0)
                edits.push_back({ids[i], sex.id, sex.classes[(i / 2) % 2].id, false, Provenance::Imported, {}});
            attrs.push_back({ids[i], QStringLiteral("age"), double(i), {}});
            attrs.push_back({ids[i], QStringLiteral("labeler"), i % 2 ? QStringLiteral("Ana") : QStringLiteral("ben"), {}});
        }
        cat.applyLabelEdits(edits, QStringLiteral("test"));
        cat.setAttributes(attrs);

        Context ctx;
        ctx.tasks = cat.tasks();
        ctx.activeTaskId = expr.id;
        ctx.attributeNames = cat.attributeNames();
        const QHash<qint64, Label> e = cat.labelsOfTask(expr.id), s = cat.labelsOfTask(sex.id);
        auto cls = [](const QHash<qint64, Label>& l, qint64 id) { return l.contains(id) ? l[id].classId : std::nullopt; };
        auto check = [&](const QString& text, const std::function<bool(int i, qint64 id)>& expected) {
            const Result r = interpret(text, ctx);
            QVERIFY2(r.ok(), qPrintable(r.errors.join('\n')));
            ImageQuery q;
            q.conditions = r.conditions;
            QVector<qint64> want;
            for (int i = 0; i < ids.size(); ++i)
                if (expected(i, ids[i]))
                    want << ids[i];
            QVERIFY2(!want.isEmpty() && want.size() < ids.size(), qPrintable(text)); // the case discriminates
            QCOMPARE(cat.findImages(q), want);
        };
        const qint64 sadness = expr.classes[1].id, female = sex.classes[0].id;
        check(QStringLiteral("sadness exemplar:no"), [&](int, qint64 id) { return cls(e, id) == sadness && !e[id].exemplar; });
        check(QStringLiteral("provenance:curator"), [&](int, qint64 id) { return e.contains(id) && e[id].provenance == Provenance::Curator; });
        check(QStringLiteral("-provenance:curator"), [&](int, qint64 id) { return !e.contains(id) || e[id].provenance != Provenance::Curator; });
        check(QStringLiteral("unlabelled"), [&](int, qint64 id) { return !cls(e, id); });
        check(QStringLiteral("sex:female age>40"), [&](int i, qint64 id) { return cls(s, id) == female && i > 40; });
        check(QStringLiteral("sex:none"), [&](int, qint64 id) { return !cls(s, id); });
        check(QStringLiteral("labeler:ana age<=20"), [&](int i, qint64) { return i % 2 == 1 && i <= 20; });
        check(QStringLiteral("file:img_01 b/"), [&](int i, qint64) { return i >= 10 && i < 20 && i % 2 == 1; });
        check(QStringLiteral("age=12"), [&](int i, qint64) { return i == 12; });
        check(QStringLiteral("labelled -sadness"), [&](int, qint64 id) { return cls(e, id) && cls(e, id) != sadness; });
    }
};

QTEST_GUILESS_MAIN(GallerySearchTest)
#include "test_gallery_search.moc"
