#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/import/ZipWriter.h"
#include "core/util/Error.h"

#include <QLocale>

namespace exemplar::test {

QString facesDevDir()
{
    const QString dir = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (QFileInfo::exists(dir + QStringLiteral("/labels.csv")) && QFileInfo(dir + QStringLiteral("/images")).isDir())
        return QDir(dir).absolutePath();
    return {};
}

QString cliPath() { return QStringLiteral(EXEMPLAR_BINARY_DIR "/app/exemplar-cli"); }

void writeSyntheticImage(const QString& path, int width, int height, int seed)
{
    cv::Mat img(height, width, CV_8UC3);
    cv::RNG rng(static_cast<uint64_t>(seed) * 7919u + 17u);
    rng.fill(img, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::circle(img, {width / 2, height / 2}, std::max(2, std::min(width, height) / 3),
               cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), -1);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QVERIFY2(cv::imwrite(path.toStdString(), img), qPrintable(QStringLiteral("cannot write ") + path));
}

void writeTextFile(const QString& path, const QByteArray& contents)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(QStringLiteral("cannot write ") + path));
    f.write(contents);
}

} // namespace exemplar::test

// ---- .xlsx builders (added for the annotation importer tests) -------------------------------------

namespace exemplar::test {

namespace {
QString xmlEscaped(const QString& s) { return s.toHtmlEscaped(); }

QString columnLetters(int index)
{
    QString out;
    for (++index; index > 0; index = (index - 1) / 26) out.prepend(QChar(u'A' + (index - 1) % 26));
    return out;
}
} // namespace

void writeXlsx(const QString& path, const QVector<QPair<QString, QString>>& sheets, const QStringList& sharedStrings)
{
    const QByteArray contentTypes =
        R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
</Types>)";
    const QByteArray rootRels =
        R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
    QString workbook = QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)");
    QString rels = QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)");
    QVector<QPair<QString, QByteArray>> parts{{QStringLiteral("[Content_Types].xml"), contentTypes},
                                              {QStringLiteral("_rels/.rels"), rootRels}};
    for (int i = 0; i < sheets.size(); ++i) {
        // Relationship ids deliberately don't follow sheet order, as in real workbooks.
        const QString rid = QStringLiteral("rId%1").arg(sheets.size() - i + 1);
        workbook += QStringLiteral(R"(<sheet name="%1" sheetId="%2" r:id="%3"/>)").arg(xmlEscaped(sheets[i].first)).arg(i + 1).arg(rid);
        rels += QStringLiteral(R"(<Relationship Id="%1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%2.xml"/>)").arg(rid).arg(i + 1);
        parts.append({QStringLiteral("xl/worksheets/sheet%1.xml").arg(i + 1),
                      QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%1</sheetData></worksheet>)")
                          .arg(sheets[i].second)
                          .toUtf8()});
    }
    workbook += QStringLiteral("</sheets></workbook>");
    rels += QStringLiteral(R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>)");
    QString shared = QStringLiteral(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%1" uniqueCount="%1">)").arg(sharedStrings.size());
    for (const auto& s : sharedStrings) shared += QStringLiteral("<si><t>%1</t></si>").arg(xmlEscaped(s));
    shared += QStringLiteral("</sst>");
    parts.append({QStringLiteral("xl/workbook.xml"), workbook.toUtf8()});
    parts.append({QStringLiteral("xl/_rels/workbook.xml.rels"), rels.toUtf8()});
    parts.append({QStringLiteral("xl/sharedStrings.xml"), shared.toUtf8()});
    try {
        writeZip(path, parts);
    } catch (const exemplar::Error& e) {
        QFAIL(qPrintable(e.message()));
    }
}

QString xlsxRowsXml(const QVector<QStringList>& rows)
{
    QString xml;
    for (int r = 0; r < rows.size(); ++r) {
        xml += QStringLiteral(R"(<row r="%1">)").arg(r + 1);
        for (int c = 0; c < rows[r].size(); ++c) {
            const QString& v = rows[r][c];
            if (v.isEmpty()) continue;
            const QString ref = columnLetters(c) + QString::number(r + 1);
            bool number = false;
            QLocale::c().toDouble(v, &number);
            if (number) xml += QStringLiteral(R"(<c r="%1"><v>%2</v></c>)").arg(ref, v);
            else xml += QStringLiteral(R"(<c r="%1" t="inlineStr"><is><t>%2</t></is></c>)").arg(ref, xmlEscaped(v));
        }
        xml += QStringLiteral("</row>");
    }
    return xml;
}

} // namespace exemplar::test
