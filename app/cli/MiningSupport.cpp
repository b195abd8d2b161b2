#include "app/cli/MiningSupport.h"

namespace exemplar::cli {

Scoring requireScoring(const Catalogue& catalogue, const TaskInfo& task, const QString& kind)
{
    const auto scoring = ScoreStore(catalogue).latest(task.id, kind);
    if (!scoring)
        throw Error(QStringLiteral("%1: task '%2' has no scores yet; run 'exemplar-cli score --catalog %1 --task %2' first")
                        .arg(catalogue.path(), task.name));
    return *scoring;
}

QHash<qint64, int> labelIndexes(const Catalogue& catalogue, const TaskInfo& task, const QStringList& classes)
{
    QHash<qint64, int> out;
    const auto labels = catalogue.labelsOfTask(task.id);
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (!it->classId) continue;
        const auto c = task.classById(*it->classId);
        const int index = c ? int(classes.indexOf(c->name)) : -1;
        if (index >= 0) out.insert(it.key(), index);
    }
    return out;
}

} // namespace exemplar::cli
