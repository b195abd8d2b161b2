// Labels exported (CSV and JSON, core/import/LabelsExport.h) and imported into a new catalogue over
// the same images come back exactly: tasks, class order, retired classes, every label, exemplar
// flag, provenance and identity, with no extra task. Also: old exports without the task list,
// spreadsheets recognised by their content, and the Adult Faces workbook refused with advice.
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"
#include "core/import/LabelsExport.h"
#include "tests/support/TestSupport.h"

#include <QFile>
#include <QTemporaryDir>

using namespace exemplar;

namespace {

// Everything a labels export is meant to carry, keyed by relative path so that two catalogues
// (with different image ids) can be compared.
struct Snapshot {
    QStringList tasks;                   // in order
    QHash<QString, QStringList> classes; // task -> classes in order, "name*" when retired
    QHash<QString, QString> identity;    // path -> identity
    QHash<QString, QString> labels;      // "path|task" -> "class|exemplar|provenance"

    static Snapshot of(const Catalogue& c)
    {
        Snapshot s;
        QHash<qint64, QString> paths;
        for (const auto& img : c.allImages()) {
            paths.insert(img.id, img.relativePath);
            s.identity.insert(img.relativePath, img.identity);
        }
        for (const auto& t : c.tasks()) {
            s.tasks << t.name;
            for (const auto& cls : t.classes) s.classes[t.name] << cls.name + (cls.retired ? "*" : "");
            const auto labels = c.labelsOfTask(t.id);
            for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
                const auto cls = it->classId ? t.classById(*it->classId) : std::nullopt;
                s.labels.insert(paths.value(it.key()) + "|" + t.name,
                                QStringList{cls ? cls->name : QString(), it->exemplar ? "1" : "0", provenanceName(it->provenance)}
                                    .join("|"));
            }
        }
        return s;
    }
};

struct Fixture {
    QTemporaryDir dir;
    QString images = dir.filePath("images");
    Catalogue catalogue = Catalogue::open(dir.filePath("a.exemplar"));
    qint64 rootId = 0;

    Fixture()
    {
        int seed = 0;
        for (const char* name : {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "sub/e.jpg", "f.jpg", "g, h.jpg"})
            test::writeSyntheticImage(images + "/" + name, 40, 40, ++seed);
        importFolder(catalogue, images, noFaces());
        rootId = catalogue.roots().first().id;
    }
    static FolderImportOptions noFaces()
    {
        FolderImportOptions o;
        o.detectFaces = false;
        return o;
    }
    qint64 id(const QString& path) const { return *catalogue.imageIdByPath(rootId, path); }
    QString write(const QString& name, const QByteArray& text)
    {
        test::writeTextFile(dir.filePath(name), text);
        return dir.filePath(name);
    }

    // Two tasks with classes out of alphabetical order (one retired), labels of every provenance,
    // exemplar flags (one without a class), identities that need escaping, and unlabelled images.
    void label()
    {
        const auto expression = catalogue.ensureTask("expression", {"neutral", "happiness", "anger", "surprise", "=odd"});
        catalogue.setClassRetired(expression.classByName("surprise")->id, true);
        const auto sex = catalogue.ensureTask("sex", {"male", "female"});
        catalogue.setIdentities({{id("a.jpg"), "Ann"}, {id("b.jpg"), "=Bob"}, {id("sub/e.jpg"), "Eve, Jr"}, {id("c.jpg"), "'+quoted"}});
        // Imported labels, from a file.
        const ImportReport imported = importLabelsCsv(catalogue, write("in.csv", "file,expression,sex\na.jpg,neutral,female\nb.jpg,anger,male\n"), images);
        QCOMPARE(imported.labelsSet, 4);
        // Curator labels (one overrides an imported label), a model label, exemplar flags.
        catalogue.setClass({id("c.jpg"), id("b.jpg")}, expression.id, expression.classByName("happiness")->id, "curator");
        catalogue.setClass({id("g, h.jpg")}, expression.id, expression.classByName("=odd")->id, "curator");
        LabelEdit model{id("d.jpg"), expression.id, expression.classByName("surprise")->id, false, Provenance::Model, "run 3"};
        LabelEdit flagOnly{id("sub/e.jpg"), sex.id, std::nullopt, true, Provenance::Curator, {}};
        catalogue.applyLabelEdits({model, flagOnly}, "model and flag");
        catalogue.toggleExemplar({id("c.jpg"), id("a.jpg")}, expression.id, "curator");
    }
};

} // namespace

class TestLabelsRoundTrip : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("csv") << int(LabelsFormat::Csv);
        QTest::newRow("json") << int(LabelsFormat::Json);
    }

    void roundTrip()
    {
        QFETCH(int, format);
        Fixture f;
        f.label();
        const Snapshot before = Snapshot::of(f.catalogue);
        QCOMPARE(before.labels.size(), 8); // a, b, c, d, g expression; a, b sex; e sex flag only
        QCOMPARE(before.classes["expression"], (QStringList{"neutral", "happiness", "anger", "surprise*", "=odd"}));

        const QString path = f.dir.filePath(format == int(LabelsFormat::Json) ? "export.json" : "export.csv");
        const LabelsExportSummary summary = exportLabels(f.catalogue, path, LabelsFormat(format));
        QCOMPARE(summary.images, 7);
        QCOMPARE(summary.tasks, 2);
        QCOMPARE(summary.labels, 8);

        Catalogue fresh = Catalogue::open(f.dir.filePath("b.exemplar"));
        importFolder(fresh, f.images, Fixture::noFaces());
        const ImportReport r = importLabelsCsv(fresh, path, f.images);
        QVERIFY2(r.issues.isEmpty(), qPrintable(r.toJson()));
        QCOMPARE(r.tasksCreated, 2);
        QCOMPARE(r.labelsSet, 8);

        const Snapshot after = Snapshot::of(fresh);
        QCOMPARE(after.tasks, before.tasks); // no "folder", "expression_exemplar", ... tasks
        QCOMPARE(after.classes, before.classes);
        QCOMPARE(after.identity, before.identity);
        QCOMPARE(after.labels, before.labels);
        QCOMPARE(after.labels.value("f.jpg|expression"), QString()); // unlabelled stays unlabelled

        // Reading the same export again changes nothing.
        const int changes = int(fresh.changes().size());
        QCOMPARE(importLabelsCsv(fresh, path, f.images).labelsSet, 0);
        QCOMPARE(fresh.changes().size(), changes);
        // And exporting the copy gives the same file.
        QCOMPARE(labelsExportBytes(fresh, LabelsFormat(format)), labelsExportBytes(f.catalogue, LabelsFormat(format)));
    }

    void csvLayout()
    {
        Fixture f;
        f.label();
        const QByteArray csv = labelsExportBytes(f.catalogue, LabelsFormat::Csv, {{"sex"}});
        const QList<QByteArray> lines = csv.split('\n');
        QVERIFY2(lines[0].startsWith("\"#exemplar-labels {"), lines[0].constData());
        QCOMPARE(lines[1], QByteArray("file,folder,identity,sex,sex_exemplar,sex_provenance"));
        QVERIFY2(csv.contains("\nb.jpg,") && csv.contains(",'=Bob,male,0,imported\n"), csv.constData());
        QVERIFY2(csv.contains("\nsub/e.jpg,") && csv.contains(",\"Eve, Jr\",,1,curator\n"), csv.constData());
        QVERIFY2(csv.contains(",'+quoted,,,\n") || csv.contains(",''+quoted,,,\n"), csv.constData());
        QVERIFY(test::errorOf([&] { labelsExportBytes(f.catalogue, LabelsFormat::Csv, {{"age"}}); }).contains("no task \"age\""));
    }

    void oldExportWithoutTaskList()
    {
        // Exports written before the task list record: the suffix columns still belong to their task.
        Fixture f;
        const QString csv = f.write("old.csv", "file,folder,identity,expression,expression_exemplar,expression_provenance\n"
                                               "a.jpg,/somewhere,Ann,happiness,1,curator\n"
                                               "b.jpg,/somewhere,,neutral,0,imported\n"
                                               "c.jpg,/somewhere,,,,\n");
        const ImportReport r = importLabelsCsv(f.catalogue, csv, f.images);
        QVERIFY2(r.issues.isEmpty(), qPrintable(r.toJson()));
        QCOMPARE(f.catalogue.tasks().size(), 1);
        const auto task = f.catalogue.task("expression");
        QVERIFY(task);
        QCOMPARE(task->classes.size(), 2);
        const auto a = f.catalogue.label(f.id("a.jpg"), task->id);
        QVERIFY(a && a->exemplar);
        QCOMPARE(a->provenance, Provenance::Curator);
        QCOMPARE(f.catalogue.label(f.id("b.jpg"), task->id)->provenance, Provenance::Imported);
        QVERIFY(!f.catalogue.label(f.id("c.jpg"), task->id));
    }

    void badFlagsAndProvenanceAreReported()
    {
        Fixture f;
        const QString csv = f.write("bad.csv", "file,expression,expression_exemplar,expression_provenance\n"
                                               "a.jpg,happiness,maybe,curator\n"
                                               "b.jpg,happiness,1,robot\n"
                                               "c.jpg,happiness,1,curator\n");
        const ImportReport r = importLabelsCsv(f.catalogue, csv, f.images);
        QCOMPARE(r.labelsSet, 1);
        QCOMPARE(r.skipped, 2);
        QVERIFY2(r.issues[0].file == "bad.csv:2" && r.issues[0].problem.contains("\"maybe\""), qPrintable(r.toJson()));
        QVERIFY2(r.issues[1].file == "bad.csv:3" && r.issues[1].problem.contains("\"robot\""), qPrintable(r.toJson()));
    }

    void spreadsheetIsReadByContent()
    {
        Fixture f;
        // An .xlsx saved under a .csv name is still read as a workbook (first sheet).
        const QString path = f.dir.filePath("labels.csv");
        test::writeXlsx(path, {{"Labels", test::xlsxRowsXml({{"file", "expression", "identity"}, {"a.jpg", "happiness", "Ann"},
                                                              {"sub/e.jpg", "anger", ""}})}});
        const ImportReport r = importLabelsCsv(f.catalogue, path, f.images);
        QVERIFY2(r.issues.isEmpty(), qPrintable(r.toJson()));
        QCOMPARE(r.labelsSet, 2);
        const auto task = f.catalogue.task("expression");
        QVERIFY(task);
        QCOMPARE(task->classById(*f.catalogue.label(f.id("sub/e.jpg"), task->id)->classId)->name, QString("anger"));
        QCOMPARE(f.catalogue.image(f.id("a.jpg"))->identity, QString("Ann"));
    }

    void adultFacesWorkbookIsRefusedWithAdvice()
    {
        Fixture f;
        const QString path = f.dir.filePath("annotations.xlsx");
        test::writeXlsx(path, {{"Final Values", test::xlsxRowsXml({{"Filename", "Emotion"}, {"a.jpg", "1"}})}});
        const QString error = test::errorOf([&] { importLabelsCsv(f.catalogue, path, f.images); });
        QVERIFY2(error.contains("annotations.xlsx") && error.contains("--annotations") && !error.contains("PK"), qPrintable(error));
        QVERIFY(test::errorOf([&] { validateLabelsFile(path); }).contains("--annotations"));
        QVERIFY(f.catalogue.tasks().isEmpty());
        // Not a labels export: a JSON file of something else.
        const QString json = f.write("other.json", "{\"hello\": 1}");
        QVERIFY(test::errorOf([&] { importLabelsCsv(f.catalogue, json, f.images); }).contains("not an Exemplar labels export"));
    }
};

QTEST_GUILESS_MAIN(TestLabelsRoundTrip)
#include "test_labels_roundtrip.moc"
