// The curator's loop from the "Find exemplars" panel, on generated faces: score, label a batch of
// suggestions with the usual keys (the class balance chart grows at once), then "Retrain and
// rescore" trains a new run through the training studio and stores a newer scoring made by it,
// after which the list of suggestions no longer holds the faces just labelled.
#include "core/catalogue/ScoreStore.h"
#include "tests/learning/SyntheticCatalogue.h"
#include "tests/support/MiningStudio.h"
#include "tests/support/TestSupport.h"
#include "ui/MainWindow.h"
#include "ui/balance/BalanceChart.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "ui/mining/MiningPanel.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TrainingStudio.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace exemplar;
using namespace exemplar::ui;

class TestMiningLoop : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString catalog_;
    test::SyntheticCatalogue set_;

private Q_SLOTS:
    void initTestCase()
    {
        catalog_ = tmp_.filePath("loop.exemplar");
        // 8 of every 10 frowns hidden: frown is the rare class to mine.
        set_ = test::makeSyntheticCatalogue(catalog_, tmp_.filePath("faces"), 160, 11, 8, 0);
        const auto training = test::trainRecorded(catalog_, tmp_.filePath("run1"), test::quickSyntheticConfig(6));
        QVERIFY2(training.status == learning::TrainingStatus::Finished, qPrintable(training.error));
    }

    void labelRetrainRescore()
    {
        test::MiningStudio studio(tmp_.filePath("settings.ini"));
        QVERIFY(studio.open(catalog_, set_.task.id));
        MainWindow& window = studio.window;
        MiningPanel* panel = studio.panel;
        CurationView* view = window.curationView();
        BalanceChart* chart = view->balance();
        const qint64 frown = set_.task.classes[1].id;
        const int bar = int(chart->barClassIds().indexOf(frown));
        QVERIFY(bar >= 0);

        // Score with the first model; the candidates land in the gallery.
        panel->setView(MiningView::Likely, "frown");
        QSignalSpy scored(panel, &MiningPanel::scored);
        QSignalSpy shown(panel, &MiningPanel::candidatesShown);
        panel->scoreWithLatestModel();
        QVERIFY(scored.wait(120000));
        const qint64 firstScoring = scored.takeFirst().at(0).toLongLong();
        QVERIFY(firstScoring > 0);
        QVERIFY(shown.count() > 0 || shown.wait(20000));
        QCOMPARE(view->model()->imageListCaption(), QStringLiteral("Most likely frown"));
        QCOMPARE(panel->results()->headerItem()->text(3), QStringLiteral("p(frown)"));
        QVERIFY(panel->findChild<QLabel*>("miningExplanation")->text().contains("probability that the face shows frown"));
        const QVector<qint64> suggested = view->model()->imageIds();
        QVERIFY(suggested.size() >= 8);

        // Label the first five suggestions as frowns with the digit key: the chart's curator part of
        // the frown bar grows by five at once (no reopening, no refresh button).
        const double curatorBefore = chart->barValue(bar, Provenance::Curator);
        const double importedBefore = chart->barValue(bar, Provenance::Imported);
        for (int row = 0; row < 5; ++row) {
            view->gallery()->selectRow(row);
            QCOMPARE(view->targetImageIds(), QVector<qint64>{suggested[row]});
            view->assignDigit(2);
        }
        QCOMPARE(chart->barValue(bar, Provenance::Curator), curatorBefore + 5);
        QCOMPARE(chart->barValue(bar, Provenance::Imported), importedBefore);
        QCOMPARE(view->model()->imageIds(), suggested); // the list stays while labelling
        for (int row = 0; row < 5; ++row)
            QCOMPARE(panel->results()->topLevelItem(row)->text(1), QStringLiteral("frown"));

        // Retrain and rescore: a new run with the latest run's settings, then a newer scoring by it.
        ScoreStore store(window.session()->catalogue());
        const qint64 firstRun = *store.scoring(firstScoring)->runId;
        TrainingController* controller = TrainingStudio::of(&window)->controller();
        QSignalSpy trained(controller, &TrainingController::finished);
        shown.clear();
        panel->retrainAndRescore();
        QVERIFY2(scored.wait(180000), qPrintable(panel->status()));
        QCOMPARE(trained.count(), 1);
        QCOMPARE(trained.first().at(1).toString(), QStringLiteral("finished"));
        const qint64 newRun = trained.first().at(0).toLongLong();
        QVERIFY(newRun > firstRun);
        const qint64 secondScoring = scored.takeFirst().at(0).toLongLong();
        QVERIFY(secondScoring > firstScoring);
        const auto latest = store.latest(set_.task.id, ScoreStore::kModelKind);
        QVERIFY(latest);
        QCOMPARE(latest->id, secondScoring);
        QCOMPARE(*latest->runId, newRun);
        QCOMPARE(store.scoreCount(secondScoring), set_.ids.size());

        // Back in the gallery with fresh suggestions: the five faces just labelled are gone from the
        // unlabelled candidates, and the chart still counts them.
        QVERIFY(shown.count() > 0 || shown.wait(20000));
        QCOMPARE(window.currentViewId(), QStringLiteral("gallery"));
        QVERIFY2(panel->status().startsWith("Most likely frown"), qPrintable(panel->status()));
        const QVector<qint64> fresh = view->model()->imageIds();
        QVERIFY(!fresh.isEmpty());
        for (int row = 0; row < 5; ++row) QVERIFY(!fresh.contains(suggested[row]));
        QCOMPARE(chart->barValue(bar, Provenance::Curator), curatorBefore + 5);
    }
};

QTEST_MAIN(TestMiningLoop)
#include "test_mining_loop.moc"
