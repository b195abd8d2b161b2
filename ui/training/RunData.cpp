#include "ui/training/RunData.h"

#include "core/learning/PeopleBootstrap.h"
#include "core/util/Error.h"
#include "ui/training/CsvText.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>
#include <QSaveFile>
#include <algorithm>

namespace exemplar::ui {

int RunData::rowTotal(int row) const
{
    int n = 0;
    for (const Cell& c : cells.value(row))
        n += c.count;
    return n;
}

RunData loadRunData(const Catalogue& catalogue, qint64 runId)
{
    const auto run = catalogue.run(runId);
    if (!run)
        throw Error(QStringLiteral("catalogue: no training run %1").arg(runId));
    RunData d;
    d.run = *run;
    d.config = QJsonDocument::fromJson(run->configJson.toUtf8()).object();
    for (const QJsonValue& v : QJsonDocument::fromJson(run->classesJson.toUtf8()).array()) {
        d.classNames << v.toObject().value(QStringLiteral("name")).toString();
        d.classIds << v.toObject().value(QStringLiteral("id")).toInteger();
    }
    // An unfinished run stores "{}": read as figures it would show an all-zero matrix.
    d.state = learning::runState(*run);
    if (learning::runHasTestFigures(*run)) {
        d.test = learning::Metrics::fromJson(QJsonDocument::fromJson(run->testMetricsJson.toUtf8()).object());
        d.hasTest = true;
    }
    d.epochsRecorded = static_cast<int>(catalogue.epochs(runId).size());
    d.epochsPlanned = learning::isZeroShotRun(d.config) ? 0 : learning::plannedEpochs(d.config);

    const int n = static_cast<int>(d.classIds.size());
    d.cells = QVector<QVector<RunData::Cell>>(n, QVector<RunData::Cell>(n));
    QVector<QVector<QVector<QPair<float, qint64>>>> scored(n, QVector<QVector<QPair<float, qint64>>>(n));
    for (const PredictionRecord& p : catalogue.runPredictions(runId)) {
        if (p.part != SplitPart::Test)
            continue;
        const int t = d.classIndex(p.trueClassId);
        const int q = d.classIndex(p.predictedClassId);
        if (t < 0 || q < 0)
            continue;
        const float confidence = q < p.probabilities.size() ? p.probabilities[q] : 0.f;
        scored[t][q].push_back({confidence, p.imageId});
    }
    for (int t = 0; t < n; ++t)
        for (int q = 0; q < n; ++q) {
            auto& list = scored[t][q];
            std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
            d.cells[t][q].count = static_cast<int>(list.size());
            for (const auto& [conf, id] : list)
                d.cells[t][q].imageIds.push_back(id);
        }
    return d;
}

QVector<qint64> testImageIds(const RunData& data)
{
    QVector<qint64> ids;
    for (const auto& row : data.cells)
        for (const auto& cell : row) ids += cell.imageIds;
    return ids;
}

std::optional<learning::ScoreInterval> pairedBalancedAccuracyChange(const RunData& a, const RunData& b,
                                                                    const QHash<qint64, QString>& personOfImage)
{
    if (a.classNames != b.classNames) return std::nullopt;
    // Image -> (true, predicted) class index, from the cells.
    const auto judged = [](const RunData& d) {
        QHash<qint64, QPair<int, int>> out;
        for (int t = 0; t < d.cells.size(); ++t)
            for (int q = 0; q < d.cells[t].size(); ++q)
                for (qint64 id : d.cells[t][q].imageIds) out.insert(id, {t, q});
        return out;
    };
    const auto byA = judged(a), byB = judged(b);
    if (byA.isEmpty() || byA.size() != byB.size()) return std::nullopt;
    std::vector<int> truth, predictedA, predictedB;
    QStringList people;
    // In image order: the interval is the same every time the two runs are compared.
    QList<qint64> ids = byA.keys();
    std::sort(ids.begin(), ids.end());
    for (qint64 id : ids) {
        const auto mine = byA.value(id);
        const auto other = byB.constFind(id);
        if (other == byB.constEnd() || other->first != mine.first) return std::nullopt;
        truth.push_back(mine.first);
        predictedA.push_back(mine.second);
        predictedB.push_back(other->second);
        people << personOfImage.value(id);
    }
    return learning::balancedAccuracyDifferenceInterval(truth, predictedA, predictedB, int(a.classNames.size()), people);
}

QString displayStatus(const RunRecord& run, qint64 liveRunId)
{
    if (run.id == liveRunId && run.status == QLatin1String("running")) return run.status;
    return learning::runStateName(learning::runState(run));
}

QString stoppedAtText(const RunData& d)
{
    if (d.epochsRecorded == 0) return QObject::tr("before its first epoch");
    if (d.epochsPlanned == 0) return QObject::tr("before it finished");
    return QObject::tr("after epoch %1 of %2").arg(d.epochsRecorded).arg(d.epochsPlanned);
}

QString unfinishedRunText(const RunData& d, bool resumable)
{
    using learning::RunState;
    const qint64 id = d.run.id;
    const QString way = resumable ? QObject::tr("Resume it from its checkpoint, or train again.")
                                  : QObject::tr("Its checkpoint is not there to resume from: train again.");
    switch (d.state) {
    case RunState::Running:
        return d.epochsRecorded == 0
                   ? QObject::tr("Run %1 is training; its test figures come when it finishes.").arg(id)
                   : QObject::tr("Run %1 is training (%2 of %3 epochs done); its test figures come when it finishes.")
                         .arg(id)
                         .arg(d.epochsRecorded)
                         .arg(d.epochsPlanned);
    case RunState::Interrupted:
        return QObject::tr("Run %1 was interrupted %2 (the program training it stopped without recording its end) "
                           "and has no test figures. %3")
            .arg(id)
            .arg(stoppedAtText(d), way);
    case RunState::Cancelled:
        return QObject::tr("Run %1 was cancelled %2 and has no test figures. %3").arg(id).arg(stoppedAtText(d), way);
    case RunState::Failed: {
        QString cause = d.run.error.trimmed();
        while (cause.endsWith(QLatin1Char('.'))) cause.chop(1);
        const QString error = cause.isEmpty() ? QString() : QObject::tr(": %1").arg(cause);
        return QObject::tr("Run %1 failed %2%3. It has no test figures. %4")
            .arg(id)
            .arg(stoppedAtText(d), error, resumable ? QObject::tr("Fix the cause, then resume it or train again.")
                                                     : QObject::tr("Fix the cause, then train again."));
    }
    case RunState::Finished:
        return QObject::tr("Run %1 finished without recording test figures: train again to evaluate it.").arg(id);
    }
    return {};
}

QString metricsCsv(const RunData& d)
{
    auto number = [](double v) { return QString::number(v, 'f', 4); };
    QString out = csvRecord({QStringLiteral("class"), QStringLiteral("precision"), QStringLiteral("recall"),
                             QStringLiteral("f1"), QStringLiteral("support")});
    for (const auto& c : d.test.perClass)
        out += csvRecord({c.name, number(c.precision), number(c.recall), number(c.f1), QString::number(c.support)});
    const QString count = QString::number(d.test.count);
    out += csvRecord({QStringLiteral("accuracy"), {}, {}, number(d.test.accuracy), count});
    out += csvRecord({QStringLiteral("balanced_accuracy"), {}, {}, number(d.test.balancedAccuracy), count});
    out += csvRecord({QStringLiteral("macro_f1"), {}, {}, number(d.test.macroF1), count});
    return out;
}

void writeTextFile(const QString& path, const QByteArray& text)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit())
        throw Error(QStringLiteral("%1: cannot write (%2)").arg(path, f.errorString()));
}

} // namespace exemplar::ui
