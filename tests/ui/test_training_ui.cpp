// The training side of the studio on generated faces: a tiny run driven through the "New training
// run" dialog feeds the monitor's curves, is recorded, and its evaluation matrix agrees with the
// recorded test predictions; a matrix click shows the faces behind the cell in the gallery, where
// they can be relabelled. Cancel and resume continue the same run.
#include "UiTestSupport.h"

#include "core/learning/Metrics.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/training/EvaluationView.h"
#include "ui/training/RunHistoryView.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TrainingDialog.h"
#include "ui/training/TrainingMonitor.h"
#include "ui/training/TrainingStudio.h"
#include "ui/training/TryItPanel.h"

#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QToolButton>
#include <algorithm>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

// Faces with image files (training decodes them), small enough for a run of a few seconds.
QString makeCatalogue(const QTemporaryDir& dir, int images)
{
    const QString path = dir.filePath(QStringLiteral("train.exemplar"));
    DemoOptions opts;
    opts.images = images;
    opts.imageSide = 48;
    opts.writeImageFiles = true;
    opts.importedFraction = 0.9;
    opts.curatorFraction = 0.1;
    opts.seed = 11;
    generateDemoCatalogue(path, opts);
    return path;
}

learning::TrainingConfig tinyConfig(int epochs)
{
    learning::TrainingConfig c;
    c.imageSize = 32;
    c.depth = 3;
    c.width = 8;
    c.epochs = epochs;
    c.batchSize = 32;
    c.warmupEpochs = 0;
    c.threads = 1;
    return c;
}

const QStringList kClasses{QStringLiteral("happiness"), QStringLiteral("sadness"), QStringLiteral("surprise")};

} // namespace

class TestTrainingUi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(data_.isValid());
        catalogue_ = makeCatalogue(data_, 240);
    }

    void dialogRunCurvesMatrixAndGallery()
    {
        test::StudioFixture f(catalogue_);
        TrainingStudio* studio = TrainingStudio::of(f.window.get());
        QVERIFY(studio);
        for (const QString& id : {QStringLiteral("monitor"), QStringLiteral("evaluation"), QStringLiteral("runs")})
            QVERIFY(f.window->viewIds().contains(id));

        // The dialog lists the classes with their counts from the catalogue.
        TrainingDialog* dialog = studio->newRun();
        QVERIFY(dialog->isVisible());
        const TaskInfo task = f.task(QStringLiteral("expression"));
        const QVector<ClassCount> counts = f.session()->catalogue().classCounts(task.id);
        QCOMPARE(dialog->classList()->count(), counts.size());
        for (int i = 0; i < counts.size(); ++i)
            QVERIFY2(dialog->classList()->item(i)->text().contains(QStringLiteral("(%1)").arg(counts[i].total())),
                     qPrintable(dialog->classList()->item(i)->text()));
        // Classes too small to split are named in the warning, and only those.
        auto checkWarning = [&] {
            const QString warning = dialog->warningText();
            bool anyFew = false;
            for (const ClassCount& c : counts) {
                const bool chosen = dialog->selection().classes.contains(c.className);
                const bool few = chosen && c.total() < TrainingDialog::kFewImages;
                anyFew = anyFew || few;
                QVERIFY2(warning.contains(c.className + QStringLiteral(" (")) == few, qPrintable(warning));
            }
            QCOMPARE(warning.isEmpty(), !anyFew);
        };
        checkWarning();
        for (const ClassCount& c : counts)
            dialog->setClassChecked(c.className, kClasses.contains(c.className));
        QCOMPARE(dialog->selection().classes, kClasses);
        checkWarning();
        dialog->setConfig(tinyConfig(2));
        QSignalSpy finished(studio->controller(), &TrainingController::finished);
        QSignalSpy epochs(studio->controller(), &TrainingController::epochDone);
        auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QTest::mouseClick(ok, Qt::LeftButton);
        QVERIFY(studio->controller()->isRunning());
        QCOMPARE(f.window->currentViewId(), QStringLiteral("monitor"));

        // The curator keeps labelling while the run trains.
        const qint64 someImage = f.model()->imageIdAt(0);
        QVERIFY(f.session()->assignClass({someImage}, task.classByName(QStringLiteral("neutral"))->id));

        QVERIFY(finished.wait(180000));
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("finished"));
        const qint64 runId = finished.first().at(0).toLongLong();
        QCOMPARE(epochs.size(), 2);

        // Curves: one smoothed point per batch, one point per epoch for every per-epoch curve.
        TrainingMonitor* monitor = studio->monitor();
        QVERIFY(monitor->batchPoints() >= 2);
        QCOMPARE(monitor->epochPoints(), 2);
        for (int g = 0; g < monitor->metricsPlot()->graphCount(); ++g)
            QCOMPARE(monitor->metricsPlot()->graph(g)->dataCount(), 2);
        QCOMPARE(monitor->progressBar()->value(), monitor->progressBar()->maximum());
        QVERIFY(monitor->speedText().contains(QStringLiteral("images/s")));

        Catalogue disk = f.reopen();
        const auto run = disk.run(runId);
        QVERIFY(run);
        QCOMPARE(run->status, QStringLiteral("finished"));
        QCOMPARE(disk.epochs(runId).size(), 2);
        // The epoch values on the curves are the recorded ones.
        QCOMPARE(monitor->lossPlot()->graph(2)->data()->at(1)->value, disk.epochs(runId).at(1).valLoss);

        // The evaluation opened on this run and its cells are the recorded test predictions.
        EvaluationView* eval = studio->evaluation();
        QCOMPARE(eval->runId(), runId);
        const QStringList names = eval->data().classNames;
        QCOMPARE(names, kClasses);
        const learning::Metrics test = learning::Metrics::fromJson(QJsonDocument::fromJson(run->testMetricsJson.toUtf8()).object());
        QVector<QVector<QVector<QPair<float, qint64>>>> expected(3, QVector<QVector<QPair<float, qint64>>>(3));
        int testCount = 0;
        for (const PredictionRecord& p : disk.runPredictions(runId)) {
            if (p.part != SplitPart::Test)
                continue;
            const int t = names.indexOf(task.classById(p.trueClassId)->name);
            const int q = names.indexOf(task.classById(p.predictedClassId)->name);
            expected[t][q].push_back({p.probabilities[q], p.imageId});
            ++testCount;
        }
        QVERIFY(testCount > 0);
        QCOMPARE(testCount, test.count);
        int bestT = 0, bestQ = 0;
        for (int t = 0; t < 3; ++t)
            for (int q = 0; q < 3; ++q) {
                const int n = static_cast<int>(expected[t][q].size());
                QCOMPARE(n, test.confusion[t][q]);
                QVERIFY2(eval->cellText(t, q).startsWith(QString::number(n) + QLatin1Char('\n')), qPrintable(eval->cellText(t, q)));
                if (n > expected[bestT][bestQ].size())
                    bestT = t, bestQ = q;
            }
        QCOMPARE(eval->classTable()->rowCount(), 3);
        QCOMPARE(eval->classTable()->item(0, 0)->text(), names[0]);

        // A click on the fullest cell shows its faces in the gallery, most confident first.
        f.window->showView(QStringLiteral("evaluation"));
        QTest::qWait(50);
        QTest::mouseClick(eval->matrixPlot(), Qt::LeftButton, {}, eval->matrixPlot()->mapFrom(eval, eval->cellCenter(bestT, bestQ)));
        QCOMPARE(f.window->currentViewId(), QStringLiteral("gallery"));
        auto cell = expected[bestT][bestQ];
        std::stable_sort(cell.begin(), cell.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        QVector<qint64> cellIds;
        for (const auto& [conf, id] : cell)
            cellIds << id;
        QVERIFY(f.model()->showsImageList());
        QCOMPARE(f.model()->imageIds(), cellIds);
        const QString chip = f.view()->imageListChipText();
        QVERIFY2(chip.contains(QStringLiteral("true %1").arg(names[bestT])) && chip.contains(QStringLiteral("predicted %1").arg(names[bestQ])) &&
                     chip.endsWith(QStringLiteral("(%1)").arg(cellIds.size())),
                 qPrintable(chip));

        // Relabel on the spot: the list stays, the label is saved.
        const qint64 first = cellIds.first();
        const qint64 neutral = task.classByName(QStringLiteral("neutral"))->id;
        QVERIFY(f.session()->assignClass({first}, neutral));
        QCOMPARE(f.model()->imageIds(), cellIds);
        QCOMPARE(*f.reopen().label(first, task.id)->classId, neutral);
        // The chip's close button goes back to the filtered gallery.
        QTest::mouseClick(f.view()->imageListChip()->findChild<QToolButton*>(), Qt::LeftButton);
        QVERIFY(!f.model()->showsImageList());
        QVERIFY(f.view()->imageListChipText().isEmpty());

        // Try it: the run's model gives a probability per class.
        TryItPanel* tryIt = eval->tryIt();
        QSignalSpy classified(tryIt, &TryItPanel::classified);
        tryIt->classify(disk.image(cellIds.last())->absolutePath);
        QVERIFY(classified.wait(60000));
        QVERIFY2(tryIt->errorText().isEmpty(), qPrintable(tryIt->errorText()));
        QCOMPARE(tryIt->classes(), names);
        QCOMPARE(tryIt->probabilities().size(), 3);
        double sum = 0;
        for (float p : tryIt->probabilities())
            sum += p;
        QVERIFY(std::abs(sum - 1.0) < 1e-3);

        // Exports.
        const QString csv = data_.filePath(QStringLiteral("metrics.csv"));
        eval->exportMetricsCsv(csv);
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csvFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 3 + 3);
        QVERIFY(lines[1].startsWith(names[0] + QLatin1Char(',')));
        QVERIFY(eval->exportMatrixPng(data_.filePath(QStringLiteral("matrix.png"))));
        QVERIFY(!QImage(data_.filePath(QStringLiteral("matrix.png"))).isNull());
        QVERIFY(monitor->exportPng(data_.filePath(QStringLiteral("curves.png"))));

        // The run history lists the run with its headline score.
        RunHistoryView* runs = studio->runs();
        QVERIFY(runs->runIds().contains(runId));
        const int row = static_cast<int>(runs->runIds().indexOf(runId));
        QCOMPARE(runs->table()->item(row, 10)->text(), QString::number(test.macroF1, 'f', 3));
    }

    void cancelResumeCompareDelete()
    {
        test::StudioFixture f(catalogue_);
        TrainingStudio* studio = TrainingStudio::of(f.window.get());
        TrainingController* controller = studio->controller();
        learning::DatasetSelection selection{QStringLiteral("expression"), kClasses, false};
        QSignalSpy epochs(controller, &TrainingController::epochDone);
        QSignalSpy finished(controller, &TrainingController::finished);
        QVERIFY(studio->startRun(selection, tinyConfig(40), data_.filePath(QStringLiteral("resumable"))));
        QVERIFY(epochs.wait(120000));
        QVERIFY(studio->monitor()->cancelButton()->isEnabled());
        QTest::mouseClick(studio->monitor()->cancelButton(), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.last().at(1).toString(), QStringLiteral("cancelled"));
        const qint64 runId = finished.last().at(0).toLongLong();
        const int epochsBefore = static_cast<int>(f.reopen().epochs(runId).size());
        QVERIFY(epochsBefore >= 1);
        QVERIFY(controller->canResume());
        QVERIFY(studio->monitor()->resumeButton()->isEnabled());

        epochs.clear();
        QTest::mouseClick(studio->monitor()->resumeButton(), Qt::LeftButton);
        QVERIFY(controller->isRunning());
        QVERIFY(epochs.wait(120000));
        controller->cancel();
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.last().at(0).toLongLong(), runId); // the same run continued
        QVERIFY(f.reopen().epochs(runId).size() > epochsBefore);
        QCOMPARE(studio->monitor()->epochPoints(), static_cast<int>(f.reopen().epochs(runId).size()));

        // Compare with the run of the first test (both in the history), then delete this one.
        RunHistoryView* runs = studio->runs();
        runs->refresh();
        QVERIFY(runs->runIds().size() >= 2);
        const qint64 other = runs->runIds().last();
        runs->compare(other, runId);
        QCOMPARE(runs->comparePlot()->graphCount(), 4);
        QCOMPARE(runs->comparePlot()->graph(2)->dataCount(), static_cast<int>(f.reopen().epochs(runId).size()));
        QVERIFY2(runs->compareText().contains(QStringLiteral("epochs: 2 \u2192 40")), qPrintable(runs->compareText()));
        runs->deleteRun(runId);
        QVERIFY(!f.reopen().run(runId));
        QVERIFY(!runs->runIds().contains(runId));
    }

private:
    QTemporaryDir data_;
    QString catalogue_;
};

QTEST_MAIN(TestTrainingUi)
#include "test_training_ui.moc"
