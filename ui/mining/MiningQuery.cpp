#include "ui/mining/MiningQuery.h"

#include "core/catalogue/Catalogue.h"
#include "core/catalogue/ScoreStore.h"
#include "core/learning/Mining.h"

#include <QLocale>

namespace exemplar::ui {

using namespace exemplar::learning;

MiningResult runMiningQuery(const MiningRequest& request)
{
    MiningResult result;
    result.view = request.view;
    result.className = request.className;
    try {
        const Catalogue catalogue = Catalogue::open(request.cataloguePath, Catalogue::OpenMode::MustExist);
        const auto task = catalogue.task(request.taskId);
        if (!task) throw Error(QStringLiteral("the task no longer exists"));
        const ScoreStore store(catalogue);
        const bool review = request.view == MiningView::Disputed;
        const auto scoring = store.latest(task->id, QString::fromLatin1(review ? ScoreStore::kOutOfFoldKind
                                                                               : ScoreStore::kModelKind));
        if (!scoring) {
            result.error = review ? QStringLiteral("No cross-validation yet: click \"Cross-validate labels\".")
                                  : QStringLiteral("No scores yet for '%1': click \"Score\" (it needs a trained model).")
                                        .arg(task->name);
            return result;
        }
        result.scoringId = scoring->id;
        const auto scores = store.scores(scoring->id);
        const auto labels = catalogue.labelsOfTask(task->id);
        QHash<qint64, int> labelIndex;
        QSet<qint64> labelled, candidates;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
            if (!it->classId) continue;
            labelled << it.key();
            const auto c = task->classById(*it->classId);
            const int k = c ? int(scoring->classes.indexOf(c->name)) : -1;
            if (k >= 0) labelIndex.insert(it.key(), k);
        }
        for (const auto& s : scores)
            if (!request.unlabelledOnly || !labelled.contains(s.imageId)) candidates << s.imageId;

        std::vector<RankedImage> ranking;
        switch (request.view) {
        case MiningView::Likely: {
            const int k = int(scoring->classes.indexOf(request.className));
            if (k < 0) {
                result.error = QStringLiteral("The scoring model has no class '%1'.").arg(request.className);
                return result;
            }
            ranking = rankMostLikely(scores, k, candidates);
            result.caption = QStringLiteral("Most likely %1").arg(request.className);
            break;
        }
        case MiningView::Uncertain:
            ranking = rankMostUncertain(scores, candidates);
            result.caption = QStringLiteral("Most uncertain");
            break;
        case MiningView::Different: {
            QSet<qint64> anchors;
            for (auto it = labelIndex.cbegin(); it != labelIndex.cend(); ++it) anchors << it.key();
            ranking = rankMostDifferent(scores, anchors, candidates);
            result.caption = QStringLiteral("Most different from the labelled faces");
            break;
        }
        case MiningView::NearDuplicates: {
            ranking = rankNearDuplicates(scores, request.imageId, request.top);
            const auto image = catalogue.image(request.imageId);
            result.caption = QStringLiteral("Nearest to %1").arg(image ? image->fileName() : QString());
            // The face itself leads the list, so its neighbours are seen beside it.
            ranking.insert(ranking.begin(), RankedImage{request.imageId, 0, -1, 0});
            break;
        }
        case MiningView::Disputed: {
            const auto disputed = rankDisputedLabels(scores, labelIndex);
            for (const auto& d : disputed)
                ranking.push_back(RankedImage{d.imageId, d.score, d.predicted, d.predictedProbability});
            // How the models did, against the labels as they are now: the estimate for new people.
            QVector<qint64> labelledIds;
            for (const auto& d : disputed) labelledIds << d.imageId;
            const Metrics m = crossValidatedMetrics(disputed, scoring->classes, catalogue.identities(labelledIds));
            const QString network = scoring->info[QStringLiteral("network")].toString(); // empty before it was kept
            // Fold models of chosen classes (a run's, or those a pretrained model knows) never
            // judged the others' labels: say which, or the list reads as a review of every label.
            QStringList notReviewed;
            for (const ClassCount& c : catalogue.classCounts(scoring->taskId))
                if (!c.retired && c.total() > 0 && !scoring->classes.contains(c.className)) notReviewed << c.className;
            result.caption = QStringLiteral("Disputed labels (%1cross-validated on %2 labelled faces: balanced accuracy "
                                            "%3%4, macro-F1 %5%6)")
                                 .arg(network.isEmpty() ? QString() : network + QStringLiteral(", "))
                                 .arg(QLocale().toString(m.count))
                                 .arg(m.balancedAccuracy, 0, 'f', 3)
                                 .arg(m.balancedAccuracyInterval
                                          ? QStringLiteral(" (%1)").arg(intervalText(*m.balancedAccuracyInterval))
                                          : QString())
                                 .arg(m.macroF1, 0, 'f', 3)
                                 .arg(notReviewed.isEmpty() ? QString()
                                                            : QStringLiteral("; %1 not reviewed")
                                                                  .arg(notReviewed.join(QStringLiteral(", "))));
            break;
        }
        }
        if (int(ranking.size()) > request.top) ranking.resize(size_t(request.top));
        QVector<qint64> ids = rankedIds(ranking);
        const auto images = catalogue.images(ids);
        for (size_t i = 0; i < ranking.size(); ++i) {
            MiningRow row;
            row.imageId = ranking[i].imageId;
            row.fileName = images.value(int(i)).fileName();
            const Label l = labels.value(row.imageId);
            if (l.classId)
                if (const auto c = task->classById(*l.classId)) row.label = c->name;
            row.modelClass = scoring->classes.value(ranking[i].predicted);
            row.probability = ranking[i].confidence;
            row.score = ranking[i].score;
            result.rows << row;
        }
    } catch (const std::exception& e) {
        result.error = QString::fromUtf8(e.what());
    }
    return result;
}

QString scoringSummary(const Catalogue& catalogue, qint64 taskId, ScoringKind kind)
{
    try {
        const ScoreStore store(catalogue);
        if (kind == ScoringKind::CrossValidation) {
            const auto s = store.latest(taskId, ScoreStore::kOutOfFoldKind);
            return s ? QStringLiteral("Labels cross-validated (%1 folds) on %2")
                           .arg(s->info[QStringLiteral("folds")].toInt())
                           .arg(QLocale().toString(s->createdAt.toLocalTime(), QLocale::ShortFormat))
                     : QStringLiteral("Labels not cross-validated yet");
        }
        const auto s = store.latest(taskId, ScoreStore::kModelKind);
        return s ? QStringLiteral("%1 faces scored%2 on %3%4")
                       .arg(QLocale().toString(store.scoreCount(s->id)))
                       .arg(s->runId ? QStringLiteral(" by run %1").arg(*s->runId) : QString())
                       .arg(QLocale().toString(s->createdAt.toLocalTime(), QLocale::ShortFormat))
                       .arg(s->info[QStringLiteral("embeddings")].toBool() ? QString()
                                                                           : QStringLiteral(" (no embeddings)"))
                 : QStringLiteral("Not scored yet");
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
}

} // namespace exemplar::ui
