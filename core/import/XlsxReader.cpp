#include "core/import/XlsxReader.h"

#include "core/util/Error.h"

#include <QHash>
#include <QXmlStreamReader>
#include <quazip/quazip.h>
#include <quazip/quazipfile.h>

#include <algorithm>

namespace exemplar {

int xlsxColumnIndex(QStringView ref)
{
    int index = 0;
    qsizetype i = 0;
    for (; i < ref.size() && ref[i].isLetter(); ++i) index = index * 26 + (ref[i].toUpper().unicode() - 'A' + 1);
    return i == 0 ? -1 : index - 1;
}

namespace {

struct SheetEntry {
    QString name;
    QString relationId;
};

class Workbook {
public:
    explicit Workbook(const QString& path) : path_(path), zip_(path)
    {
        if (!zip_.open(QuaZip::mdUnzip))
            throw Error(QStringLiteral("%1: not a readable .xlsx workbook (cannot open it as a zip archive)").arg(path));
    }

    bool hasPart(const QString& part) { return zip_.setCurrentFile(part, QuaZip::csInsensitive); }

    // Streams one part through `parse`, which gets a reader positioned at the document start.
    template <class Fn>
    void readPart(const QString& part, Fn&& parse)
    {
        if (!zip_.setCurrentFile(part, QuaZip::csInsensitive))
            throw Error(QStringLiteral("%1: not a valid .xlsx workbook (missing part %2)").arg(path_, part));
        QuaZipFile file(&zip_);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("%1: cannot read part %2 of the workbook").arg(path_, part));
        QXmlStreamReader xml(&file);
        parse(xml);
        if (xml.hasError())
            throw Error(QStringLiteral("%1: damaged workbook part %2: %3 (line %4)")
                            .arg(path_, part, xml.errorString())
                            .arg(xml.lineNumber()));
    }

    QVector<SheetEntry> sheets()
    {
        QVector<SheetEntry> out;
        readPart(QStringLiteral("xl/workbook.xml"), [&](QXmlStreamReader& xml) {
            while (!xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement() && xml.name() == u"sheet") {
                    SheetEntry e;
                    for (const auto& a : xml.attributes()) {
                        if (a.name() == u"name") e.name = a.value().toString();
                        // r:id, whatever the prefix (transitional and strict OOXML namespaces differ)
                        else if (a.name() == u"id" && !a.namespaceUri().isEmpty()) e.relationId = a.value().toString();
                    }
                    out.append(e);
                }
            }
        });
        return out;
    }

    // Relationship id -> part path ("xl/worksheets/sheet1.xml"), plus the shared strings part.
    QHash<QString, QString> relationships(QString* sharedStringsPart)
    {
        QHash<QString, QString> targets;
        readPart(QStringLiteral("xl/_rels/workbook.xml.rels"), [&](QXmlStreamReader& xml) {
            while (!xml.atEnd()) {
                xml.readNext();
                if (!xml.isStartElement() || xml.name() != u"Relationship") continue;
                const auto attrs = xml.attributes();
                QString target = attrs.value(QStringLiteral("Target")).toString();
                target = target.startsWith(QLatin1Char('/')) ? target.mid(1) : QStringLiteral("xl/") + target;
                targets.insert(attrs.value(QStringLiteral("Id")).toString(), target);
                if (attrs.value(QStringLiteral("Type")).endsWith(u"/sharedStrings")) *sharedStringsPart = target;
            }
        });
        return targets;
    }

    QStringList sharedStrings(const QString& part)
    {
        QStringList strings;
        if (part.isEmpty() || !hasPart(part)) return strings;
        readPart(part, [&](QXmlStreamReader& xml) {
            QString current;
            int phoneticDepth = 0; // <rPh> runs are pronunciation hints, not cell text
            while (!xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement()) {
                    if (xml.name() == u"si") current.clear();
                    else if (xml.name() == u"rPh") ++phoneticDepth;
                    else if (xml.name() == u"t" && phoneticDepth == 0) current += xml.readElementText();
                } else if (xml.isEndElement()) {
                    if (xml.name() == u"si") strings.append(current);
                    else if (xml.name() == u"rPh") --phoneticDepth;
                }
            }
        });
        return strings;
    }

private:
    QString path_;
    QuaZip zip_;
};

QString listNames(const QVector<SheetEntry>& sheets)
{
    QStringList names;
    for (const auto& s : sheets) names.append(QLatin1Char('"') + s.name + QLatin1Char('"'));
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

// One <c> element: its column and text.
QString readCell(QXmlStreamReader& xml, const QStringList& shared, int* column)
{
    const auto attrs = xml.attributes();
    *column = xlsxColumnIndex(attrs.value(QStringLiteral("r")));
    const QString type = attrs.value(QStringLiteral("t")).toString();
    QString value, inlineText;
    while (xml.readNextStartElement()) {
        if (xml.name() == u"v") value = xml.readElementText();
        else if (xml.name() == u"is") {
            while (xml.readNextStartElement()) {
                if (xml.name() == u"t") inlineText += xml.readElementText();
                else if (xml.name() == u"r") {
                    while (xml.readNextStartElement()) {
                        if (xml.name() == u"t") inlineText += xml.readElementText();
                        else xml.skipCurrentElement();
                    }
                } else xml.skipCurrentElement();
            }
        } else xml.skipCurrentElement();
    }
    if (type == u"s") {
        bool ok = false;
        const int index = value.toInt(&ok);
        return ok && index >= 0 && index < shared.size() ? shared[index] : QString();
    }
    if (type == u"inlineStr") return inlineText;
    if (type == u"b") return value == u"1" ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
    return value; // n (number), str (formula result), e (error text such as #N/A)
}

} // namespace

QStringList xlsxSheetNames(const QString& path)
{
    Workbook book(path);
    QStringList names;
    for (const auto& s : book.sheets()) names.append(s.name);
    return names;
}

TextTable readXlsxSheet(const QString& path, const QString& sheetName)
{
    Workbook book(path);
    const QVector<SheetEntry> sheets = book.sheets();
    const SheetEntry* sheet = nullptr;
    for (const auto& s : sheets)
        if (s.name.trimmed().compare(sheetName.trimmed(), Qt::CaseInsensitive) == 0) sheet = &s;
    if (!sheet)
        throw Error(QStringLiteral("%1: the workbook has no sheet \"%2\" (sheets: %3)").arg(path, sheetName, listNames(sheets)));
    QString sharedPart;
    const auto targets = book.relationships(&sharedPart);
    if (sharedPart.isEmpty() && book.hasPart(QStringLiteral("xl/sharedStrings.xml")))
        sharedPart = QStringLiteral("xl/sharedStrings.xml");
    const QString sheetPart = targets.value(sheet->relationId);
    if (sheetPart.isEmpty())
        throw Error(QStringLiteral("%1: damaged workbook: sheet \"%2\" has no part").arg(path, sheet->name));
    const QStringList shared = book.sharedStrings(sharedPart);

    TextTable table;
    table.source = path;
    book.readPart(sheetPart, [&](QXmlStreamReader& xml) {
        int rowNumber = 0;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement() || xml.name() != u"row") continue;
            bool ok = false;
            const int r = xml.attributes().value(QStringLiteral("r")).toInt(&ok);
            rowNumber = ok ? r : rowNumber + 1;
            QStringList cells;
            int nextColumn = 0;
            while (xml.readNextStartElement()) {
                if (xml.name() != u"c") { xml.skipCurrentElement(); continue; }
                int column = -1;
                const QString text = readCell(xml, shared, &column);
                if (column < 0) column = nextColumn;
                nextColumn = column + 1;
                if (column >= 16384) continue; // beyond Excel's last column: a damaged reference
                if (cells.size() <= column) cells.resize(column + 1);
                cells[column] = text;
            }
            const bool blank = std::all_of(cells.cbegin(), cells.cend(), [](const QString& s) { return s.trimmed().isEmpty(); });
            if (blank) continue;
            if (table.header.isEmpty()) {
                for (auto& c : cells) c = c.trimmed();
                table.header = cells;
            } else {
                cells.resize(table.header.size());
                table.rows.append({rowNumber, cells});
            }
        }
    });
    if (table.header.isEmpty())
        throw Error(QStringLiteral("%1: sheet \"%2\" is empty (no header row)").arg(path, sheet->name));
    return table;
}

} // namespace exemplar
