// importLabelsCsv on catalogues and label files generated here: tasks created or extended, unknown
// labels, missing/duplicate/escaping file names, wrong columns, identities, attributes, one undoable
// change, curator labels kept, cancel.
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>

using namespace exemplar;

namespace {

QString problemOf(const ImportReport& report, const QString& where)
{
    for (const auto& i : report.issues)
        if (i.file == where) return i.problem;
    return {};
}

struct Fixture {
    QTemporaryDir dir;
    QString images = dir.filePath("images");
    Catalogue catalogue = Catalogue::open(dir.filePath("c.exemplar"));
    qint64 rootId = 0;

    Fixture()
    {
        int seed = 0;
        for (const char* name : {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "sub/e.jpg"})
            test::writeSyntheticImage(images + "/" + name, 48, 48, ++seed);
        importFolder(catalogue, images);
        rootId = catalogue.roots().first().id;
    }
    qint64 id(const QString& path) const { return *catalogue.imageIdByPath(rootId, path); }
    QString csv(const QByteArray& text)
    {
        const QString path = dir.filePath("labels.csv");
        test::writeTextFile(path, text);
        return path;
    }
    QString className(qint64 imageId, const QString& taskName)
    {
        const auto task = catalogue.task(taskName);
        const auto label = task ? catalogue.label(imageId, task->id) : std::nullopt;
        if (!label || !label->classId) return {};
        return task->classById(*label->classId)->name;
    }
};

} // namespace

class TestImportLabels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void createsTasksAndSetsLabels()
    {
        Fixture f;
        const QString csv = f.csv("file,expression,sex,identity,labeler\n"
                                  "a.jpg,neutral,female,Ann,302\n"
                                  "b.jpg,happiness,,Bob,dwdii\n"
                                  "c.jpg,anger,male,,302\n"
                                  "sub/e.jpg,happiness,male,Eve,\n");
        const ImportReport r = importLabelsCsv(f.catalogue, csv, f.images, {});
        QCOMPARE(r.scanned, 4);
        QCOMPARE(r.skipped, 0);
        QVERIFY(r.issues.isEmpty());
        QCOMPARE(r.labelsSet, 7); // b has no sex
        QCOMPARE(r.attributesSet, 3); // labeler, empty for e

        const auto expression = f.catalogue.task("expression");
        QVERIFY(expression);
        QStringList classes;
        for (const auto& c : expression->classes) classes.append(c.name);
        QCOMPARE(classes, (QStringList{"anger", "happiness", "neutral"})); // sorted, not in row order
        QVERIFY(f.catalogue.task("sex"));
        QVERIFY(!f.catalogue.task("labeler"));
        QVERIFY(!f.catalogue.task("identity"));
        QCOMPARE(f.className(f.id("a.jpg"), "expression"), QString("neutral"));
        QCOMPARE(f.className(f.id("sub/e.jpg"), "sex"), QString("male"));
        QCOMPARE(f.className(f.id("b.jpg"), "sex"), QString());
        QCOMPARE(f.className(f.id("d.jpg"), "expression"), QString()); // not in the file

        const auto label = f.catalogue.label(f.id("a.jpg"), expression->id);
        QCOMPARE(label->provenance, Provenance::Imported);
        QCOMPARE(label->source, QString("labels.csv:expression"));
        QCOMPARE(f.catalogue.image(f.id("a.jpg"))->identity, QString("Ann"));
        QCOMPARE(f.catalogue.image(f.id("c.jpg"))->identity, QString());
        bool sawLabeler = false;
        for (const auto& a : f.catalogue.attributes(f.id("b.jpg")))
            if (a.name == "labeler") {
                sawLabeler = true;
                QCOMPARE(a.value.toString(), QString("dwdii"));
            }
        QVERIFY(sawLabeler);
        for (const auto& a : f.catalogue.attributes(f.id("a.jpg")))
            if (a.name == "labeler") QCOMPARE(a.value.typeId(), QMetaType::Double); // numbers as double

        // One undoable change for the whole file.
        QCOMPARE(f.catalogue.changes().size(), 1);
        QCOMPARE(f.catalogue.changes().first().labelCount, 7);
        QVERIFY(f.catalogue.undo());
        QCOMPARE(f.className(f.id("a.jpg"), "expression"), QString());
        QVERIFY(f.catalogue.redo());
        QCOMPARE(f.className(f.id("a.jpg"), "expression"), QString("neutral"));

        // Importing the same file again changes nothing.
        const ImportReport again = importLabelsCsv(f.catalogue, csv, f.images, {});
        QCOMPARE(again.labelsSet, 0);
        QCOMPARE(f.catalogue.changes().size(), 1);
        QCOMPARE(f.catalogue.importsLog().last().kind, QString("labels-csv"));
    }

    void reportsBadFileNames()
    {
        Fixture f;
        const QString csv = f.csv("file,expression\n"
                                  "a.jpg,neutral\n"
                                  "missing.jpg,neutral\n"
                                  "a.jpg,happiness\n"
                                  "../a.jpg,neutral\n"
                                  "/etc/passwd,neutral\n"
                                  "sub/../../images/b.jpg,neutral\n"
                                  ",neutral\n"
                                  "./c.jpg,happiness\n");
        const ImportReport r = importLabelsCsv(f.catalogue, csv, f.images, {});
        QCOMPARE(r.scanned, 8);
        QCOMPARE(r.skipped, 6);
        QCOMPARE(r.labelsSet, 2);
        QVERIFY2(problemOf(r, "labels.csv:3").contains("not in the catalogue"), qPrintable(problemOf(r, "labels.csv:3")));
        QVERIFY2(problemOf(r, "labels.csv:4").contains("first at labels.csv:2"), qPrintable(problemOf(r, "labels.csv:4")));
        QVERIFY(problemOf(r, "labels.csv:5").contains("outside the image root"));
        QVERIFY(problemOf(r, "labels.csv:6").contains("outside the image root"));
        QVERIFY(problemOf(r, "labels.csv:7").contains("outside the image root"));
        QVERIFY(problemOf(r, "labels.csv:8").contains("no file name"));
        QCOMPARE(f.className(f.id("a.jpg"), "expression"), QString("neutral")); // the first row wins
        QCOMPARE(f.className(f.id("c.jpg"), "expression"), QString("happiness"));
    }

    void unknownLabelsOfAnExistingTask()
    {
        Fixture f;
        f.catalogue.ensureTask("expression", {"neutral", "happiness"});
        const QString csv = f.csv("file,expression\n"
                                  "a.jpg,neutral\n"
                                  "b.jpg,anger\n"
                                  "c.jpg,Happiness\n");
        const ImportReport r = importLabelsCsv(f.catalogue, csv, f.images, {});
        QCOMPARE(r.labelsSet, 2);
        QCOMPARE(r.skipped, 1);
        const QString problem = problemOf(r, "labels.csv:3");
        QVERIFY2(problem.contains("unknown label \"anger\"") && problem.contains("expression"), qPrintable(problem));
        QCOMPARE(f.className(f.id("c.jpg"), "expression"), QString("happiness")); // case ignored
        QCOMPARE(f.catalogue.task("expression")->classes.size(), 2);

        LabelsCsvOptions options;
        options.addUnknownClasses = true;
        const ImportReport added = importLabelsCsv(f.catalogue, csv, f.images, options);
        QCOMPARE(added.skipped, 0);
        QCOMPARE(added.labelsSet, 1);
        QCOMPARE(f.catalogue.task("expression")->classes.size(), 3);
        QCOMPARE(f.className(f.id("b.jpg"), "expression"), QString("anger"));
    }

    void keepsCuratorLabels()
    {
        Fixture f;
        const auto task = f.catalogue.ensureTask("expression", {"neutral", "happiness"});
        f.catalogue.setClass({f.id("a.jpg")}, task.id, task.classByName("happiness")->id, "curator");
        const ImportReport r = importLabelsCsv(f.catalogue, f.csv("file,expression\na.jpg,neutral\nb.jpg,neutral\n"), f.images, {});
        QCOMPARE(r.labelsSet, 1);
        QVERIFY(problemOf(r, "labels.csv:2").contains("curator"));
        QCOMPARE(f.className(f.id("a.jpg"), "expression"), QString("happiness"));
        QCOMPARE(f.catalogue.label(f.id("a.jpg"), task.id)->provenance, Provenance::Curator);
    }

    void wrongColumnsAreAnError()
    {
        Fixture f;
        try {
            importLabelsCsv(f.catalogue, f.csv("image;expression\na.jpg;neutral\n"), f.images, {});
            QFAIL("no error for a file without a file column");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("labels.csv") && e.message().contains("\"image\"") && e.message().contains("\"expression\""),
                     qPrintable(e.message()));
        }
        QVERIFY(!f.catalogue.task("expression"));
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, importLabelsCsv(f.catalogue, f.dir.filePath("none.csv"), f.images, {}));
        // A folder that holds no catalogued image is not a valid image root.
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, importLabelsCsv(f.catalogue, f.csv("file,x\na.jpg,y\n"), f.dir.path() + "/..", {}));
    }

    void filenameColumnAndSubfolderRoot()
    {
        Fixture f;
        const QString csv = f.csv("\"Filename\",\"expression\"\r\ne.jpg,surprise\r\n");
        const ImportReport r = importLabelsCsv(f.catalogue, csv, f.images + "/sub", {});
        QCOMPARE(r.labelsSet, 1);
        QCOMPARE(f.className(f.id("sub/e.jpg"), "expression"), QString("surprise"));
    }

    void cancelWritesNoLabels()
    {
        Fixture f;
        CancelFlag cancel;
        cancel.cancel();
        const ImportReport r = importLabelsCsv(f.catalogue, f.csv("file,expression\na.jpg,neutral\n"), f.images, {}, {}, &cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.labelsSet, 0);
        QVERIFY(!f.catalogue.task("expression"));
        QVERIFY(f.catalogue.changes().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestImportLabels)
#include "test_import_labels.moc"
