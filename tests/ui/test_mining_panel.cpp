// The "Find exemplars" panel on generated faces: scoring runs in the background while the event
// loop keeps ticking, the candidates land in the gallery where the digit keys label them, and
// "Review labels" lists the flipped labels with the model's class beside the label.
#include "core/catalogue/ScoreStore.h"
#include "tests/learning/StripesGraph.h"
#include "tests/learning/SyntheticCatalogue.h"
#include "tests/support/MiningStudio.h"
#include "tests/support/TestSupport.h"
#include "ui/MainWindow.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "ui/mining/MiningPanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QPushButton>
#include <QRegularExpression>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace exemplar;
using namespace exemplar::ui;

class TestMiningPanel : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString catalog_;
    test::SyntheticCatalogue set_;

private Q_SLOTS:
    void initTestCase()
    {
        catalog_ = tmp_.filePath("mine.exemplar");
        set_ = test::makeSyntheticCatalogue(catalog_, tmp_.filePath("faces"), 300, 5, 8, 4, 8);
        const auto training = test::trainRecorded(catalog_, tmp_.filePath("run"), test::quickSyntheticConfig());
        QVERIFY2(training.status == learning::TrainingStatus::Finished, qPrintable(training.error));
    }

    void findScoreLabelAndReview()
    {
        test::MiningStudio studio(tmp_.filePath("settings.ini"));
        QVERIFY(studio.open(catalog_, set_.task.id));
        MainWindow& window = studio.window;
        MiningPanel* panel = studio.panel;
        panel->setView(MiningView::Likely, "smile");

        // Before scoring: the panel says what to do instead of showing nothing.
        QSignalSpy shown(panel, &MiningPanel::candidatesShown);
        panel->showCandidates();
        QVERIFY(shown.wait(20000));
        QCOMPARE(shown.takeFirst().at(0).toInt(), 0);
        QVERIFY2(panel->hintText().contains("not scored yet"), qPrintable(panel->hintText()));
        QCOMPARE(panel->hintButton()->text(), QStringLiteral("Score"));
        QVERIFY(panel->scoreButton()->isEnabled());

        // Scoring in the background: the event loop keeps running meanwhile.
        QSignalSpy scored(panel, &MiningPanel::scored);
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] { if (panel->isBusy()) ++ticks; });
        ticker.start(5);
        panel->scoreWithLatestModel();
        QVERIFY(panel->isBusy());
        QVERIFY(scored.wait(120000));
        QVERIFY(scored.takeFirst().at(0).toLongLong() > 0);
        QVERIFY2(ticks > 0, "the GUI thread was blocked while scoring");
        // A successful scoring shows the candidates at once.
        QVERIFY(shown.count() > 0 || shown.wait(20000));
        CurationView* view = window.curationView();
        QVERIFY(view->model()->showsImageList());
        QCOMPARE(view->model()->imageListCaption(), QStringLiteral("Most likely smile"));
        const QVector<qint64> ids = view->model()->imageIds();
        QCOMPARE(ids.size(), set_.hidden.size()); // all unlabelled faces (fewer than 200)
        int hits = 0;
        for (int i = 0; i < 10; ++i)
            hits += set_.hidden.contains(ids[i]) && set_.faces.samples[size_t(set_.ids.indexOf(ids[i]))].label == 0;
        QVERIFY2(hits >= 7, qPrintable(QString::number(hits))); // base rate ~0.26: 2-3 in 10
        QCOMPARE(panel->results()->topLevelItemCount(), ids.size());
        QCOMPARE(panel->results()->topLevelItem(0)->text(1), QStringLiteral("–"));
        QVERIFY2(panel->results()->topLevelItem(0)->text(2).startsWith("smile "), // "smile 87%"
                 qPrintable(panel->results()->topLevelItem(0)->text(2)));
        // The score column is named for what it measures, and equals p(smile) for this mode.
        QCOMPARE(panel->results()->headerItem()->text(3), QStringLiteral("p(smile)"));
        QVERIFY(panel->results()->topLevelItem(0)->text(3).toDouble() >= panel->results()->topLevelItem(1)->text(3).toDouble());

        // Label the top candidate with the usual key: the list stays and shows the new label.
        view->gallery()->selectRow(0);
        view->assignDigit(1);
        QCOMPARE(view->model()->imageIds(), ids);
        QCOMPARE(panel->results()->topLevelItem(0)->text(1), QStringLiteral("smile"));
        QCOMPARE(*window.session()->label(ids[0], set_.task.id)->classId, set_.task.classes[0].id);

        // Review labels: the flipped labels come first, with label and model's class side by side.
        panel->setCrossValidation(3, 25, 32); // 10 epochs left the fold models too weak to flag flips
        shown.clear();
        panel->crossValidate();
        QVERIFY(panel->isBusy());
        QVERIFY(shown.wait(300000));
        // The caption says how the fold models did on every labelled face (the one labelled above included).
        const QRegularExpression caption(QStringLiteral(
            "^Disputed labels \\(compact, cross-validated on (\\d+) labelled faces: balanced accuracy ([0-9.]+) "
            "\\(95% interval ([0-9.]+)-([0-9.]+) over (\\d+) people\\), macro-F1 ([0-9.]+)\\)$"));
        const auto figures = caption.match(view->model()->imageListCaption());
        QVERIFY2(figures.hasMatch(), qPrintable(view->model()->imageListCaption()));
        qInfo("%s", qPrintable(view->model()->imageListCaption()));
        QCOMPARE(figures.captured(1).toInt(), int(set_.ids.size() - set_.hidden.size()) + 1);
        QVERIFY(figures.captured(2).toDouble() > 0.6 && figures.captured(2).toDouble() < 1); // chance 0.5; the flips are wrong
        // The interval is over the people behind the faces and holds the figure.
        QVERIFY(figures.captured(3).toDouble() <= figures.captured(2).toDouble());
        QVERIFY(figures.captured(4).toDouble() >= figures.captured(2).toDouble());
        QVERIFY(figures.captured(5).toInt() >= 2 && figures.captured(5).toInt() <= figures.captured(1).toInt());
        int flippedOnTop = 0;
        for (int i = 0; i < 16; ++i) {
            const QTreeWidgetItem* item = panel->results()->topLevelItem(i);
            if (set_.flipped.contains(item->data(0, Qt::UserRole).toLongLong())) {
                ++flippedOnTop;
                QVERIFY(!item->text(2).startsWith(item->text(1) + ' '));
            }
        }
        QVERIFY2(flippedOnTop >= 5, qPrintable(QString::number(flippedOnTop)));
        const ScoreStore store(window.session()->catalogue());
        QCOMPARE(store.latest(set_.task.id, ScoreStore::kOutOfFoldKind)->info["epochs"].toInt(), 25);

        // The fold models can be the latest run's setup instead (its epochs, size and classes).
        QVERIFY(panel->foldModelsBox()->isEnabled());
        panel->foldModelsBox()->setCurrentIndex(panel->foldModelsBox()->findData(QStringLiteral("latest")));
        shown.clear();
        panel->crossValidate();
        QVERIFY(panel->isBusy());
        QVERIFY(shown.wait(300000));
        const auto latest = store.latest(set_.task.id, ScoreStore::kOutOfFoldKind);
        QCOMPARE(latest->info["epochs"].toInt(), test::quickSyntheticConfig().epochs);
        QCOMPARE(latest->info["image_size"].toInt(), test::quickSyntheticConfig().imageSize);
        QVERIFY2(caption.match(view->model()->imageListCaption()).hasMatch(), qPrintable(view->model()->imageListCaption()));
        panel->foldModelsBox()->setCurrentIndex(panel->foldModelsBox()->findData(QStringLiteral("quick")));

        // Near-duplicates of the current face: the face itself leads, its neighbours follow.
        view->gallery()->selectRow(3);
        const qint64 current = view->model()->imageIdAt(3);
        panel->setView(MiningView::NearDuplicates);
        shown.clear();
        panel->showCandidates();
        QVERIFY(shown.wait(20000));
        QCOMPARE(view->model()->imageIdAt(0), current);
        QVERIFY(view->model()->rowCount() > 10);
    }

    // The fold models can be the installed emotion model with class biases fitted per fold, on the
    // labelled classes it knows; the others are named as not reviewed. Without the model, or with
    // classes it does not know, the panel says so and starts nothing.
    void emotionModelClassBiasesAsFoldModels()
    {
        const QString noModels = tmp_.filePath("no-models");
        QDir().mkpath(noModels);
        qputenv("EXEMPLAR_MODELS_DIR", noModels.toUtf8());
        qputenv("XDG_DATA_HOME", noModels.toUtf8()); // the user's own installed models must not answer
        auto emotionFolds = [](MiningPanel* panel) {
            panel->foldModelsBox()->setCurrentIndex(panel->foldModelsBox()->findData(QStringLiteral("emotion")));
            panel->crossValidate();
        };
        {
            test::MiningStudio studio(tmp_.filePath("settings-no-model.ini"));
            QVERIFY(studio.open(catalog_, set_.task.id));
            emotionFolds(studio.panel);
            QVERIFY(!studio.panel->isBusy());
            QVERIFY2(studio.panel->status().contains("not installed") && studio.panel->status().contains(noModels),
                     qPrintable(studio.panel->status()));

            const QString models = tmp_.filePath("models");
            test::writeStripesGraph(models, QStringLiteral("emotion"), false, 0, 64);
            qputenv("EXEMPLAR_MODELS_DIR", models.toUtf8());
            emotionFolds(studio.panel); // smile and frown: not the model's classes
            QVERIFY(!studio.panel->isBusy());
            QVERIFY2(studio.panel->status().contains("knows none of the labelled classes of 'mouth'") &&
                         studio.panel->status().contains("happy"),
                     qPrintable(studio.panel->status()));
        }

        const QString catalogPath = tmp_.filePath("emotion.exemplar");
        const auto set = test::makeSyntheticCatalogue(catalogPath, tmp_.filePath("emotion-faces"), 150, 9, 0, 0);
        {
            Catalogue c = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
            c.renameClass(set.task.classes[0].id, QStringLiteral("happiness"));
            c.renameClass(set.task.classes[1].id, QStringLiteral("sadness"));
            const qint64 contempt = c.addClass(set.task.id, QStringLiteral("contempt"));
            test::labelAs(c, set.task.id, contempt, set.ids.mid(0, 12), "a class the emotion model does not know");
        }
        test::MiningStudio studio(tmp_.filePath("settings-emotion.ini"));
        QVERIFY(studio.open(catalogPath, set.task.id));
        QSignalSpy shown(studio.panel, &MiningPanel::candidatesShown);
        emotionFolds(studio.panel);
        QVERIFY(studio.panel->isBusy());
        QVERIFY(shown.wait(300000));
        const ScoreStore store(studio.window.session()->catalogue());
        const auto scoring = store.latest(set.task.id, ScoreStore::kOutOfFoldKind);
        QVERIFY(scoring);
        QCOMPARE(scoring->classes, QStringList({"happiness", "sadness"}));
        QCOMPARE(scoring->info["network"].toString(), QStringLiteral("emotion class biases"));
        QCOMPARE(scoring->info["image_size"].toInt(), 64);
        QCOMPARE(scoring->info["labelled_images"].toInt(), 138);
        const QString caption = studio.window.curationView()->model()->imageListCaption();
        QVERIFY2(QRegularExpression(QStringLiteral("^Disputed labels \\(emotion class biases, cross-validated on 138 labelled "
                                                   "faces: balanced accuracy [0-9.]+ \\(95% interval [0-9.]+-[0-9.]+ over [0-9]+ people\\), macro-F1 [0-9.]+; contempt not reviewed\\)$"))
                     .match(caption)
                     .hasMatch(),
                 qPrintable(caption));
        qunsetenv("EXEMPLAR_MODELS_DIR");
        qunsetenv("XDG_DATA_HOME");
    }
};

QTEST_MAIN(TestMiningPanel)
#include "test_mining_panel.moc"
