#pragma once
// Shared helpers for the Qt Test suites: where real data lives, and generated test data.
#include "core/util/Error.h"

#include <QString>
#include <QPair>
#include <QStringList>
#include <QTest>
#include <QVector>

namespace exemplar::test {

// The message of the exemplar::Error that f throws; empty when it throws none.
template <typename F> QString errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

// ../shared/datasets/faces-dev, or empty when it is not there (tests that need it QSKIP).
QString facesDevDir();

// Path of the built exemplar-cli executable.
QString cliPath();

// Writes a small synthetic image (noise + shapes) as JPEG/PNG/...; the seed makes the bytes unique.
void writeSyntheticImage(const QString& path, int width, int height, int seed);

// Writes text to a file (creating parent folders); fails the test if it cannot.
void writeTextFile(const QString& path, const QByteArray& contents);

} // namespace exemplar::test

// Skips the current test with a clear message when faces-dev is absent.
#define EXEMPLAR_REQUIRE_FACES_DEV(dirVar)                                                         \
    const QString dirVar = exemplar::test::facesDevDir();                                           \
    if (dirVar.isEmpty())                                                                           \
        QSKIP("faces-dev is not available at " EXEMPLAR_FACES_DEV_DIR                               \
              "; this test needs the real face photos and is skipped");

namespace exemplar::test {

// Writes a minimal .xlsx workbook. `sheets` are (sheet name, inner XML of <sheetData>) in workbook
// order; cells may refer to `sharedStrings` by index (t="s"). Fails the test if it can't write.
void writeXlsx(const QString& path, const QVector<QPair<QString, QString>>& sheets,
               const QStringList& sharedStrings = {});

// <sheetData> XML for a table of text: cells that parse as C-locale numbers become numeric cells,
// others inline strings, empty cells are left out (their neighbours keep their column letters).
QString xlsxRowsXml(const QVector<QStringList>& rows);

} // namespace exemplar::test
