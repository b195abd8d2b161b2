// The CSV reader: RFC 4180 quoting, delimiter sniffing, BOM, decimal commas, line numbers.
#include "core/import/CsvReader.h"
#include "core/util/Error.h"
#include "tests/support/TestSupport.h"

#include <QTemporaryDir>

using namespace exemplar;

class TestCsvReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quotedFieldsAndLineNumbers()
    {
        const QByteArray csv = "file,comment,score\r\n"
                               "a.jpg,\"hello, world\",1\r\n"
                               "\"b.jpg\",\"she said \"\"hi\"\"\",2\r\n"
                               "c.jpg,\"two\nlines\",3\r\n"
                               "\r\n"
                               "d.jpg,,4\r\n";
        const TextTable t = parseCsv(csv, "t.csv");
        QCOMPARE(t.header, (QStringList{"file", "comment", "score"}));
        QCOMPARE(t.rows.size(), 4);
        QCOMPARE(t.rows[0].cells, (QStringList{"a.jpg", "hello, world", "1"}));
        QCOMPARE(t.rows[1].cells, (QStringList{"b.jpg", "she said \"hi\"", "2"}));
        QCOMPARE(t.rows[2].cells[1], QString("two\nlines"));
        QCOMPARE(t.rows[0].line, 2);
        QCOMPARE(t.rows[1].line, 3);
        QCOMPARE(t.rows[2].line, 4); // the record starts on line 4 and spans line 5
        QCOMPARE(t.rows[3].line, 7); // after the blank line 6
        QCOMPARE(t.rows[3].cells[1], QString());
        QVERIFY(!t.decimalComma);
    }

    void semicolonsBomAndDecimalCommas()
    {
        const QByteArray csv = "\xEF\xBB\xBF" "Filename;Emotion?;Age\n"
                               "x.jpg;1,33;45,5\n"
                               "y.jpg;2;\"30\"\n";
        const TextTable t = parseCsv(csv, "t.csv");
        QCOMPARE(t.header, (QStringList{"Filename", "Emotion?", "Age"}));
        QVERIFY(t.decimalComma);
        QCOMPARE(t.rows[0].cells[1], QString("1,33"));
        QCOMPARE(t.number(t.rows[0].cells[1]), std::optional<double>(1.33));
        QCOMPARE(t.number(t.rows[0].cells[2]), std::optional<double>(45.5));
        QCOMPARE(t.number(t.rows[1].cells[2]), std::optional<double>(30));
        QCOMPARE(t.findColumn({"emotion"}), 1);
        QCOMPARE(t.findColumn({"file", "filename"}), 0);
        QCOMPARE(t.findColumn({"gender"}), -1);
    }

    void tabsAndShortRows()
    {
        const TextTable t = parseCsv("a\tb\tc\n1\t2\n", "t.tsv");
        QCOMPARE(t.rows.size(), 1);
        QCOMPARE(t.rows[0].cells, (QStringList{"1", "2", ""}));
    }

    void numbers()
    {
        QCOMPARE(parseNumber(" 1.5 ", false), std::optional<double>(1.5));
        QCOMPARE(parseNumber("-2", false), std::optional<double>(-2));
        QCOMPARE(parseNumber("1e3", false), std::optional<double>(1000));
        QVERIFY(!parseNumber("1,5", false)); // a comma-separated file can't have decimal commas
        QCOMPARE(parseNumber("1,5", true), std::optional<double>(1.5));
        QVERIFY(!parseNumber("happy", true));
        QVERIFY(!parseNumber("", false));
        QVERIFY(!parseNumber("nan", false));
        QVERIFY(!parseNumber("inf", false));
        QCOMPARE(normalizedColumnName(" Emotion? "), QString("emotion"));
        QCOMPARE(normalizedColumnName("Image #"), QString("image"));
    }

    void latin1Fallback()
    {
        const TextTable t = parseCsv("file,name\na.jpg,Ren\xE9\n", "t.csv");
        QCOMPARE(t.rows[0].cells[1], QString::fromUtf8("Ren\xC3\xA9"));
    }

    void errorsNameTheFile()
    {
        try {
            parseCsv("file,comment\na.jpg,\"never closed\n", "broken.csv");
            QFAIL("no error for an unterminated quote");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("broken.csv") && e.message().contains("line 2"), qPrintable(e.message()));
        }
        QVERIFY_THROWS_EXCEPTION(exemplar::Error, parseCsv("\n\n", "empty.csv"));
        QTemporaryDir dir;
        try {
            readCsvFile(dir.filePath("missing.csv"));
            QFAIL("no error for a missing file");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("missing.csv"), qPrintable(e.message()));
        }
        test::writeTextFile(dir.filePath("ok.csv"), "file\nz.jpg\n");
        QCOMPARE(readCsvFile(dir.filePath("ok.csv")).rows[0].cells[0], QString("z.jpg"));
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "test_csv_reader.moc"
