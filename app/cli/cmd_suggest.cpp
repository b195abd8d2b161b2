// exemplar-cli suggest: candidates for labelling from the task's latest scores (exemplar-cli
// score): the faces most likely of a class, the most uncertain, those most different from what
// is labelled, or the faces nearest to one face (--like FILE: near-duplicates).
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/ImageLookup.h"
#include "app/cli/MiningSupport.h"
#include "core/learning/Mining.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

using namespace exemplar::learning;

int runSuggest(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption catalog("catalog", "The catalogue file.", "FILE");
    const QCommandLineOption task("task", "The task.", "NAME");
    const QCommandLineOption cls("class", "The class to find (mode likely).", "NAME");
    const QCommandLineOption top("top", "How many suggestions (default 50).", "N");
    const QCommandLineOption mode("mode", "likely (default), uncertain or different.", "MODE");
    const QCommandLineOption like("like", "Near-duplicates: the faces nearest to this image (any label).", "FILE");
    const QCommandLineOption unlabelled("unlabelled-only", "Suggest only images without a class (the default).");
    const QCommandLineOption labelledToo("include-labelled", "Suggest labelled images too.");
    const QCommandLineOption neighbours("neighbours", "Mode different: labelled neighbours averaged (default 5).", "K");
    const QCommandLineOption json("json", "Print the suggestions as JSON.");
    p.addOptions({catalog, task, cls, top, mode, like, unlabelled, labelledToo, neighbours, json});
    int code = kExitOk;
    if (!parseArguments(p, "suggest",
                        "Suggest faces to label from the task's latest scores (exemplar-cli score): the most likely "
                        "of a class, the most uncertain, the most different from what is labelled, or the nearest "
                        "to one face (--like: near-duplicates).",
                        args, code))
        return code;
    const QString catalogPath = requireCatalogPath(p);
    if (catalogPath.isEmpty()) return kExitUsage;
    if (!p.isSet(task)) {
        printError("exemplar-cli suggest: --task is required");
        return kExitUsage;
    }
    const auto chosenMode = miningModeFromName(p.isSet(mode) ? p.value(mode) : QStringLiteral("likely"));
    if (!chosenMode) {
        printError("exemplar-cli suggest: --mode is likely, uncertain or different");
        return kExitUsage;
    }
    if (*chosenMode == MiningMode::Likely && !p.isSet(cls) && !p.isSet(like)) {
        printError("exemplar-cli suggest: --class is required for mode likely");
        return kExitUsage;
    }
    const int count = p.isSet(top) ? p.value(top).toInt() : 50;
    if (count <= 0) {
        printError("exemplar-cli suggest: --top needs a positive number");
        return kExitUsage;
    }

    const Catalogue catalogue = Catalogue::open(catalogPath, Catalogue::OpenMode::ReadOnly);
    const auto taskInfo = catalogue.task(p.value(task));
    if (!taskInfo) throw Error(QStringLiteral("%1: no task named '%2'").arg(catalogPath, p.value(task)));
    const Scoring scoring = requireScoring(catalogue, *taskInfo, ScoreStore::kModelKind);
    const auto scores = ScoreStore(catalogue).scores(scoring.id);
    const QHash<qint64, int> labelled = labelIndexes(catalogue, *taskInfo, scoring.classes);
    QSet<qint64> labelledIds;
    for (auto it = labelled.cbegin(); it != labelled.cend(); ++it) labelledIds << it.key();
    // Every image with a class counts as labelled, even in a class the model does not know.
    const auto labels = catalogue.labelsOfTask(taskInfo->id);
    QSet<qint64> anyClass;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        if (it->classId) anyClass << it.key();
    QSet<qint64> candidates;
    for (const auto& s : scores)
        if (p.isSet(labelledToo) || !anyClass.contains(s.imageId)) candidates << s.imageId;

    std::vector<RankedImage> ranking;
    QString what;
    if (p.isSet(like)) {
        QString why;
        const auto id = ImageLookup(catalogue).find(p.value(like), why);
        if (!id) throw Error(QStringLiteral("%1: %2").arg(p.value(like), why));
        ranking = rankNearDuplicates(scores, *id, 0);
        what = QStringLiteral("nearest to %1").arg(p.value(like));
        std::erase_if(ranking, [&](const RankedImage& r) { return !candidates.contains(r.imageId); });
    } else if (*chosenMode == MiningMode::Likely) {
        const int k = int(scoring.classes.indexOf(p.value(cls)));
        if (k < 0)
            throw Error(QStringLiteral("%1: the scoring model has no class '%2' (it knows %3)")
                            .arg(catalogPath, p.value(cls), scoring.classes.join(", ")));
        ranking = rankMostLikely(scores, k, candidates);
        what = QStringLiteral("most likely %1").arg(p.value(cls));
    } else if (*chosenMode == MiningMode::Uncertain) {
        ranking = rankMostUncertain(scores, candidates);
        what = QStringLiteral("most uncertain");
    } else {
        ranking = rankMostDifferent(scores, labelledIds, candidates,
                                    p.isSet(neighbours) ? p.value(neighbours).toInt() : 5);
        what = QStringLiteral("most different from the labelled faces");
    }
    if (int(ranking.size()) > count) ranking.resize(size_t(count));
    QVector<qint64> ids = rankedIds(ranking);
    const auto images = catalogue.images(ids);

    if (p.isSet(json)) {
        QJsonArray items;
        for (size_t i = 0; i < ranking.size(); ++i) {
            const auto& r = ranking[i];
            items.append(QJsonObject{{"file", images[int(i)].absolutePath},
                                     {"image_id", r.imageId},
                                     {"score", r.score},
                                     {"model_class", scoring.classes.value(r.predicted)},
                                     {"probability", double(r.confidence)}});
        }
        printJson(QJsonObject{{"mode", p.isSet(like) ? QStringLiteral("like") : miningModeName(*chosenMode)},
                              {"scoring_id", scoring.id},
                              {"candidates", int(candidates.size())},
                              {"suggestions", items}});
    } else {
        printError(QStringLiteral("%1 of %2, %3 (scoring %4 of %5):")
                       .arg(ranking.size()).arg(counted(candidates.size(), u"candidate")).arg(what).arg(scoring.id)
                       .arg(scoring.createdAt.toLocalTime().toString(Qt::ISODate)));
        for (size_t i = 0; i < ranking.size(); ++i)
            printOut(QStringLiteral("%1\t%2\t%3\t%4")
                         .arg(images[int(i)].absolutePath)
                         .arg(ranking[i].score, 0, 'f', 4)
                         .arg(scoring.classes.value(ranking[i].predicted))
                         .arg(ranking[i].confidence, 0, 'f', 3));
    }
    return kExitOk;
}

} // namespace exemplar::cli
