#include "app/cli/MetricsText.h"

#include "core/util/Counted.h"

#include <QSet>
#include <algorithm>

namespace exemplar::cli {

using learning::Metrics;

namespace {

// Longest name a confusion column shows in full; longer names are cut, with a '.'.
constexpr int kColumnNameWidth = 9;

// The column headers: the class names cut to `width`, or whole when cutting would make two alike.
QStringList columnNames(const QStringList& names, int width)
{
    QStringList cut;
    for (const QString& n : names) cut << (n.size() <= width ? n : n.left(width - 1) + QLatin1Char('.'));
    return QSet<QString>(cut.begin(), cut.end()).size() == cut.size() ? cut : names;
}

QString confusionText(const Metrics& m)
{
    int rowWidth = 4, cellWidth = 5;
    for (const QString& n : m.labels) rowWidth = std::max(rowWidth, int(n.size()));
    for (const auto& row : m.confusion)
        for (int v : row) cellWidth = std::max(cellWidth, int(QString::number(v).size()));
    int longest = 0;
    for (const QString& n : m.labels) longest = std::max(longest, int(n.size()));
    const QStringList headers = columnNames(m.labels, std::max(cellWidth, std::min(longest, kColumnNameWidth)));
    for (const QString& h : headers) cellWidth = std::max(cellWidth, int(h.size()));

    QString out = QStringLiteral("  confusion (rows: true class, columns: predicted class)\n");
    const QString corner = QStringLiteral("true \\ predicted");
    rowWidth = std::max(rowWidth, int(corner.size()));
    QString header = QStringLiteral("  ") + corner.leftJustified(rowWidth);
    for (const QString& h : headers) header += QLatin1Char(' ') + h.rightJustified(cellWidth);
    out += header + QLatin1Char('\n');
    for (size_t r = 0; r < m.confusion.size(); ++r) {
        QString line = QStringLiteral("  ") + m.labels.value(int(r)).leftJustified(rowWidth);
        for (int v : m.confusion[r]) line += QLatin1Char(' ') + QString::number(v).rightJustified(cellWidth);
        out += line + QLatin1Char('\n');
    }
    return out;
}

} // namespace

QString metricsLine(const Metrics& m)
{
    const QString thin = learning::thinClassesText(m);
    return QStringLiteral("accuracy %1, balanced accuracy %2%3, macro-F1 %4 (%5)%6")
        .arg(m.accuracy, 0, 'f', 3)
        .arg(m.balancedAccuracy, 0, 'f', 3)
        .arg(m.balancedAccuracyInterval ? QStringLiteral(" (%1)").arg(learning::intervalText(*m.balancedAccuracyInterval))
                                        : QString())
        .arg(m.macroF1, 0, 'f', 3)
        .arg(counted(m.count, u"image"))
        .arg(thin.isEmpty() ? QString() : QStringLiteral("; ") + thin);
}

QString metricsLines(const Metrics& m, const QString& prefix)
{
    const QString chance = learning::chanceText(m);
    // Under the figures after a short label ("Test:"), else two spaces in.
    const int indent = prefix.size() <= 12 ? int(prefix.size()) : 2;
    return prefix + metricsLine(m) + (chance.isEmpty() ? QString() : QLatin1Char('\n') + QString(indent, QLatin1Char(' ')) + chance);
}

QString metricsTable(const Metrics& m)
{
    int nameWidth = 14;
    for (const auto& c : m.perClass) nameWidth = std::max(nameWidth, int(c.name.size()));
    QString out = QStringLiteral("  %1 %2 %3 %4 %5\n")
                      .arg(QStringLiteral("class").leftJustified(nameWidth), QStringLiteral("precision").rightJustified(10),
                           QStringLiteral("recall").rightJustified(8), QStringLiteral("f1").rightJustified(7),
                           QStringLiteral("support").rightJustified(8));
    for (const auto& c : m.perClass)
        out += QStringLiteral("  %1 %2 %3 %4 %5\n")
                   .arg(c.name.leftJustified(nameWidth))
                   .arg(c.precision, 10, 'f', 3)
                   .arg(c.recall, 8, 'f', 3)
                   .arg(c.f1, 7, 'f', 3)
                   .arg(c.support, 8);
    return out + confusionText(m);
}

QJsonObject metricsJson(const Metrics& m)
{
    QJsonObject o = m.toJson();
    o.insert(QStringLiteral("above_chance"), m.aboveChance());
    return o;
}

} // namespace exemplar::cli
