// The XLSX sheet reader on workbooks built here: shared strings (with rich-text runs), inline
// strings, numbers, booleans, sparse rows, sheet selection by name, errors.
#include "core/import/XlsxReader.h"
#include "core/import/ZipWriter.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>

using namespace exemplar;

class TestXlsxReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void columnLetters()
    {
        QCOMPARE(xlsxColumnIndex(u"A1"), 0);
        QCOMPARE(xlsxColumnIndex(u"D5"), 3);
        QCOMPARE(xlsxColumnIndex(u"Z9"), 25);
        QCOMPARE(xlsxColumnIndex(u"AA12"), 26);
        QCOMPARE(xlsxColumnIndex(u"AB1"), 27);
        QCOMPARE(xlsxColumnIndex(u"12"), -1);
    }

    void readsTheNamedSheet()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("faces.xlsx");
        const QString other = test::xlsxRowsXml({{"nothing", "here"}, {"1", "2"}});
        // Header: shared strings; D1 is reached by skipping B1 and C1 (cells carry their letters).
        const QString values = QStringLiteral(
            R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="D1" t="s"><v>1</v></c><c r="E1" t="inlineStr"><is><t>Note</t></is></c></row>)"
            R"(<row r="2"></row>)"
            R"(<row r="3"><c r="A3" t="s"><v>2</v></c><c r="D3"><v>1.3333333333333299</v></c><c r="E3" t="b"><v>1</v></c></row>)"
            R"(<row r="5"><c r="A5" t="inlineStr"><is><r><t>b</t></r><r><t>.jpg</t></r></is></c><c r="B5"><v>7</v></c><c r="D5"><v>2</v></c></row>)");
        test::writeXlsx(path, {{"Notes", other}, {"Final Values", values}}, {"Filename", "Emotion?", "a.jpg"});
        QCOMPARE(xlsxSheetNames(path), (QStringList{"Notes", "Final Values"}));

        const TextTable t = readXlsxSheet(path, " final values ");
        QCOMPARE(t.header, (QStringList{"Filename", "", "", "Emotion?", "Note"}));
        QCOMPARE(t.rows.size(), 2); // the empty row 2 is left out
        QCOMPARE(t.rows[0].line, 3);
        QCOMPARE(t.rows[0].cells, (QStringList{"a.jpg", "", "", "1.3333333333333299", "TRUE"}));
        QCOMPARE(t.rows[1].line, 5);
        QCOMPARE(t.rows[1].cells, (QStringList{"b.jpg", "7", "", "2", ""}));
        QCOMPARE(t.number(t.rows[1].cells[3]), std::optional<double>(2));

        const TextTable first = readXlsxSheet(path, "Notes");
        QCOMPARE(first.header, (QStringList{"nothing", "here"}));
    }

    void richTextSharedStrings()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("rich.xlsx");
        // A shared string made of runs, with a phonetic hint that is not part of the text.
        const QByteArray shared = R"(<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>File</t></r><r><rPr><b/></rPr><t>name</t></r><rPh><t>xx</t></rPh></si><si><t>c.jpg</t></si></sst>)";
        const QByteArray sheet = R"(<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>)";
        const QByteArray workbook = R"(<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Final Values" sheetId="1" rel:id="rIdX"/></sheets></workbook>)";
        const QByteArray rels = R"(<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>)";
        writeZip(path, {{"xl/workbook.xml", workbook}, {"xl/_rels/workbook.xml.rels", rels},
                        {"xl/worksheets/data.xml", sheet}, {"xl/strings.xml", shared}});
        const TextTable t = readXlsxSheet(path, "Final Values");
        QCOMPARE(t.header, QStringList{"Filename"});
        QCOMPARE(t.rows.size(), 1);
        QCOMPARE(t.rows[0].cells, QStringList{"c.jpg"});
    }

    void errorsNameTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("book.xlsx");
        test::writeXlsx(path, {{"Sheet1", test::xlsxRowsXml({{"a"}, {"1"}})}});
        try {
            readXlsxSheet(path, "Final Values");
            QFAIL("no error for a missing sheet");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("book.xlsx") && e.message().contains("Final Values") && e.message().contains("Sheet1"),
                     qPrintable(e.message()));
        }
        test::writeTextFile(dir.filePath("fake.xlsx"), "this is not a zip");
        try {
            readXlsxSheet(dir.filePath("fake.xlsx"), "Final Values");
            QFAIL("no error for a file that is not a zip");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("fake.xlsx"), qPrintable(e.message()));
        }
        writeZip(dir.filePath("nowb.xlsx"), {{"hello.txt", "hi"}});
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, readXlsxSheet(dir.filePath("nowb.xlsx"), "Final Values"));
        writeZip(dir.filePath("badxml.xlsx"), {{"xl/workbook.xml", "<workbook><sheets><sheet name=\"x\""}});
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, readXlsxSheet(dir.filePath("badxml.xlsx"), "x"));
    }
};

QTEST_GUILESS_MAIN(TestXlsxReader)
#include "test_xlsx_reader.moc"
