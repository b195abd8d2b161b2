#include "app/cli/MetricsText.h"

namespace exemplar::cli {

using learning::Metrics;

QString metricsLine(const Metrics& m)
{
    const QString thin = thinClassesText(m);
    return QStringLiteral("accuracy %1, balanced accuracy %2%3, macro-F1 %4 (%5 images)%6")
        .arg(m.accuracy, 0, 'f', 3)
        .arg(m.balancedAccuracy, 0, 'f', 3)
        .arg(m.balancedAccuracyInterval ? QStringLiteral(" (%1)").arg(intervalText(*m.balancedAccuracyInterval))
                                        : QString())
        .arg(m.macroF1, 0, 'f', 3)
        .arg(m.count)
        .arg(thin.isEmpty() ? QString() : QStringLiteral("; ") + thin);
}

QString metricsTable(const Metrics& m)
{
    QString out = QStringLiteral("  %1 %2 %3 %4 %5\n")
                      .arg(QStringLiteral("class").leftJustified(14), QStringLiteral("precision").rightJustified(10),
                           QStringLiteral("recall").rightJustified(8), QStringLiteral("f1").rightJustified(7),
                           QStringLiteral("support").rightJustified(8));
    for (const auto& c : m.perClass)
        out += QStringLiteral("  %1 %2 %3 %4 %5\n")
                   .arg(c.name.leftJustified(14))
                   .arg(c.precision, 10, 'f', 3)
                   .arg(c.recall, 8, 'f', 3)
                   .arg(c.f1, 7, 'f', 3)
                   .arg(c.support, 8);
    out += QStringLiteral("  confusion (rows: true, columns: predicted, order as above)\n");
    for (const auto& row : m.confusion) {
        QString line = QStringLiteral("   ");
        for (int v : row) line += QStringLiteral(" %1").arg(v, 6);
        out += line + '\n';
    }
    return out;
}

} // namespace exemplar::cli
