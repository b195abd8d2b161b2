// The training side of the studio on generated faces: a tiny run driven through the "New training
// run" dialog feeds the monitor's curves, is recorded, and its evaluation matrix agrees with the
// recorded test predictions; a matrix click shows the faces behind the cell in the gallery, where
// they can be relabelled. Cancel and resume continue the same run. Exports go through their buttons
// and file dialogs; an image dropped on the try-it panel is classified; closing the window while a
// run trains records it as cancelled, and a run left "running" by a crash shows as interrupted and
// resumes from the run history.
#include "UiTestSupport.h"

#include "core/learning/Metrics.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/gallery/FilterPanel.h"
#include "ui/training/EvaluationView.h"
#include "ui/training/RunHistoryView.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TrainingDialog.h"
#include "ui/training/TrainingMonitor.h"
#include "core/import/CsvReader.h"
#include "ui/training/BatchLossLog.h"
#include "ui/training/TrainingStudio.h"
#include "ui/training/TryItPanel.h"

#include <QApplication>
#include <QFileDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QTimer>
#include <QScopeGuard>
#include <QComboBox>

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
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

// Answers the next file dialog as a user would: reads the name it proposes into `proposed`, then
// saves as `path`.
void answerFileDialog(const QString& path, QString* proposed)
{
    auto* poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, [poll, path, proposed] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* dialog = qobject_cast<QFileDialog*>(w);
            if (!dialog || !dialog->isVisible())
                continue;
            poll->stop();
            poll->deleteLater();
            *proposed = dialog->selectedFiles().value(0);
            dialog->selectFile(path);
            // selectFile() can lose against the dialog still filling its file list (seen with the
            // second of two dialogs): accept() reads the name field, so set it as a user would type.
            if (auto* nameEdit = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit")))
                nameEdit->setText(path);
            static_cast<QDialog*>(dialog)->accept(); // public in QDialog, dispatches to QFileDialog::accept
            return;
        }
    });
    poll->start();
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
        // The time limit and the selection score are the curator's to set, and reach the run.
        QCOMPARE(dialog->timeLimitBox()->text(), QStringLiteral("No limit"));
        QCOMPARE(dialog->selectOnBox()->currentData().toString(), QStringLiteral("macro_f1"));
        dialog->timeLimitBox()->setValue(30);
        dialog->selectOnBox()->setCurrentIndex(dialog->selectOnBox()->findData(QStringLiteral("balanced_accuracy")));
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

        // The next "New training run" repeats this one (classes, settings, seed: the same held-out
        // faces); "Restore Defaults" resets the settings and keeps the classes.
        {
            TrainingDialog* again = studio->newRun();
            QCOMPARE(again->selection().classes, kClasses);
            QCOMPARE(again->config().imageSize, 32);
            QCOMPARE(again->config().epochs, 2);
            QCOMPARE(again->config().threads, 1);
            QCOMPARE(again->timeLimitBox()->value(), 30.0);
            QCOMPARE(again->selectOnBox()->currentData().toString(), QStringLiteral("balanced_accuracy"));
            QTest::mouseClick(again->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::RestoreDefaults),
                              Qt::LeftButton);
            QCOMPARE(again->timeLimitBox()->text(), QStringLiteral("No limit"));
            QCOMPARE(again->config().imageSize, learning::TrainingConfig().imageSize);
            QCOMPARE(again->config().epochs, learning::TrainingConfig().epochs);
            QCOMPARE(again->selectOnBox()->currentData().toString(), QStringLiteral("macro_f1"));
            QCOMPARE(again->selection().classes, kClasses);
            again->reject();
        }
        // A zero-shot baseline recorded since trained nothing: the dialog still repeats this run.
        {
            RunRecord baseline = *f.reopen().run(runId);
            QJsonObject config = QJsonDocument::fromJson(baseline.configJson.toUtf8()).object();
            config["backbone"] = QStringLiteral("emotion");
            config["backbone_fit"] = QString::fromLatin1(learning::kZeroShotFit);
            config["image_size"] = 64;
            baseline.configJson = QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact));
            baseline.name = QStringLiteral("expression zero-shot emotion (3 classes)");
            const qint64 baselineId = f.session()->catalogue().createRun(baseline);
            QCOMPARE(f.session()->catalogue().runs().first().id, baselineId);
            TrainingDialog* again = studio->newRun();
            QCOMPARE(again->config().imageSize, 32);
            QCOMPARE(again->config().backbone, QStringLiteral("none"));
            again->reject();
            f.session()->catalogue().deleteRun(baselineId);
        }

        // Curves: one smoothed point per batch, one point per epoch for every per-epoch curve.
        TrainingMonitor* monitor = studio->monitor();
        QVERIFY(monitor->batchPoints() >= 2);
        QCOMPARE(monitor->epochPoints(), 2);
        for (int g = 0; g < monitor->metricsPlot()->graphCount(); ++g)
            QCOMPARE(monitor->metricsPlot()->graph(g)->dataCount(), 2);
        QCOMPARE(monitor->progressBar()->value(), monitor->progressBar()->maximum());
        QVERIFY(monitor->speedText().contains(QStringLiteral("images/s")));
        {
            // A one-pass fit's scoring progress (test_backbone_training runs one) moves the bar and
            // the ETA, and plots no loss.
            learning::BatchProgress scoring;
            scoring.epoch = scoring.epochs = 1;
            scoring.scoring = true;
            scoring.batch = 128;
            scoring.batches = 512;
            scoring.imagesPerSecond = 25;
            scoring.etaSeconds = 90;
            const int points = monitor->batchPoints();
            Q_EMIT studio->controller()->batchDone(scoring);
            QCOMPARE(monitor->progressBar()->format(), QStringLiteral("scoring training faces: 128 of 512"));
            QCOMPARE(monitor->progressBar()->value(), monitor->progressBar()->maximum() / 4);
            QCOMPARE(monitor->batchPoints(), points);
            QVERIFY2(monitor->etaText().contains(QStringLiteral("1 min 30 s")), qPrintable(monitor->etaText()));
        }

        Catalogue disk = f.reopen();
        const auto run = disk.run(runId);
        QVERIFY(run);
        QCOMPARE(run->status, QStringLiteral("finished"));
        const QJsonObject recorded = QJsonDocument::fromJson(run->configJson.toUtf8()).object();
        QCOMPARE(recorded["max_minutes"].toDouble(), 30.0);
        QCOMPARE(recorded["select_on"].toString(), QStringLiteral("balanced_accuracy"));
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
        // The recorded test figure carries its interval over the test people, shown in the headline.
        QVERIFY(test.balancedAccuracyInterval);
        QVERIFY(test.balancedAccuracyInterval->people >= 2 && test.balancedAccuracyInterval->people <= test.count);
        QVERIFY(test.balancedAccuracyInterval->low <= test.balancedAccuracyInterval->high);
        QVERIFY2(eval->headlineText().contains(learning::intervalText(*test.balancedAccuracyInterval)),
                 qPrintable(eval->headlineText()));
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

        // Dropping an image file on the panel classifies it like picking it: same probabilities, shown as bars.
        const QVector<float> picked = tryIt->probabilities();
        classified.clear();
        const QString dropped = disk.image(cellIds.last())->absolutePath;
        QMimeData notFiles;
        notFiles.setText(QStringLiteral("not a file"));
        QDragEnterEvent refused(QPoint(5, 5), Qt::CopyAction, &notFiles, Qt::LeftButton, Qt::NoModifier);
        refused.setAccepted(false);
        QApplication::sendEvent(tryIt, &refused);
        QVERIFY(!refused.isAccepted());
        QMimeData files;
        files.setUrls({QUrl::fromLocalFile(dropped)});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
        enter.setAccepted(false);
        QApplication::sendEvent(tryIt, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &files, Qt::LeftButton, Qt::NoModifier);
        drop.setAccepted(false);
        QApplication::sendEvent(tryIt, &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(classified.wait(60000));
        QVERIFY2(tryIt->errorText().isEmpty(), qPrintable(tryIt->errorText()));
        QCOMPARE(tryIt->probabilities().size(), picked.size());
        for (int i = 0; i < picked.size(); ++i)
            QVERIFY(std::abs(tryIt->probabilities()[i] - picked[i]) < 1e-5);
        const QList<QProgressBar*> bars = tryIt->findChildren<QProgressBar*>();
        QCOMPARE(bars.size(), names.size());
        for (int i = 0; i < names.size(); ++i) {
            QCOMPARE(bars[i]->value(), qRound(1000 * picked[i]));
            QCOMPARE(bars[i]->text(), QStringLiteral("%1  %2%").arg(names[i]).arg(100.0 * picked[i], 0, 'f', 1));
        }

        // Exports, through the buttons and their file dialogs; each proposes a name beside the catalogue.
        const QString catalogueDir = QFileInfo(catalogue_).absolutePath();
        QString proposed;
        const QString csv = data_.filePath(QStringLiteral("metrics.csv"));
        QMenu* exportMenu = eval->exportButton()->menu();
        QVERIFY(eval->exportButton()->isEnabled() && exportMenu && exportMenu->actions().size() == 3);
        answerFileDialog(csv, &proposed);
        exportMenu->actions().at(1)->trigger();
        QCOMPARE(QFileInfo(proposed).fileName(), QStringLiteral("run-%1-metrics.csv").arg(runId));
        QCOMPARE(QFileInfo(proposed).absolutePath(), catalogueDir);
        const TextTable table = readCsvFile(csv);
        QCOMPARE(table.header, (QStringList{"class", "precision", "recall", "f1", "support"}));
        QCOMPARE(table.rows.size(), 3 + 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(table.rows[i].cells[0], names[i]);
            QCOMPARE(table.rows[i].cells[4].toInt(), test.perClass[i].support);
        }
        const QString json = data_.filePath(QStringLiteral("metrics.json"));
        answerFileDialog(json, &proposed);
        exportMenu->actions().at(2)->trigger();
        QCOMPARE(QFileInfo(proposed).fileName(), QStringLiteral("run-%1-metrics.json").arg(runId));
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        QJsonParseError parseError;
        const QJsonObject exported = QJsonDocument::fromJson(jsonFile.readAll(), &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        QCOMPARE(exported.value(QStringLiteral("run")).toInteger(), runId);
        QCOMPARE(exported.value(QStringLiteral("macro_f1")).toDouble(), test.macroF1);
        const QString matrixPng = data_.filePath(QStringLiteral("matrix.png"));
        answerFileDialog(matrixPng, &proposed);
        exportMenu->actions().at(0)->trigger();
        QCOMPARE(QFileInfo(proposed).fileName(), QStringLiteral("run-%1-confusion.png").arg(runId));
        QVERIFY(QImage(matrixPng).width() >= 200);

        f.window->showView(QStringLiteral("monitor"));
        QVERIFY(monitor->exportButton()->isVisible() && monitor->exportButton()->isEnabled());
        const QString curvesPng = data_.filePath(QStringLiteral("curves.png"));
        answerFileDialog(curvesPng, &proposed);
        QTest::mouseClick(monitor->exportButton(), Qt::LeftButton);
        QCOMPARE(QFileInfo(proposed).fileName(), QStringLiteral("run-%1-curves.png").arg(runId));
        const QImage curves(curvesPng);
        QVERIFY(!curves.isNull());
        QCOMPARE(curves.width(), monitor->lossPlot()->width() + monitor->metricsPlot()->width());

        // Epoch axes: whole epochs only, and room right of the last epoch's point.
        for (QCustomPlot* plot : {monitor->lossPlot(), monitor->metricsPlot()}) {
            plot->replot();
            QVERIFY(!plot->xAxis->tickVector().isEmpty());
            for (double tick : plot->xAxis->tickVector())
                QCOMPARE(tick, std::round(tick));
            const double lastX = plot->xAxis->coordToPixel(2);
            QVERIFY(lastX + 4 < plot->axisRect()->right());
        }

        // The batch curve is kept beside the run, so a later session's monitor shows it too.
        const int livePoints = monitor->batchPoints();
        const QString workDir = QJsonDocument::fromJson(run->configJson.toUtf8()).object().value(QStringLiteral("work_dir")).toString();
        QCOMPARE(BatchLossLog::load(BatchLossLog::fileIn(workDir)).points().size(), livePoints);
        {
            test::StudioFixture later(catalogue_);
            TrainingMonitor* past = TrainingStudio::of(later.window.get())->monitor();
            past->showRun(runId);
            QCOMPARE(past->batchPoints(), livePoints);
            QCOMPARE(past->epochPoints(), 2);
        }

        // The run history lists the run with its headline score.
        RunHistoryView* runs = studio->runs();
        QVERIFY(runs->runIds().contains(runId));
        const int row = static_cast<int>(runs->runIds().indexOf(runId));
        QCOMPARE(runs->table()->item(row, 10)->text(), QString::number(test.macroF1, 'f', 3));
        QVERIFY2(runs->table()->item(row, 9)->toolTip().contains(learning::intervalText(*test.balancedAccuracyInterval)),
                 qPrintable(runs->table()->item(row, 9)->toolTip()));
        // A run against itself: the same faces, so the change is paired over the test people, and nil.
        runs->compare(runId, runId);
        QVERIFY2(runs->compareText().contains(
                     QStringLiteral("95% interval of the change +0.000 to +0.000 over %1 people: within the luck of the test people")
                         .arg(test.balancedAccuracyInterval->people)),
                 qPrintable(runs->compareText()));
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

    // The zero-shot baseline is offered only when the model knows two of the chosen classes; the
    // tooltip says why not otherwise. (Only the files' presence matters here: nothing is evaluated.)
    void baselineNeedsClassesTheModelKnows()
    {
        QTemporaryDir models;
        for (const QString& name : {QStringLiteral("emotion"), QStringLiteral("faceres")})
            for (const QString& ext : {QStringLiteral(".json"), QStringLiteral(".bin")}) {
                QFile file(models.filePath(name + ext));
                QVERIFY(file.open(QIODevice::WriteOnly));
            }
        // Only these: not the models installed in the user's data directory.
        const QByteArray saved = qgetenv("EXEMPLAR_MODELS_DIR"), savedData = qgetenv("XDG_DATA_HOME");
        qputenv("EXEMPLAR_MODELS_DIR", models.path().toUtf8());
        qputenv("XDG_DATA_HOME", models.path().toUtf8());
        auto restore = qScopeGuard([&] {
            qputenv("EXEMPLAR_MODELS_DIR", saved);
            if (savedData.isEmpty())
                qunsetenv("XDG_DATA_HOME");
            else
                qputenv("XDG_DATA_HOME", savedData);
        });

        test::StudioFixture f(catalogue_);
        TrainingDialog* dialog = TrainingStudio::of(f.window.get())->newRun();
        QPushButton* baseline = dialog->baselineButton();
        QComboBox* backbone = dialog->backboneBox();
        const TaskInfo task = f.task(QStringLiteral("expression"));
        for (const ClassCount& c : f.session()->catalogue().classCounts(task.id))
            dialog->setClassChecked(c.className, kClasses.contains(c.className));
        // From scratch, the baseline is the emotion model's: happiness, sadness and surprise map.
        QVERIFY(baseline->isEnabled());
        QVERIFY2(baseline->toolTip().contains(QStringLiteral("happiness, sadness, surprise")),
                 qPrintable(baseline->toolTip()));
        // faceres knows female and male only.
        backbone->setCurrentIndex(backbone->findData(QStringLiteral("faceres")));
        QVERIFY(!baseline->isEnabled());
        QVERIFY2(baseline->toolTip().contains(QStringLiteral("faceres model knows female, male")),
                 qPrintable(baseline->toolTip()));
        backbone->setCurrentIndex(backbone->findData(QStringLiteral("emotion")));
        QVERIFY(baseline->isEnabled());
        // A teacher must be installed and know every chosen class.
        QComboBox* teacher = dialog->teacherBox();
        auto teacherItem = [&](const QString& name) {
            return qobject_cast<QStandardItemModel*>(teacher->model())->item(teacher->findData(name));
        };
        QVERIFY(teacherItem(QStringLiteral("emotion"))->isEnabled());
        QVERIFY(!teacherItem(QStringLiteral("faceres"))->isEnabled()); // knows female and male
        QVERIFY2(teacherItem(QStringLiteral("faceres"))->toolTip().contains(QStringLiteral("not happiness, sadness, surprise")),
                 qPrintable(teacherItem(QStringLiteral("faceres"))->toolTip()));
        QVERIFY(!teacherItem(QStringLiteral("gender"))->isEnabled()); // not installed here
        QCOMPARE(dialog->config().distillFrom, QStringLiteral("auto")); // the default
        QVERIFY(dialog->config().auxiliaryClasses);
        QVERIFY2(teacherItem(QStringLiteral("auto"))->toolTip().contains(QStringLiteral("scores emotion on the validation")),
                 qPrintable(teacherItem(QStringLiteral("auto"))->toolTip()));
        teacher->setCurrentIndex(teacher->findData(QStringLiteral("emotion")));
        dialog->auxiliaryBox()->setChecked(false);
        QVERIFY(!dialog->config().auxiliaryClasses);
        dialog->auxiliaryBox()->setChecked(true);
        QCOMPARE(dialog->config().distillFrom, QStringLiteral("emotion"));
        QVERIFY(dialog->config().auxiliaryClasses);
        // Class biases only: offered for a model that knows every chosen class; gradient settings
        // then mean nothing and are disabled; faceres (female, male) cannot be calibrated to expressions.
        QComboBox* fit = dialog->fitBox();
        auto fitItem = [&] {
            return qobject_cast<QStandardItemModel*>(fit->model())->item(fit->findData(QStringLiteral("class_biases")));
        };
        QVERIFY(fit->isEnabled());
        QCOMPARE(dialog->config().backboneFit, QStringLiteral("fine_tune")); // the default
        QVERIFY(fitItem()->isEnabled());
        fit->setCurrentIndex(fit->findData(QStringLiteral("class_biases")));
        QCOMPARE(dialog->config().backboneFit, QStringLiteral("class_biases"));
        QVERIFY(!teacher->isEnabled() && !dialog->auxiliaryBox()->isEnabled());
        backbone->setCurrentIndex(backbone->findData(QStringLiteral("faceres")));
        QVERIFY(!fitItem()->isEnabled());
        QVERIFY2(fitItem()->toolTip().contains(QStringLiteral("not happiness, sadness, surprise")),
                 qPrintable(fitItem()->toolTip()));
        QCOMPARE(dialog->config().backboneFit, QStringLiteral("fine_tune"));
        QVERIFY(teacher->isEnabled() && dialog->auxiliaryBox()->isEnabled());
        // A linear head learns classes the model does not know: offered for faceres too, one pass.
        QStandardItem* linear =
            qobject_cast<QStandardItemModel*>(fit->model())->item(fit->findData(QStringLiteral("linear_head")));
        QVERIFY(linear->isEnabled());
        QVERIFY2(linear->toolTip().contains(QStringLiteral("cross-validation by identity")), qPrintable(linear->toolTip()));
        fit->setCurrentIndex(fit->findData(QStringLiteral("linear_head")));
        QCOMPARE(dialog->config().backboneFit, QStringLiteral("linear_head"));
        QVERIFY(!teacher->isEnabled() && !dialog->auxiliaryBox()->isEnabled());
        QVERIFY(dialog->timeLimitBox()->isEnabled()); // one-pass fits keep a time limit too
        dialog->timeLimitBox()->setValue(3);
        QCOMPARE(dialog->config().maxMinutes, 3.0);
        fit->setCurrentIndex(fit->findData(QStringLiteral("fine_tune")));
        QVERIFY(teacher->isEnabled() && dialog->auxiliaryBox()->isEnabled());
        backbone->setCurrentIndex(backbone->findData(QStringLiteral("none")));
        QVERIFY(!fit->isEnabled());
        QCOMPARE(dialog->config().backboneFit, QStringLiteral("fine_tune"));
        backbone->setCurrentIndex(backbone->findData(QStringLiteral("emotion")));
        // One known class is not a baseline; a second one chosen makes it one again.
        dialog->setClassChecked(QStringLiteral("sadness"), false);
        dialog->setClassChecked(QStringLiteral("surprise"), false);
        QVERIFY(!baseline->isEnabled());
        QVERIFY2(baseline->toolTip().contains(QStringLiteral("chosen: happiness")), qPrintable(baseline->toolTip()));
        dialog->setClassChecked(QStringLiteral("surprise"), true);
        QVERIFY(baseline->isEnabled());
        // A task the model knows nothing of.
        dialog->setTask(QStringLiteral("glasses"));
        QVERIFY(!dialog->selection().classes.isEmpty());
        QVERIFY(!baseline->isEnabled());
        // The emotion model cannot teach glasses: back to the automatic choice, which knows nothing will do.
        QCOMPARE(dialog->config().distillFrom, QStringLiteral("auto"));
        QVERIFY2(teacherItem(QStringLiteral("auto"))->toolTip().contains(QStringLiteral("No installed pretrained model knows")),
                 qPrintable(teacherItem(QStringLiteral("auto"))->toolTip()));
        dialog->close();

        // The next dialog repeats the latest run; a run that started from a model not installed here
        // (gender) comes back as a run from scratch at the scratch input, an installed one as itself.
        for (const QString& model : {QStringLiteral("gender"), QStringLiteral("faceres")}) {
            learning::TrainingConfig settings;
            settings.backbone = model;
            settings.imageSize = model == QLatin1String("faceres") ? 224 : 64;
            settings.grayscale = model != QLatin1String("faceres");
            QJsonObject json = settings.toJson();
            json["task"] = QStringLiteral("expression");
            json["classes"] = QJsonArray::fromStringList(kClasses);
            RunRecord run;
            run.taskId = task.id;
            run.name = model;
            run.status = QStringLiteral("finished");
            run.configJson = QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
            QVERIFY(f.session()->catalogue().createRun(run) > 0);
            TrainingDialog* again = TrainingStudio::of(f.window.get())->newRun();
            QCOMPARE(again->selection().classes, kClasses);
            if (model == QLatin1String("gender")) {
                QCOMPARE(again->config().backbone, QStringLiteral("none"));
                QCOMPARE(again->config().imageSize, learning::TrainingConfig().imageSize);
                QCOMPARE(again->config().grayscale, learning::TrainingConfig().grayscale);
            } else {
                QCOMPARE(again->config().backbone, QStringLiteral("faceres"));
                QCOMPARE(again->config().imageSize, 224);
                QVERIFY(!again->config().grayscale);
            }
            again->reject();
        }
    }

    void closingWhileTrainingCancelsThenInterruptedRunResumes()
    {
        test::StudioFixture f(catalogue_);
        TrainingStudio* studio = TrainingStudio::of(f.window.get());
        learning::DatasetSelection selection{QStringLiteral("expression"), kClasses, false};
        QSignalSpy epochs(studio->controller(), &TrainingController::epochDone);
        QVERIFY(studio->startRun(selection, tinyConfig(40), data_.filePath(QStringLiteral("closing"))));
        QVERIFY(epochs.wait(120000));

        // Saying no keeps the window open and the run going.
        int asked = 0;
        studio->setCloseConfirmation([&] { ++asked; return false; });
        QVERIFY(!f.window->close());
        QCOMPARE(asked, 1);
        QVERIFY(f.window->isVisible());
        QVERIFY(studio->controller()->isRunning());
        const qint64 runId = studio->controller()->runId();
        QCOMPARE(f.reopen().run(runId)->status, QStringLiteral("running"));

        // Saying yes cancels the run and records it, with its epochs, before the window goes.
        studio->setCloseConfirmation([&] { ++asked; return true; });
        QVERIFY(f.window->close());
        QCOMPARE(asked, 2);
        QVERIFY(!studio->controller()->isRunning());
        {
            Catalogue disk = f.reopen();
            QCOMPARE(disk.run(runId)->status, QStringLiteral("cancelled"));
            QVERIFY(disk.epochs(runId).size() >= epochs.size());
            QVERIFY(disk.epochs(runId).size() >= 1);
        }
        const int epochsBefore = static_cast<int>(f.reopen().epochs(runId).size());

        // A process that died mid-run leaves it "running": the next session shows it as interrupted.
        {
            Catalogue disk = f.reopen();
            RunRecord crashed = *disk.run(runId);
            crashed.status = QStringLiteral("running");
            disk.updateRun(crashed);
        }
        f.openWindow();
        studio = TrainingStudio::of(f.window.get());
        RunHistoryView* runs = studio->runs();
        QCOMPARE(runs->statusText(runId), QStringLiteral("interrupted"));
        studio->showRun(QStringLiteral("monitor"), runId);
        QVERIFY2(studio->monitor()->progressBar()->format().startsWith(QStringLiteral("interrupted")),
                 qPrintable(studio->monitor()->progressBar()->format()));
        QVERIFY(studio->monitor()->resumeButton()->isEnabled());
        QVERIFY(studio->monitor()->batchPoints() > 0); // kept from before the "crash"

        // ...and resumes it from the run history, as the same run.
        studio->showRun(QStringLiteral("runs"), runId);
        QVERIFY(runs->resumeButton()->isEnabled());
        QSignalSpy started(studio->controller(), &TrainingController::started);
        QSignalSpy more(studio->controller(), &TrainingController::epochDone);
        QSignalSpy finished(studio->controller(), &TrainingController::finished);
        QTest::mouseClick(runs->resumeButton(), Qt::LeftButton);
        QVERIFY(studio->controller()->isRunning());
        QCOMPARE(f.window->currentViewId(), QStringLiteral("monitor"));
        QVERIFY(started.wait(120000));
        QCOMPARE(started.first().at(0).toLongLong(), runId);
        QCOMPARE(runs->statusText(runId), QStringLiteral("running"));
        // The monitor continues the recorded curves.
        QCOMPARE(studio->monitor()->epochPoints(), epochsBefore);
        QVERIFY(more.wait(120000));
        studio->controller()->cancel();
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.last().at(0).toLongLong(), runId);
        QCOMPARE(finished.last().at(1).toString(), QStringLiteral("cancelled"));
        QVERIFY(f.reopen().epochs(runId).size() > epochsBefore);
        QCOMPARE(studio->monitor()->epochPoints(), static_cast<int>(f.reopen().epochs(runId).size()));
        QCOMPARE(runs->statusText(runId), QStringLiteral("cancelled"));
        runs->deleteRun(runId); // leaves the history of the other tests as it was
    }

private:
    QTemporaryDir data_;
    QString catalogue_;
};

QTEST_MAIN(TestTrainingUi)
#include "test_training_ui.moc"
