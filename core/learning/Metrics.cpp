#include "core/learning/Metrics.h"

#include "core/learning/PeopleBootstrap.h"
#include "core/util/Counted.h"
#include "core/util/Error.h"

#include <QJsonArray>

#include <cmath>

namespace exemplar::learning {

namespace {
double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }
} // namespace

Metrics computeMetrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                       const QStringList& classNames)
{
    if (truth.size() != predicted.size())
        throw Error(QStringLiteral("metrics: %1 true labels but %2 predictions")
                        .arg(truth.size())
                        .arg(predicted.size()));
    const int n = int(classNames.size());
    Metrics m;
    m.labels = classNames;
    m.count = int(truth.size());
    m.confusion.assign(n, std::vector<int>(n, 0));
    int correct = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        const int t = truth[i], p = predicted[i];
        if (t < 0 || t >= n || p < 0 || p >= n)
            throw Error(QStringLiteral("metrics: class index %1/%2 outside the %3 classes")
                            .arg(t)
                            .arg(p)
                            .arg(n));
        ++m.confusion[t][p];
        correct += t == p;
    }
    m.accuracy = ratio(correct, m.count);

    double recallSum = 0, f1Sum = 0;
    int recallClasses = 0, f1Classes = 0;
    for (int c = 0; c < n; ++c) {
        int tp = m.confusion[c][c], support = 0, predictedAs = 0;
        for (int k = 0; k < n; ++k) {
            support += m.confusion[c][k];
            predictedAs += m.confusion[k][c];
        }
        ClassMetrics cm;
        cm.name = classNames[c];
        cm.support = support;
        cm.precision = ratio(tp, predictedAs);
        cm.recall = ratio(tp, support);
        cm.f1 = ratio(2.0 * cm.precision * cm.recall, cm.precision + cm.recall);
        if (support > 0) {
            recallSum += cm.recall;
            ++recallClasses;
        }
        if (support > 0 || predictedAs > 0) {
            f1Sum += cm.f1;
            ++f1Classes;
        }
        m.perClass.push_back(cm);
    }
    m.balancedAccuracy = ratio(recallSum, recallClasses);
    m.macroF1 = ratio(f1Sum, f1Classes);
    return m;
}

Metrics computeMetrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                       const QStringList& classNames, const QStringList& people)
{
    Metrics m = computeMetrics(truth, predicted, classNames);
    m.balancedAccuracyInterval = balancedAccuracyInterval(truth, predicted, int(classNames.size()), people);
    return m;
}

std::vector<ClassMetrics> Metrics::thinClasses(int minimum) const
{
    std::vector<ClassMetrics> out;
    for (const auto& c : perClass)
        if (c.support > 0 && c.support < minimum) out.push_back(c);
    return out;
}

QString intervalText(const ScoreInterval& interval)
{
    return QStringLiteral("%1% interval %2-%3 over %4")
        .arg(std::lround(interval.level * 100))
        .arg(interval.low, 0, 'f', 3)
        .arg(interval.high, 0, 'f', 3)
        .arg(interval.facesAsPeople
                 ? QStringLiteral("%1, people unknown (each face counted alone)").arg(counted(interval.people, u"face"))
                 : counted(interval.people, u"person", u"people"));
}

QString thinClassesText(const Metrics& m, int minimum)
{
    QStringList parts;
    for (const ClassMetrics& c : m.thinClasses(minimum)) parts << QStringLiteral("%1 %2").arg(c.name).arg(c.support);
    return parts.isEmpty() ? QString()
                           : QStringLiteral("few faces, their recall says little: %1").arg(parts.join(QStringLiteral(", ")));
}

double Metrics::chanceLevel() const
{
    int present = 0;
    for (const auto& c : perClass)
        if (c.support > 0) ++present;
    return present > 0 ? 1.0 / present : 0.0;
}

bool Metrics::aboveChance() const
{
    const double chance = chanceLevel();
    if (balancedAccuracyInterval) return balancedAccuracyInterval->low > chance;
    return balancedAccuracy > chance;
}

QString chanceText(const Metrics& m)
{
    if (m.count == 0 || m.aboveChance()) return {};
    const double chance = m.chanceLevel();
    const int classes = static_cast<int>(std::lround(1.0 / chance));
    const QString level = QStringLiteral("%1 (1 of %2)").arg(chance, 0, 'f', 3).arg(counted(classes, u"class", u"classes"));
    if (!m.balancedAccuracyInterval)
        return QStringLiteral("not above chance: %1 is not above %2").arg(m.balancedAccuracy, 0, 'f', 3).arg(level);
    const ScoreInterval& i = *m.balancedAccuracyInterval;
    return QStringLiteral("not above chance: the %1% interval %2-%3 includes %4")
        .arg(std::lround(i.level * 100))
        .arg(i.low, 0, 'f', 3)
        .arg(i.high, 0, 'f', 3)
        .arg(level);
}

std::vector<std::vector<double>> Metrics::confusionRowNormalised() const
{
    std::vector<std::vector<double>> out;
    for (const auto& row : confusion) {
        double sum = 0;
        for (int v : row) sum += v;
        std::vector<double> r;
        for (int v : row) r.push_back(ratio(v, sum));
        out.push_back(std::move(r));
    }
    return out;
}

QJsonObject Metrics::toJson() const
{
    QJsonObject perClassJson;
    for (const auto& c : perClass)
        perClassJson[c.name] = QJsonObject{{"precision", c.precision},
                                           {"recall", c.recall},
                                           {"f1", c.f1},
                                           {"support", c.support}};
    QJsonArray matrix, normalised;
    for (const auto& row : confusion) {
        QJsonArray r;
        for (int v : row) r.append(v);
        matrix.append(r);
    }
    for (const auto& row : confusionRowNormalised()) {
        QJsonArray r;
        for (double v : row) r.append(v);
        normalised.append(r);
    }
    QJsonObject json{{"count", count},
                     {"accuracy", accuracy},
                     {"balanced_accuracy", balancedAccuracy},
                     {"macro_f1", macroF1},
                     {"per_class", perClassJson},
                     {"confusion", QJsonObject{{"labels", QJsonArray::fromStringList(labels)},
                                               {"matrix", matrix},
                                               {"normalised", normalised}}}};
    if (balancedAccuracyInterval) {
        QJsonObject interval{{"low", balancedAccuracyInterval->low},
                             {"high", balancedAccuracyInterval->high},
                             {"level", balancedAccuracyInterval->level},
                             {"people", balancedAccuracyInterval->people},
                             {"resamples", balancedAccuracyInterval->resamples}};
        if (balancedAccuracyInterval->facesAsPeople) interval["people_unknown"] = true;
        json["balanced_accuracy_interval"] = interval;
    }
    return json;
}

Metrics Metrics::fromJson(const QJsonObject& json)
{
    Metrics m;
    m.count = json["count"].toInt();
    m.accuracy = json["accuracy"].toDouble();
    m.balancedAccuracy = json["balanced_accuracy"].toDouble();
    m.macroF1 = json["macro_f1"].toDouble();
    const QJsonObject confusion = json["confusion"].toObject();
    for (const auto& l : confusion["labels"].toArray()) m.labels << l.toString();
    for (const auto& row : confusion["matrix"].toArray()) {
        std::vector<int> r;
        for (const auto& v : row.toArray()) r.push_back(v.toInt());
        m.confusion.push_back(std::move(r));
    }
    const QJsonObject perClass = json["per_class"].toObject();
    for (const QString& name : m.labels) {
        const QJsonObject c = perClass[name].toObject();
        m.perClass.push_back({name, c["precision"].toDouble(), c["recall"].toDouble(),
                              c["f1"].toDouble(), c["support"].toInt()});
    }
    // Runs recorded before intervals were kept have none.
    if (json.contains("balanced_accuracy_interval")) {
        const QJsonObject i = json["balanced_accuracy_interval"].toObject();
        m.balancedAccuracyInterval = ScoreInterval{i["low"].toDouble(), i["high"].toDouble(), i["level"].toDouble(0.95),
                                                   i["people"].toInt(), i["resamples"].toInt(),
                                                   i["people_unknown"].toBool()};
    }
    return m;
}

} // namespace exemplar::learning
