// importAdultFaces / previewAdultFaces / value mappings on annotation tables built here: the .xlsx
// "Final Values" sheet and its .csv export (semicolons, decimal commas, BOM), header variants,
// averaged codes kept raw unless rounding is asked for, every column stored as an attribute.
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>

using namespace exemplar;

namespace {

const QStringList kHeader{"Filename", "Image #", "Gender", "Age", "Race", "Emotion?", "attractive"};
// a: happiness/female, b: averaged emotion 1.33 (no label unless rounded), c: disgust/"male",
// d: emotion 7 (no such code), then a missing file, a repeated row and an escaping name.
const QVector<QStringList> kRows{
    {"a.jpg", "1", "0", "35", "white", "1", "3.25"},
    {"b.jpg", "2", "1", "", "black", "1.33", "2.5"},
    {"c.jpg", "3", "male", "51", "", "6", "4"},
    {"d.jpg", "4", "1", "28", "asian", "7", "3"},
    {"nope.jpg", "5", "0", "40", "white", "0", "1"},
    {"a.jpg", "6", "1", "40", "white", "0", "1"},
    {"../a.jpg", "7", "1", "40", "white", "0", "1"},
};

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
        for (const char* name : {"a.jpg", "b.jpg", "c.jpg", "d.jpg"}) test::writeSyntheticImage(images + "/" + name, 48, 48, ++seed);
        importFolder(catalogue, images);
        rootId = catalogue.roots().first().id;
    }
    qint64 id(const QString& path) const { return *catalogue.imageIdByPath(rootId, path); }
    QString xlsx()
    {
        const QString path = dir.filePath("faces.xlsx");
        QVector<QStringList> rows{kHeader};
        rows += kRows;
        test::writeXlsx(path, {{"Readme", test::xlsxRowsXml({{"about"}})}, {"Final Values", test::xlsxRowsXml(rows)}});
        return path;
    }
    // The same table as a spreadsheet in a decimal-comma locale exports it.
    QString csv()
    {
        QByteArray text = "\xEF\xBB\xBF";
        text += "Filename;Image #;Gender;Age;Race;Emotion;attractive\r\n";
        for (const auto& row : kRows) {
            QStringList cells = row;
            for (int c = 1; c < cells.size(); ++c) cells[c].replace('.', ',');
            cells[0] = '"' + cells[0] + '"';
            text += cells.join(';').toUtf8() + "\r\n";
        }
        const QString path = dir.filePath("faces.csv");
        test::writeTextFile(path, text);
        return path;
    }
    QString className(qint64 imageId, const QString& taskName)
    {
        const auto task = catalogue.task(taskName);
        const auto label = task ? catalogue.label(imageId, task->id) : std::nullopt;
        return label && label->classId ? task->classById(*label->classId)->name : QString();
    }
    QVariant attribute(qint64 imageId, const QString& name)
    {
        for (const auto& a : catalogue.attributes(imageId))
            if (a.name == name) return a.value;
        return {};
    }
};

} // namespace

class TestImportAdultFaces : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void importsTheXlsxAndItsCsvExport_data()
    {
        QTest::addColumn<bool>("useCsv");
        QTest::newRow("xlsx") << false;
        QTest::newRow("csv with semicolons and decimal commas") << true;
    }
    void importsTheXlsxAndItsCsvExport()
    {
        QFETCH(bool, useCsv);
        Fixture f;
        const QString path = useCsv ? f.csv() : f.xlsx();
        const QString name = useCsv ? "faces.csv" : "faces.xlsx";
        const QString emotionHeader = useCsv ? "Emotion" : "Emotion?";
        const ImportReport r = importAdultFaces(f.catalogue, path, f.images, {});
        QCOMPARE(r.scanned, 7);
        QCOMPARE(r.skipped, 3);
        QVERIFY(problemOf(r, name + ":6").contains("not in the catalogue"));
        QVERIFY(problemOf(r, name + ":7").contains("listed again"));
        QVERIFY(problemOf(r, name + ":8").contains("outside the image root"));

        QCOMPARE(f.className(f.id("a.jpg"), "expression"), QString("happiness"));
        QCOMPARE(f.className(f.id("b.jpg"), "expression"), QString()); // 1.33 is not silently rounded
        QCOMPARE(f.className(f.id("c.jpg"), "expression"), QString("disgust"));
        QCOMPARE(f.className(f.id("d.jpg"), "expression"), QString());
        QCOMPARE(f.className(f.id("a.jpg"), "sex"), QString("female"));
        QCOMPARE(f.className(f.id("b.jpg"), "sex"), QString("male"));
        QCOMPARE(f.className(f.id("c.jpg"), "sex"), QString("male"));
        QCOMPARE(r.labelsSet, 6);
        const QString unmapped = problemOf(r, name + ":" + emotionHeader);
        QVERIFY2(unmapped.contains("2 rows") && unmapped.contains(useCsv ? "1,33" : "1.33") && unmapped.contains("7"), qPrintable(unmapped));

        // Every non-empty cell is an attribute; numbers are doubles, the raw average is kept.
        QCOMPARE(f.attribute(f.id("b.jpg"), emotionHeader).typeId(), QMetaType::Double);
        QCOMPARE(f.attribute(f.id("b.jpg"), emotionHeader).toDouble(), 1.33);
        QCOMPARE(f.attribute(f.id("b.jpg"), "attractive").toDouble(), 2.5);
        QCOMPARE(f.attribute(f.id("a.jpg"), "Race").toString(), QString("white"));
        QCOMPARE(f.attribute(f.id("c.jpg"), "Gender").toString(), QString("male"));
        QCOMPARE(f.attribute(f.id("a.jpg"), "Image #").toDouble(), 1.0);
        QVERIFY(!f.attribute(f.id("b.jpg"), "Age").isValid()); // empty cell: no attribute
        QCOMPARE(f.catalogue.attributes(f.id("a.jpg")).size(), 7);
        QCOMPARE(r.attributesSet, 7 + 6 + 6 + 7);

        // Classes in code order, provenance and source, one change.
        const auto expression = f.catalogue.task("expression");
        QStringList classes;
        for (const auto& c : expression->classes) classes.append(c.name);
        QCOMPARE(classes, (QStringList{"neutral", "happiness", "sadness", "anger", "fear", "surprise", "disgust"}));
        const auto label = f.catalogue.label(f.id("a.jpg"), expression->id);
        QCOMPARE(label->provenance, Provenance::Imported);
        QCOMPARE(label->source, name + ":" + emotionHeader);
        QCOMPARE(f.catalogue.changes().size(), 1);
        QCOMPARE(f.catalogue.importsLog().last().kind, QString("adult-faces"));
    }

    void roundingIsAnOption()
    {
        Fixture f;
        AdultFacesOptions options;
        options.roundCodes = true;
        const ImportReport r = importAdultFaces(f.catalogue, f.xlsx(), f.images, options);
        QCOMPARE(f.className(f.id("b.jpg"), "expression"), QString("happiness"));
        QCOMPARE(f.className(f.id("d.jpg"), "expression"), QString()); // 7 is an integer with no class
        QCOMPARE(f.attribute(f.id("b.jpg"), "Emotion?").toDouble(), 1.33);
        QCOMPARE(r.labelsSet, 7);
    }

    void previewShowsEachValueAndItsClass()
    {
        Fixture f;
        const MappingPreview preview = previewAdultFaces(f.csv());
        QCOMPARE(preview.rows, 7);
        QCOMPARE(preview.columns.size(), 2);
        const auto& emotion = preview.columns[0];
        QCOMPARE(emotion.header, QString("Emotion"));
        QCOMPARE(emotion.task, QString("expression"));
        QStringList raws;
        for (const auto& v : emotion.values) raws.append(v.raw);
        QCOMPARE(raws, (QStringList{"0", "1", "1.33", "6", "7"}));
        QCOMPARE(emotion.values[0].count, 3);
        QCOMPARE(emotion.values[0].className, QString("neutral"));
        QCOMPARE(emotion.values[2].className, QString()); // kept raw, no label
        QCOMPARE(emotion.values[3].className, QString("disgust"));
        const auto& gender = preview.columns[1];
        QCOMPARE(gender.values.last().raw, QString("male"));
        QCOMPARE(gender.values.last().className, QString("male"));
        const QString text = preview.toText();
        QVERIFY2(text.contains("1.33: 1 rows -> kept raw, no label"), qPrintable(text));
        QVERIFY2(text.contains("0: 3 rows -> neutral"), qPrintable(text));

        AdultFacesOptions rounding;
        rounding.roundCodes = true;
        const auto rounded = previewAdultFaces(f.xlsx(), rounding);
        QCOMPARE(rounded.columns[0].values[2].className, QString("happiness"));
        QVERIFY(rounded.columns[0].values[2].rounded);
    }

    void mappingFiles()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("map.txt");
        test::writeTextFile(path, "# my mapping\n[ Emotion? -> mood ]\n1 = happy\n0=calm\n\n[Race -> group]\nwhite = w\n");
        const ValueMapping m = parseValueMapping(path);
        QCOMPARE(m.columns.size(), 2);
        QCOMPARE(m.columns[0].column, QString("Emotion?"));
        QCOMPARE(m.columns[0].task, QString("mood"));
        QCOMPARE(m.columns[0].classes(), (QStringList{"happy", "calm"}));
        QCOMPARE(m.columns[0].classFor("1,0", true, false), std::optional<QString>("happy"));
        QCOMPARE(m.columns[1].classFor("WHITE", false, false), std::optional<QString>("w"));
        QVERIFY(!m.columns[0].classFor("0.6", false, false));
        QCOMPARE(m.columns[0].classFor("0.6", false, true), std::optional<QString>("happy"));
        // The text form parses back to the same mapping.
        const ValueMapping back = parseValueMappingText(defaultAdultFacesMapping().toText(), "default");
        QCOMPARE(back.columns.size(), 2);
        QCOMPARE(back.columns[0].values, defaultAdultFacesMapping().columns[0].values);
        QCOMPARE(back.columns[1].values, defaultAdultFacesMapping().columns[1].values);

        for (const QByteArray& bad : {QByteArray("0 = neutral\n"), QByteArray("[Emotion -> e]\n0 neutral\n"),
                                      QByteArray("[Emotion]\n"), QByteArray("[Emotion -> e]\n0 = a\n0 = b\n"),
                                      QByteArray("[Emotion -> e]\n")}) {
            test::writeTextFile(path, bad);
            try {
                parseValueMapping(path);
                QFAIL(bad.constData());
            } catch (const Error& e) {
                QVERIFY2(e.message().contains("map.txt"), qPrintable(e.message()));
            }
        }
        test::writeTextFile(path, "[Emotion -> e]\n0 = a\nbroken line\n");
        try {
            parseValueMapping(path);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("map.txt:3"), qPrintable(e.message()));
        }
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, parseValueMapping(dir.filePath("absent.txt")));
    }

    void customMappingAndMissingColumn()
    {
        Fixture f;
        AdultFacesOptions options;
        options.mapping = parseValueMappingText("[Race -> group]\nwhite = light\nblack = dark\n[Mood -> mood]\n1 = x\n", "m");
        const ImportReport r = importAdultFaces(f.catalogue, f.xlsx(), f.images, options);
        QCOMPARE(f.className(f.id("a.jpg"), "group"), QString("light"));
        QCOMPARE(f.className(f.id("b.jpg"), "group"), QString("dark"));
        QVERIFY(!f.catalogue.task("expression"));
        QVERIFY2(problemOf(r, "faces.xlsx").contains("no column \"Mood\""), qPrintable(problemOf(r, "faces.xlsx")));
    }

    void wrongColumnsAndSheetAreErrors()
    {
        Fixture f;
        const QString path = f.dir.filePath("other.xlsx");
        test::writeXlsx(path, {{"Final Values", test::xlsxRowsXml({{"Image", "Emotion"}, {"a.jpg", "1"}})}});
        try {
            importAdultFaces(f.catalogue, path, f.images, {});
            QFAIL("no error without a Filename column");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("other.xlsx") && e.message().contains("\"Image\""), qPrintable(e.message()));
        }
        AdultFacesOptions options;
        options.sheet = "Raw";
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, importAdultFaces(f.catalogue, f.xlsx(), f.images, options));
        QVERIFY(f.catalogue.changes().isEmpty());
    }

    void cancelLeavesNoLabels()
    {
        Fixture f;
        CancelFlag cancel;
        cancel.cancel();
        const ImportReport r = importAdultFaces(f.catalogue, f.xlsx(), f.images, {}, {}, &cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.labelsSet, 0);
        QVERIFY(f.catalogue.changes().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestImportAdultFaces)
#include "test_import_adult_faces.moc"
