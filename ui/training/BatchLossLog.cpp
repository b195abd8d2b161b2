#include "ui/training/BatchLossLog.h"

#include "core/util/Error.h"
#include "ui/training/RunData.h"

#include <QDir>
#include <QFile>
#include <cmath>

namespace exemplar::ui {

QString BatchLossLog::fileIn(const QString& workDir) { return QDir(workDir).filePath(QStringLiteral("batch_loss.csv")); }

QPointF BatchLossLog::add(const learning::BatchProgress& b)
{
    // Exponential moving average, bias-corrected so the first batches are not pulled to zero.
    ++count_;
    average_ = (1 - kSmoothing) * average_ + kSmoothing * b.loss;
    const double corrected = average_ / (1 - std::pow(1 - kSmoothing, count_));
    const QPointF p((b.epoch - 1) + double(b.batch) / std::max(1, b.batches), corrected);
    points_.push_back(p);
    return p;
}

void BatchLossLog::keepEpochs(int epochs)
{
    while (!points_.isEmpty() && points_.last().x() > epochs)
        points_.removeLast();
    average_ = 0;
    count_ = 0;
}

void BatchLossLog::clear()
{
    points_.clear();
    average_ = 0;
    count_ = 0;
}

void BatchLossLog::save(const QString& path) const
{
    QByteArray text = "epoch,smoothed_loss\n";
    for (const QPointF& p : points_)
        text += QByteArray::number(p.x(), 'g', 8) + ',' + QByteArray::number(p.y(), 'g', 8) + '\n';
    writeTextFile(path, text);
}

BatchLossLog BatchLossLog::load(const QString& path)
{
    BatchLossLog log;
    QFile f(path);
    if (!f.exists())
        return log;
    if (!f.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read (%2)").arg(path, f.errorString()));
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (int i = 1; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        const QList<QByteArray> cells = lines[i].split(',');
        bool okX = false, okY = false;
        const double x = cells.value(0).toDouble(&okX);
        const double y = cells.value(1).toDouble(&okY);
        if (cells.size() != 2 || !okX || !okY)
            throw Error(QStringLiteral("%1:%2: expected \"epoch,smoothed_loss\" numbers").arg(path).arg(i + 1));
        log.points_.push_back({x, y});
    }
    return log;
}

} // namespace exemplar::ui
