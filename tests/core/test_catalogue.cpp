// The catalogue: opening and migrations, refusal of foreign/newer/damaged files (untouched), images,
// tasks, labels with persistent undo/redo and audit history, queries, runs, concurrency, check().
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"
#include "core/catalogue/Schema.h"
#include "tests/support/TestSupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace exemplar;

namespace {

QByteArray fileDigest(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

NewImage fakeImage(qint64 rootId, const QString& rel, const QByteArray& hash, const QString& identity = {})
{
    NewImage n;
    n.rootId = rootId;
    n.relativePath = rel;
    n.contentHash = QCryptographicHash::hash(hash, QCryptographicHash::Sha256).toHex();
    n.width = 350;
    n.height = 350;
    n.thumbnailJpeg = QByteArray("\xff\xd8 fake jpeg");
    n.identity = identity;
    return n;
}

// A catalogue with one root, `n` images (img000.jpg ...) and a task with three classes.
struct Fixture {
    QTemporaryDir dir;
    QString path;
    Catalogue cat;
    qint64 root = 0;
    TaskInfo task;
    QVector<qint64> ids;

    explicit Fixture(int n = 10)
        : path(dir.filePath(QStringLiteral("test.exemplar"))), cat(Catalogue::open(path))
    {
        root = cat.ensureRoot(dir.filePath(QStringLiteral("images")));
        std::vector<NewImage> batch;
        for (int i = 0; i < n; ++i)
            batch.push_back(fakeImage(root, QStringLiteral("img%1.jpg").arg(i, 3, 10, QLatin1Char('0')),
                                      QByteArray::number(i), QStringLiteral("person%1").arg(i % 3)));
        for (const auto& r : cat.addImages(batch))
            ids.push_back(r.imageId);
        task = cat.ensureTask(QStringLiteral("expression"), {QStringLiteral("neutral"), QStringLiteral("happiness"), QStringLiteral("sadness")});
    }
    qint64 cls(const QString& name) const { return task.classByName(name)->id; }
};

} // namespace

class TestCatalogue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void createsAndReopens();
    void migratesAnEmptyVersionZeroFile();
    void migratesVersionOneKeepingData();
    void refusesNewerCatalogueUntouched();
    void refusesForeignSqliteUntouched();
    void refusesGarbageUntouched();
    void readOnlyRefusesMigration();
    void missingCatalogueWithMustExist();
    void addImagesDeduplicatesByContent();
    void tasksAndClasses();
    void retiredClassKeepsLabels();
    void labelEditsAreOneUndoableChange();
    void undoRedoSurviveReopen();
    void newEditDiscardsRedo();
    void historyIsAudited();
    void rejectsClassOfAnotherTaskAtomically();
    void toggleExemplar();
    void findImagesFilters();
    void classCountsByProvenance();
    void runsRoundTrip();
    void writerWaitsForAnotherProcess();
    void lockedTooLongGivesClearError();
    void concurrentWritersLoseNothing();
    void checkFindsMissingFiles();
    void checkReportsDamage();
    void nestedTransactionsAreAllOrNothing();
};

void TestCatalogue::createsAndReopens()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a.exemplar"));
    {
        Catalogue cat = Catalogue::open(path);
        QCOMPARE(cat.schemaVersion(), Catalogue::currentSchemaVersion());
        const qint64 root = cat.ensureRoot(dir.path());
        QCOMPARE(cat.ensureRoot(dir.path() + QStringLiteral("/")), root); // same folder, same root
        cat.addImages({fakeImage(root, QStringLiteral("x.jpg"), "x")});
    }
    Catalogue again = Catalogue::open(path, Catalogue::OpenMode::MustExist);
    QCOMPARE(again.imageCount(), 1);
    QCOMPARE(again.allImages().front().absolutePath, dir.path() + QStringLiteral("/x.jpg"));
    QCOMPARE(again.thumbnail(again.allImages().front().id), QByteArray("\xff\xd8 fake jpeg"));
}

void TestCatalogue::migratesAnEmptyVersionZeroFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.exemplar"));
    {
        Database raw(path, {.readOnly = false, .create = true});
        raw.exec("PRAGMA user_version = 0");
    }
    Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
    QCOMPARE(cat.schemaVersion(), Catalogue::currentSchemaVersion());
    QVERIFY(cat.tasks().isEmpty());
    cat.ensureTask(QStringLiteral("sex"), {QStringLiteral("female"), QStringLiteral("male")});
    QCOMPARE(cat.task(QStringLiteral("sex"))->classes.size(), 2);
}

void TestCatalogue::migratesVersionOneKeepingData()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.exemplar"));
    {
        Catalogue cat = Catalogue::open(path);
        const qint64 root = cat.ensureRoot(dir.path());
        cat.addImages({fakeImage(root, QStringLiteral("x.jpg"), "x")});
    }
    {
        // Turn it back into a version-1 file: the tables version 2 added did not exist then.
        Database raw(path, {});
        // Later versions' additions go too (the class colour column of version 3).
        raw.exec("DROP TABLE face_checks; DROP TABLE face_boxes; DROP TABLE image_scores; DROP TABLE scorings;"
                 "ALTER TABLE classes DROP COLUMN colour; PRAGMA user_version = 1");
    }
    Catalogue cat = Catalogue::open(path, Catalogue::OpenMode::MustExist);
    QCOMPARE(cat.schemaVersion(), Catalogue::currentSchemaVersion());
    QCOMPARE(cat.imageCount(), 1);
    const qint64 imageId = cat.allImages().front().id;
    auto insert = cat.database().prepare(
        "INSERT INTO face_checks(image_id, status, checked_at) VALUES(?, 'found', 'now')");
    insert.bind(1, imageId).run();
    auto count = cat.database().prepare("SELECT count(*) FROM face_checks");
    QVERIFY(count.step());
    QCOMPARE(count.int64(0), 1);
}

void TestCatalogue::refusesNewerCatalogueUntouched()
{
    Fixture f(2);
    {
        Database raw(f.path, {});
        raw.exec("PRAGMA user_version = 99");
    }
    const QByteArray before = fileDigest(f.path);
    try {
        Catalogue::open(f.path);
        QFAIL("a newer catalogue was opened");
    } catch (const Error& e) {
        QVERIFY2(e.message().contains(QStringLiteral("newer Exemplar")), qPrintable(e.message()));
        QVERIFY(e.message().contains(f.path));
    }
    QCOMPARE(fileDigest(f.path), before);
}

void TestCatalogue::refusesForeignSqliteUntouched()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("other.db"));
    {
        Database raw(path, {.readOnly = false, .create = true});
        raw.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES('x')");
    }
    const QByteArray before = fileDigest(path);
    try {
        Catalogue::open(path);
        QFAIL("a foreign SQLite database was opened as a catalogue");
    } catch (const Error& e) {
        QVERIFY2(e.message().contains(QStringLiteral("not an Exemplar catalogue")), qPrintable(e.message()));
    }
    QCOMPARE(fileDigest(path), before);
}

void TestCatalogue::refusesGarbageUntouched()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("garbage.exemplar"));
    test::writeTextFile(path, QByteArray(4096, 'z'));
    const QByteArray before = fileDigest(path);
    try {
        Catalogue::open(path);
        QFAIL("garbage was opened as a catalogue");
    } catch (const Error& e) {
        QVERIFY2(e.message().contains(path), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("not an Exemplar catalogue")), qPrintable(e.message()));
    }
    QCOMPARE(fileDigest(path), before);
}

void TestCatalogue::readOnlyRefusesMigration()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v0.exemplar"));
    {
        Database raw(path, {.readOnly = false, .create = true});
        raw.exec("CREATE TABLE placeholder(x); PRAGMA application_id = 1163414864"); // ours, but version 0
    }
    QVERIFY_THROWS_EXCEPTION(Error, Catalogue::open(path, Catalogue::OpenMode::ReadOnly));
}

void TestCatalogue::missingCatalogueWithMustExist()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("nope.exemplar"));
    QVERIFY_THROWS_EXCEPTION(Error, Catalogue::open(path, Catalogue::OpenMode::MustExist));
    QVERIFY(!QFile::exists(path));
}

void TestCatalogue::addImagesDeduplicatesByContent()
{
    Fixture f(3);
    const auto results = f.cat.addImages({fakeImage(f.root, QStringLiteral("copy-of-0.jpg"), "0"),
                                          fakeImage(f.root, QStringLiteral("new.jpg"), "new")});
    QCOMPARE(results.size(), size_t(2));
    QVERIFY(!results[0].inserted);
    QCOMPARE(results[0].imageId, f.ids[0]);
    QVERIFY(results[1].inserted);
    QCOMPARE(f.cat.imageCount(), 4);
    QVERIFY(f.cat.relativePathsInRoot(f.root).contains(QStringLiteral("new.jpg")));
    QVERIFY(!f.cat.relativePathsInRoot(f.root).contains(QStringLiteral("copy-of-0.jpg")));
}

void TestCatalogue::tasksAndClasses()
{
    Fixture f(1);
    const TaskInfo t = f.cat.ensureTask(QStringLiteral("expression"), {QStringLiteral("happiness"), QStringLiteral("anger")});
    QCOMPARE(t.id, f.task.id);
    QStringList names;
    for (const auto& c : t.classes)
        names << c.name;
    QCOMPARE(names, (QStringList{QStringLiteral("neutral"), QStringLiteral("happiness"), QStringLiteral("sadness"), QStringLiteral("anger")}));

    f.cat.renameClass(f.cls(QStringLiteral("sadness")), QStringLiteral("sad"));
    QVERIFY_THROWS_EXCEPTION(Error, f.cat.renameClass(f.cls(QStringLiteral("neutral")), QStringLiteral("happiness")));
    QVector<qint64> order;
    for (auto it = t.classes.rbegin(); it != t.classes.rend(); ++it)
        order << it->id;
    f.cat.reorderClasses(t.id, order);
    const TaskInfo reordered = *f.cat.task(t.id);
    QCOMPARE(reordered.classes.front().name, QStringLiteral("anger"));
    QCOMPARE(reordered.classes.back().name, QStringLiteral("neutral"));
    QVERIFY(reordered.classByName(QStringLiteral("sad")));
    QVERIFY_THROWS_EXCEPTION(Error, f.cat.reorderClasses(t.id, order.mid(1)));
}

void TestCatalogue::retiredClassKeepsLabels()
{
    Fixture f(4);
    f.cat.setClass({f.ids[0], f.ids[1]}, f.task.id, f.cls(QStringLiteral("sadness")));
    f.cat.setClassRetired(f.cls(QStringLiteral("sadness")), true);
    const TaskInfo t = *f.cat.task(f.task.id);
    QVERIFY(t.classByName(QStringLiteral("sadness"))->retired);
    QCOMPARE(f.cat.label(f.ids[0], f.task.id)->classId, f.cls(QStringLiteral("sadness")));
    const auto counts = f.cat.classCounts(f.task.id);
    const auto sad = std::find_if(counts.begin(), counts.end(), [](const ClassCount& c) { return c.className == QLatin1String("sadness"); });
    QVERIFY(sad != counts.end());
    QVERIFY(sad->retired);
    QCOMPARE(sad->curator, 2);
}

void TestCatalogue::labelEditsAreOneUndoableChange()
{
    Fixture f(5);
    QVector<LabelEdit> edits;
    for (int i = 0; i < 5; ++i)
        edits.push_back({f.ids[i], f.task.id, f.cls(QStringLiteral("happiness")), false, Provenance::Imported, QStringLiteral("labels.csv:expression")});
    const qint64 change = f.cat.applyLabelEdits(edits, QStringLiteral("import labels.csv"), QStringLiteral("tester"));
    QVERIFY(change > 0);
    QCOMPARE(f.cat.labelsOfTask(f.task.id).size(), 5);
    QCOMPARE(f.cat.label(f.ids[2], f.task.id)->source, QStringLiteral("labels.csv:expression"));
    QCOMPARE(f.cat.applyLabelEdits(edits, QStringLiteral("again"), QStringLiteral("tester")), qint64(0)); // no-op: no change recorded
    QCOMPARE(f.cat.undo(), std::optional<qint64>(change));
    QVERIFY(f.cat.labelsOfTask(f.task.id).isEmpty());
    QCOMPARE(f.cat.undo(), std::nullopt);
}

void TestCatalogue::undoRedoSurviveReopen()
{
    Fixture f(3);
    f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("neutral")));
    f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("sadness")));
    {
        Catalogue other = Catalogue::open(f.path, Catalogue::OpenMode::MustExist); // e.g. after a restart
        QVERIFY(other.canUndo());
        QVERIFY(other.undo());
        QCOMPARE(other.label(f.ids[0], f.task.id)->classId, f.cls(QStringLiteral("neutral")));
    }
    QVERIFY(f.cat.canRedo());
    QVERIFY(f.cat.redo());
    QCOMPARE(f.cat.label(f.ids[0], f.task.id)->classId, f.cls(QStringLiteral("sadness")));
    QVERIFY(f.cat.undo());
    QVERIFY(f.cat.undo());
    QVERIFY(!f.cat.label(f.ids[0], f.task.id));
    QVERIFY(!f.cat.canUndo());
}

void TestCatalogue::newEditDiscardsRedo()
{
    Fixture f(2);
    f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("neutral")));
    f.cat.undo();
    QVERIFY(f.cat.canRedo());
    f.cat.setClass({f.ids[1]}, f.task.id, f.cls(QStringLiteral("happiness")));
    QVERIFY(!f.cat.canRedo());
    QVERIFY(!f.cat.redo());
    QVERIFY(!f.cat.label(f.ids[0], f.task.id));
    QCOMPARE(f.cat.changes().front().state, ChangeState::Applied);
    QCOMPARE(f.cat.changes().at(1).state, ChangeState::Discarded);
}

void TestCatalogue::historyIsAudited()
{
    Fixture f(1);
    f.cat.applyLabelEdits({{f.ids[0], f.task.id, f.cls(QStringLiteral("neutral")), false, Provenance::Imported, QStringLiteral("a.csv:expression")}},
                          QStringLiteral("import"), QStringLiteral("importer"));
    f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("sadness")), QStringLiteral("alice"));
    f.cat.undo(QStringLiteral("alice"));
    const auto history = f.cat.labelHistory(f.ids[0]);
    QCOMPARE(history.size(), 2);
    QCOMPARE(history[0].oldClassId, std::nullopt);
    QCOMPARE(history[0].newClassId, f.cls(QStringLiteral("neutral")));
    QCOMPARE(history[0].newProvenance, QStringLiteral("imported"));
    QCOMPARE(history[1].author, QStringLiteral("alice"));
    QCOMPARE(history[1].oldClassId, f.cls(QStringLiteral("neutral")));
    QCOMPARE(history[1].newClassId, f.cls(QStringLiteral("sadness")));
    QCOMPARE(history[1].state, ChangeState::Undone);
    QCOMPARE(f.cat.label(f.ids[0], f.task.id)->provenance, Provenance::Imported); // undo restored the import
}

void TestCatalogue::rejectsClassOfAnotherTaskAtomically()
{
    Fixture f(2);
    const TaskInfo sex = f.cat.ensureTask(QStringLiteral("sex"), {QStringLiteral("female"), QStringLiteral("male")});
    QVector<LabelEdit> edits{{f.ids[0], f.task.id, f.cls(QStringLiteral("neutral")), false, Provenance::Curator, {}},
                             {f.ids[1], f.task.id, sex.classes[0].id, false, Provenance::Curator, {}}};
    QVERIFY_THROWS_EXCEPTION(Error, f.cat.applyLabelEdits(edits, QStringLiteral("bad")));
    QVERIFY(!f.cat.label(f.ids[0], f.task.id)); // the valid first edit was rolled back too
    QVERIFY(!f.cat.canUndo());
}

void TestCatalogue::toggleExemplar()
{
    Fixture f(3);
    f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("sadness")));
    f.cat.toggleExemplar({f.ids[0], f.ids[1]}, f.task.id);
    QVERIFY(f.cat.label(f.ids[0], f.task.id)->exemplar);
    QCOMPARE(f.cat.label(f.ids[0], f.task.id)->classId, f.cls(QStringLiteral("sadness"))); // class kept
    QVERIFY(f.cat.label(f.ids[1], f.task.id)->exemplar);
    QCOMPARE(f.cat.label(f.ids[1], f.task.id)->classId, std::nullopt);
    f.cat.toggleExemplar({f.ids[0], f.ids[1]}, f.task.id);
    QVERIFY(!f.cat.label(f.ids[0], f.task.id)->exemplar);
    QVERIFY(!f.cat.label(f.ids[1], f.task.id)); // no class, no flag: no label
}

void TestCatalogue::findImagesFilters()
{
    Fixture f(6);
    f.cat.setClass({f.ids[0], f.ids[1]}, f.task.id, f.cls(QStringLiteral("sadness")));
    f.cat.applyLabelEdits({{f.ids[2], f.task.id, f.cls(QStringLiteral("happiness")), false, Provenance::Imported, {}}}, QStringLiteral("imp"));
    f.cat.toggleExemplar({f.ids[1]}, f.task.id);
    std::vector<AttributeValue> attrs;
    for (int i = 0; i < 6; ++i)
        attrs.push_back({f.ids[i], QStringLiteral("Age"), QVariant(20.0 + 10 * i), QStringLiteral("a.csv")});
    attrs.push_back({f.ids[0], QStringLiteral("Race"), QVariant(QStringLiteral("x")), QStringLiteral("a.csv")});
    f.cat.setAttributes(attrs);

    ImageQuery q;
    q.taskId = f.task.id;
    q.classIds = {f.cls(QStringLiteral("sadness"))};
    QCOMPARE(f.cat.findImages(q), (QVector<qint64>{f.ids[0], f.ids[1]}));
    q.exemplarsOnly = true;
    QCOMPARE(f.cat.findImages(q), (QVector<qint64>{f.ids[1]}));

    ImageQuery unlabelled;
    unlabelled.taskId = f.task.id;
    unlabelled.unlabelledOnly = true;
    QCOMPARE(f.cat.findImages(unlabelled), (QVector<qint64>{f.ids[3], f.ids[4], f.ids[5]}));

    ImageQuery imported;
    imported.taskId = f.task.id;
    imported.provenance = Provenance::Imported;
    QCOMPARE(f.cat.findImages(imported), (QVector<qint64>{f.ids[2]}));

    ImageQuery ages;
    ages.attributeRanges = {{QStringLiteral("Age"), 30.0, 50.0}};
    ages.sort = ImageQuery::Sort::Attribute;
    ages.sortAttribute = QStringLiteral("Age");
    ages.descending = true;
    QCOMPARE(f.cat.findImages(ages), (QVector<qint64>{f.ids[3], f.ids[2], f.ids[1]}));

    ImageQuery name;
    name.fileNameContains = QStringLiteral("IMG004");
    QCOMPARE(f.cat.findImages(name), (QVector<qint64>{f.ids[4]}));

    ImageQuery noTask;
    noTask.exemplarsOnly = true;
    QVERIFY_THROWS_EXCEPTION(Error, f.cat.findImages(noTask));

    QCOMPARE(f.cat.attributes(f.ids[0]).size(), 2);
    QCOMPARE(f.cat.attributeRange(QStringLiteral("Age")), std::optional(qMakePair(20.0, 70.0)));
    QCOMPARE(f.cat.attributeRange(QStringLiteral("Race")), std::nullopt);
}

void TestCatalogue::classCountsByProvenance()
{
    Fixture f(5);
    f.cat.applyLabelEdits({{f.ids[0], f.task.id, f.cls(QStringLiteral("happiness")), false, Provenance::Imported, {}},
                           {f.ids[1], f.task.id, f.cls(QStringLiteral("happiness")), false, Provenance::Imported, {}}},
                          QStringLiteral("imp"));
    f.cat.setClass({f.ids[2]}, f.task.id, f.cls(QStringLiteral("happiness")));
    f.cat.toggleExemplar({f.ids[2]}, f.task.id);
    const auto counts = f.cat.classCounts(f.task.id);
    QCOMPARE(counts.size(), 3);
    QCOMPARE(counts[1].className, QStringLiteral("happiness"));
    QCOMPARE(counts[1].imported, 2);
    QCOMPARE(counts[1].curator, 1);
    QCOMPARE(counts[1].exemplars, 1);
    const CatalogueStats s = f.cat.stats();
    QCOMPARE(s.images, 5);
    QCOMPARE(s.imagesWithIdentity, 5);
    QCOMPARE(s.tasks.size(), 1);
    QCOMPARE(s.tasks[0].labelled, 3);
    QCOMPARE(s.tasks[0].unlabelled, 2);
    QCOMPARE(s.tasks[0].exemplars, 1);
}

void TestCatalogue::runsRoundTrip()
{
    Fixture f(3);
    RunRecord r;
    r.taskId = f.task.id;
    r.name = QStringLiteral("first");
    r.status = QStringLiteral("running");
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.seed = 42;
    r.configJson = QStringLiteral("{\"epochs\":3}");
    r.id = f.cat.createRun(r);
    f.cat.addEpoch({r.id, 1, 1.5, 0.4, 1.2, 0.5, 0.45, 0.4, 1e-3, 200, 10});
    f.cat.addEpoch({r.id, 2, 1.0, 0.6, 1.1, 0.6, 0.55, 0.5, 5e-4, 210, 20});
    f.cat.setRunSplit(r.id, {{f.ids[0], SplitPart::Train}, {f.ids[1], SplitPart::Validation}, {f.ids[2], SplitPart::Test}});
    f.cat.setRunPredictions(r.id, {{f.ids[2], SplitPart::Test, f.cls(QStringLiteral("neutral")), f.cls(QStringLiteral("sadness")), {0.25f, 0.15f, 0.6f}}});
    r.status = QStringLiteral("finished");
    r.testMetricsJson = QStringLiteral("{\"accuracy\":0}");
    f.cat.updateRun(r);

    const auto back = f.cat.run(r.id);
    QVERIFY(back);
    QCOMPARE(back->status, QStringLiteral("finished"));
    QCOMPARE(back->seed, quint64(42));
    QCOMPARE(f.cat.epochs(r.id).size(), 2);
    QCOMPARE(f.cat.epochs(r.id)[1].valBalancedAccuracy, 0.55);
    QCOMPARE(f.cat.runSplit(r.id)[1].part, SplitPart::Validation);
    const auto preds = f.cat.runPredictions(r.id);
    QCOMPARE(preds.size(), 1);
    QCOMPARE(preds[0].probabilities, (QVector<float>{0.25f, 0.15f, 0.6f}));
    f.cat.deleteRun(r.id);
    QVERIFY(!f.cat.run(r.id));
    QVERIFY(f.cat.epochs(r.id).isEmpty());
    QVERIFY(f.cat.runPredictions(r.id).isEmpty());
}

void TestCatalogue::writerWaitsForAnotherProcess()
{
    Fixture f(2);
    std::atomic<bool> locked{false};
    std::thread holder([&] {
        Database other(f.path, {}); // a second connection, as another process would have
        Transaction tx(other);
        other.exec("UPDATE images SET identity = 'held' WHERE id = 1");
        locked = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        tx.commit();
    });
    while (!locked)
        std::this_thread::yield();
    QElapsedTimer timer;
    timer.start();
    f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("neutral"))); // must wait, not fail
    holder.join();
    QVERIFY2(timer.elapsed() >= 300, "the write did not wait for the other writer");
    QCOMPARE(f.cat.label(f.ids[0], f.task.id)->classId, f.cls(QStringLiteral("neutral")));
    QCOMPARE(f.cat.image(f.ids[0])->identity, QStringLiteral("held"));
}

void TestCatalogue::lockedTooLongGivesClearError()
{
    Fixture f(1);
    Database other(f.path, {});
    Transaction tx(other);
    other.exec("UPDATE images SET identity = 'held'");
    f.cat.setBusyTimeoutMs(100);
    try {
        f.cat.setClass({f.ids[0]}, f.task.id, f.cls(QStringLiteral("neutral")));
        QFAIL("a write succeeded while another connection held the write lock");
    } catch (const Error& e) {
        QVERIFY2(e.message().contains(QStringLiteral("locked")), qPrintable(e.message()));
        QVERIFY(e.message().contains(f.path));
    }
    tx.commit();
    QVERIFY(!f.cat.label(f.ids[0], f.task.id)); // nothing half-written
}

void TestCatalogue::concurrentWritersLoseNothing()
{
    Fixture f(40);
    auto writer = [&](int offset) {
        Catalogue cat = Catalogue::open(f.path, Catalogue::OpenMode::MustExist);
        for (int i = offset; i < 40; i += 2)
            cat.setClass({f.ids[i]}, f.task.id, f.cls(QStringLiteral("happiness")), QStringLiteral("w%1").arg(offset));
    };
    std::thread a(writer, 0), b(writer, 1);
    a.join();
    b.join();
    QCOMPARE(f.cat.labelsOfTask(f.task.id).size(), 40);
    QCOMPARE(f.cat.changes(1000).size(), 40);
}

void TestCatalogue::checkFindsMissingFiles()
{
    QTemporaryDir dir;
    const QString images = dir.filePath(QStringLiteral("images"));
    test::writeSyntheticImage(images + QStringLiteral("/a.jpg"), 32, 32, 1);
    Catalogue cat = Catalogue::open(dir.filePath(QStringLiteral("c.exemplar")));
    const qint64 root = cat.ensureRoot(images);
    cat.addImages({fakeImage(root, QStringLiteral("a.jpg"), "a"), fakeImage(root, QStringLiteral("gone.jpg"), "b")});
    const IntegrityReport report = cat.check();
    QVERIFY(!report.ok);
    QCOMPARE(report.missingFiles, 1);
    QVERIFY(report.problems.join(QLatin1Char(' ')).contains(QStringLiteral("gone.jpg")));
    QVERIFY(!report.advice.isEmpty());
}

void TestCatalogue::checkReportsDamage()
{
    Fixture f(200);
    {
        std::vector<AttributeValue> attrs;
        for (qint64 id : f.ids)
            attrs.push_back({id, QStringLiteral("note"), QVariant(QString(300, QLatin1Char('n'))), {}});
        f.cat.setAttributes(attrs);
    }
    const QString copy = f.dir.filePath(QStringLiteral("damaged.exemplar"));
    { Catalogue closing = std::move(f.cat); } // closes the fixture's connection
    {
        Database raw(f.path, {});
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
    }
    QFile::copy(f.path, copy);
    {
        QFile file(copy);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 pageSize = 4096;
        // Overwrite an interior page with noise: SQLite's header survives, the b-tree does not.
        file.seek(pageSize * 3);
        file.write(QByteArray(pageSize * 2, '\x5a'));
    }
    bool reported = false;
    try {
        Catalogue damaged = Catalogue::open(copy, Catalogue::OpenMode::ReadOnly);
        const IntegrityReport report = damaged.check();
        reported = !report.ok && !report.problems.isEmpty() && !report.advice.isEmpty();
    } catch (const Error& e) {
        reported = e.message().contains(copy); // damage seen while opening is also a clear report
    }
    QVERIFY(reported);
}

QTEST_GUILESS_MAIN(TestCatalogue)
#include "test_catalogue.moc"

void TestCatalogue::nestedTransactionsAreAllOrNothing()
{
    // Catalogue calls inside an outer Transaction become savepoints: nothing is kept unless the
    // outer transaction commits, which is what makes a labels import or a relink all or nothing.
    QTemporaryDir dir;
    Catalogue cat = Catalogue::open(dir.filePath(QStringLiteral("c.exemplar")));
    const qint64 root = cat.ensureRoot(dir.filePath(QStringLiteral("images")));
    cat.addImages({fakeImage(root, QStringLiteral("a.jpg"), "a")});
    const qint64 image = cat.allImages().first().id;
    {
        Transaction outer(cat.database());
        const TaskInfo task = cat.ensureTask(QStringLiteral("expression"), {QStringLiteral("neutral")});
        cat.setClass({image}, task.id, task.classes.first().id);
        cat.setIdentities({{image, QStringLiteral("Ann")}});
        QVERIFY(cat.task(QStringLiteral("expression"))); // visible inside the transaction
        // An inner failure rolls back only its own savepoint.
        QVERIFY_THROWS_EXCEPTION(Error, cat.setClass({image}, task.id, qint64(987654)));
        QVERIFY(cat.label(image, task.id));
    } // not committed
    QVERIFY(!cat.task(QStringLiteral("expression")));
    QCOMPARE(cat.image(image)->identity, QString());
    QVERIFY(cat.changes().isEmpty());
    {
        Transaction outer(cat.database());
        cat.ensureTask(QStringLiteral("sex"), {QStringLiteral("female")});
        outer.commit();
    }
    QVERIFY(cat.task(QStringLiteral("sex")));
    cat.ensureTask(QStringLiteral("after"), {}); // a plain transaction works again afterwards
    QVERIFY(cat.task(QStringLiteral("after")));
}
