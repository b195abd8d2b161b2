// relinkImages / planRelink (core/catalogue/Relink.h) on generated folders: a moved image folder
// is found again with its labels, history, identities and face records; a moved subfolder of an
// image folder; refusals (no file found, not a folder, nothing under OLD) and a relink that fails
// half-way change nothing; check() names the relink command for a missing folder.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Relink.h"
#include "core/import/Importers.h"
#include "tests/support/TestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

using namespace exemplar;

namespace {

FolderImportOptions noFaces()
{
    FolderImportOptions o;
    o.detectFaces = false;
    return o;
}

struct Fixture {
    QTemporaryDir dir;
    QString old = QFileInfo(dir.path()).canonicalFilePath() + "/old/images";
    QString moved = QFileInfo(dir.path()).canonicalFilePath() + "/new/pictures";
    Catalogue catalogue = Catalogue::open(dir.filePath("c.exemplar"));

    Fixture()
    {
        int seed = 0;
        for (const char* name : {"a.jpg", "b.jpg", "sub/c.jpg"})
            test::writeSyntheticImage(old + "/" + name, 40, 40, ++seed);
        importFolder(catalogue, old, noFaces());
        const auto task = catalogue.ensureTask("expression", {"neutral", "happiness"});
        catalogue.setClass({idOf("a.jpg")}, task.id, task.classByName("happiness")->id, "curator");
        catalogue.setClass({idOf("a.jpg")}, task.id, task.classByName("neutral")->id, "curator");
        catalogue.toggleExemplar({idOf("sub/c.jpg")}, task.id, "curator");
        catalogue.setIdentities({{idOf("b.jpg"), "Bob"}});
    }
    qint64 idOf(const QString& rel) const
    {
        for (const auto& img : catalogue.allImages())
            if (img.relativePath.endsWith(rel)) return img.id;
        return 0;
    }
    void moveFolder()
    {
        QVERIFY(QDir().mkpath(QFileInfo(moved).path()));
        QVERIFY(QDir().rename(old, moved));
    }
    // Labels, history and identities of every image, by id.
    QString state() const
    {
        QStringList lines;
        for (const auto& img : catalogue.allImages()) {
            QStringList labels;
            for (const auto& l : catalogue.labelsOfImage(img.id))
                labels << QString("%1:%2:%3").arg(l.taskId).arg(l.classId.value_or(0)).arg(l.exemplar);
            lines << QString("%1 %2 %3 %4 history=%5").arg(img.id).arg(img.identity, labels.join(","), img.contentHash)
                         .arg(catalogue.labelHistory(img.id).size());
        }
        return lines.join("\n");
    }
    QStringList paths() const
    {
        QStringList p;
        for (const auto& img : catalogue.allImages()) p << img.absolutePath;
        return p;
    }
};

} // namespace

class TestRelink : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void movedFolderIsFoundAgain()
    {
        Fixture f;
        const QString before = f.state();
        f.moveFolder();
        const IntegrityReport broken = f.catalogue.check();
        QVERIFY(!broken.ok);
        QVERIFY2(broken.advice.join("\n").contains("exemplar-cli relink --catalog") && broken.advice.join("\n").contains(f.old),
                 qPrintable(broken.advice.join("\n")));

        const RelinkPlan plan = planRelink(f.catalogue, f.old + "/", f.moved); // a trailing slash is fine
        QCOMPARE(plan.images, 3);
        QCOMPARE(plan.found, 3);
        QCOMPARE(plan.missing, 0);
        QCOMPARE(plan.roots.size(), 1);
        QCOMPARE(plan.roots[0].newPath, f.moved);
        QVERIFY(!f.catalogue.check().ok); // planning changed nothing

        const RelinkPlan done = relinkImages(f.catalogue, f.old, f.moved);
        QCOMPARE(done.found, 3);
        QCOMPARE(f.state(), before); // same ids, labels, flags, identities, history
        for (const QString& p : f.paths()) QVERIFY2(p.startsWith(f.moved + "/") && QFileInfo::exists(p), qPrintable(p));
        const IntegrityReport ok = f.catalogue.check();
        QVERIFY2(ok.ok, qPrintable(ok.problems.join("\n")));
        QCOMPARE(f.catalogue.importsLog().last().kind, QString("relink"));
        // Importing the moved folder again finds everything already catalogued.
        const ImportReport again = importFolder(f.catalogue, f.moved, noFaces());
        QCOMPARE(again.added, 0);
        QCOMPARE(again.alreadyPresent, 3);
    }

    void refusalsChangeNothing()
    {
        Fixture f;
        f.moveFolder();
        const QString before = f.state();
        const QStringList paths = f.paths();
        const QString empty = f.dir.filePath("empty");
        QVERIFY(QDir().mkpath(empty));

        QString error = test::errorOf([&] { relinkImages(f.catalogue, f.old, empty); });
        QVERIFY2(error.contains("none of the 3") && error.contains("--force") && error.contains(f.old), qPrintable(error));
        error = test::errorOf([&] { relinkImages(f.catalogue, f.old, f.dir.filePath("nowhere")); });
        QVERIFY2(error.contains("nowhere") && error.contains("not a folder"), qPrintable(error));
        error = test::errorOf([&] { relinkImages(f.catalogue, f.dir.filePath("unknown"), f.moved); });
        QVERIFY2(error.contains("no catalogued image") && error.contains(f.old), qPrintable(error));
        QCOMPARE(f.paths(), paths);
        QCOMPARE(f.state(), before);

        // --force relinks to a folder where the files are not (yet): the plan says they are missing.
        const RelinkPlan forced = relinkImages(f.catalogue, f.old, empty, true);
        QCOMPARE(forced.missing, 3);
        QVERIFY(f.paths().first().startsWith(QFileInfo(empty).canonicalFilePath() + "/"));
        QCOMPARE(f.state(), before);
    }

    void movedSubfolderOfAnImageFolder()
    {
        Fixture f;
        const QString before = f.state();
        const QString newSub = QFileInfo(f.dir.path()).canonicalFilePath() + "/elsewhere/sub";
        QVERIFY(QDir().mkpath(QFileInfo(newSub).path()));
        QVERIFY(QDir().rename(f.old + "/sub", newSub));
        QVERIFY(!f.catalogue.check().ok);
        const RelinkPlan plan = relinkImages(f.catalogue, f.old + "/sub", newSub);
        QCOMPARE(plan.images, 1);
        QCOMPARE(plan.imagesMovedBetweenRoots, 1);
        QCOMPARE(f.state(), before);
        QCOMPARE(f.catalogue.image(f.idOf("c.jpg"))->absolutePath, newSub + "/c.jpg");
        QVERIFY2(f.catalogue.check().ok, qPrintable(f.catalogue.check().problems.join("\n")));
    }

    void failedRelinkChangesNothing()
    {
        // Relinking OLD onto another image folder that already catalogues a file of the same name:
        // the clash is found half-way, and the whole relink is rolled back.
        Fixture f;
        const QString other = QFileInfo(f.dir.path()).canonicalFilePath() + "/other";
        test::writeSyntheticImage(other + "/a.jpg", 40, 40, 99);
        importFolder(f.catalogue, other, noFaces());
        const QString before = f.state();
        const QStringList paths = f.paths();
        const int roots = int(f.catalogue.roots().size());
        const QString error = test::errorOf([&] { relinkImages(f.catalogue, f.old, other); });
        QVERIFY2(error.contains("a.jpg") && error.contains("nothing was changed"), qPrintable(error));
        QCOMPARE(f.paths(), paths);
        QCOMPARE(f.state(), before);
        QCOMPARE(f.catalogue.roots().size(), roots);
    }
};

QTEST_GUILESS_MAIN(TestRelink)
#include "test_relink.moc"
