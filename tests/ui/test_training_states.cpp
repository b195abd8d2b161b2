// What the training views and the mining panel show when there is nothing, or nothing finished, to
// show: runs recorded straight into the catalogue (no training), so the test takes seconds. An
// interrupted or failed run is shown as what it is, never as zeros, and the evaluation opens on the
// latest finished run; a run is "running" only while a live process holds its work directory's
// lock; a figure within chance says so; empty views say what to do and their button does it; the
// mining panel hides the controls its mode does not use and stays narrow enough for a laptop.
#include "UiTestSupport.h"

#include "core/learning/CatalogueTraining.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/Metrics.h"
#include "ui/balance/QCustomPlotInclude.h"
#include "ui/mining/MiningPanel.h"
#include "ui/training/EvaluationView.h"
#include "ui/training/RunHistoryView.h"
#include "ui/training/TrainingDialog.h"
#include "ui/training/TrainingMonitor.h"
#include "ui/training/TrainingStudio.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTableWidget>

using namespace exemplar;
using namespace exemplar::ui;

namespace {

const QStringList kClasses{QStringLiteral("happiness"), QStringLiteral("sadness"), QStringLiteral("surprise"),
                           QStringLiteral("neutral")};

// `right` of every `perClass` faces per class predicted right, the others as the next class; the
// interval as given (the test decides where chance falls).
learning::Metrics metrics(int perClass, int right, double low, double high)
{
    std::vector<int> truth, predicted;
    for (int c = 0; c < kClasses.size(); ++c)
        for (int i = 0; i < perClass; ++i) {
            truth.push_back(c);
            predicted.push_back(i < right ? c : (c + 1) % int(kClasses.size()));
        }
    learning::Metrics m = learning::computeMetrics(truth, predicted, kClasses);
    m.balancedAccuracyInterval = learning::ScoreInterval{low, high, 0.95, 12, 1000};
    return m;
}

struct Runs {
    qint64 finished = 0;   // 0.875, clearly above chance
    qint64 chance = 0;     // 0.375, its interval includes chance (0.25)
    qint64 failed = 0;
    qint64 interrupted = 0; // newest: left "running" by a process that is gone
};

QString compact(const QJsonObject& o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }

qint64 addRun(Catalogue& c, const TaskInfo& task, const QString& name, const QString& status, const QString& workDir,
              const std::optional<learning::Metrics>& test, int epochs, const QString& error = {})
{
    QJsonObject config;
    config["epochs"] = 20;
    config["image_size"] = 48;
    config["work_dir"] = workDir;
    config["task"] = task.name;
    config["classes"] = QJsonArray::fromStringList(kClasses);
    QJsonArray classes;
    for (const QString& k : kClasses) classes.append(QJsonObject{{"name", k}, {"id", task.classByName(k)->id}});
    RunRecord run;
    run.taskId = task.id;
    run.name = name;
    run.status = status;
    run.startedAt = QDateTime::currentDateTimeUtc();
    run.configJson = compact(config);
    run.classesJson = QString::fromUtf8(QJsonDocument(classes).toJson(QJsonDocument::Compact));
    if (test) run.testMetricsJson = compact(test->toJson());
    run.error = error;
    const qint64 id = c.createRun(run);
    for (int e = 1; e <= epochs; ++e) {
        EpochRecord r;
        r.runId = id;
        r.epoch = e;
        r.valLoss = 1.0 / e;
        r.valMacroF1 = 0.2 + 0.05 * e;
        c.addEpoch(r);
    }
    return id;
}

// A TrainingDialog opened by the last click (the "New training run..." buttons open it).
TrainingDialog* openTrainingDialog(QWidget* window)
{
    for (TrainingDialog* d : window->findChildren<TrainingDialog*>())
        if (d->isVisible()) return d;
    return nullptr;
}

void closeTrainingDialogs(QWidget* window)
{
    for (TrainingDialog* d : window->findChildren<TrainingDialog*>()) d->reject();
    QApplication::processEvents();
}

} // namespace

class TestTrainingStates : public QObject {
    Q_OBJECT

    Runs addRuns(test::StudioFixture& f)
    {
        Catalogue& c = f.session()->catalogue();
        const TaskInfo task = f.task(QStringLiteral("expression"));
        Runs r;
        r.finished = addRun(c, task, QStringLiteral("good"), QStringLiteral("finished"), work_.filePath("good"),
                            metrics(8, 7, 0.70, 0.97), 20);
        r.chance = addRun(c, task, QStringLiteral("weak"), QStringLiteral("finished"), work_.filePath("weak"),
                          metrics(8, 3, 0.18, 0.52), 20);
        r.failed = addRun(c, task, QStringLiteral("broken"), QStringLiteral("failed"), work_.filePath("broken"), {}, 2,
                          QStringLiteral("out of memory."));
        r.interrupted = addRun(c, task, QStringLiteral("crashed"), QStringLiteral("running"), work_.filePath("crashed"),
                               {}, 3);
        return r;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(work_.isValid()); }

    // A "running" record is believed only while a live process holds the work directory's lock:
    // RunRecorder holds it from the start to the recorded end; a dead holder's lock is stale.
    void runningOnlyWhileTheLockIsHeld()
    {
        test::StudioFixture f(60);
        Catalogue& c = f.session()->catalogue();
        const QString workDir = work_.filePath(QStringLiteral("live"));
        const auto dataset = learning::trainingDataFromCatalogue(c, {QStringLiteral("expression"), {}, false});
        qint64 id = 0;
        {
            learning::RunRecorder recorder(c, dataset, learning::TrainingConfig{}, workDir);
            id = recorder.runId();
            QCOMPARE(c.run(id)->status, QStringLiteral("running"));
            QCOMPARE(learning::runState(*c.run(id)), learning::RunState::Running);
            QCOMPARE(displayStatus(*c.run(id), 0), QStringLiteral("running"));
            // A second trainer in the same folder is refused before it records anything.
            const int runs = int(c.runs().size());
            try {
                learning::RunRecorder second(c, dataset, learning::TrainingConfig{}, workDir, {}, false);
                QFAIL("a second recorder took a folder another one trains in");
            } catch (const Error& e) {
                QVERIFY2(e.message().contains(QStringLiteral("another process trains in this folder")), qPrintable(e.message()));
            }
            QCOMPARE(int(c.runs().size()), runs);
        }
        // The recorder went without recording an end (a crash): the run is interrupted, not running.
        QCOMPARE(c.run(id)->status, QStringLiteral("running"));
        QCOMPARE(learning::runState(*c.run(id)), learning::RunState::Interrupted);

        // A lock left by a process that died (killed, power cut) does not keep it "running".
        QProcess gone;
        qint64 deadPid = 0;
        connect(&gone, &QProcess::started, [&] { deadPid = gone.processId(); });
        gone.start(QStringLiteral("true"), {});
        QVERIFY(gone.waitForFinished(10000));
        QVERIFY(deadPid > 0);
        QFile lock(QDir(workDir).filePath(QStringLiteral("run.lock")));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QByteArray::number(deadPid) + "\ntrue\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        lock.close();
        QCOMPARE(learning::runState(*c.run(id)), learning::RunState::Interrupted);

        // Finishing records the end and lets the folder go.
        learning::RunRecorder again(c, dataset, learning::TrainingConfig{}, workDir, {}, false);
        learning::TrainingResult cancelled;
        cancelled.status = learning::TrainingStatus::Cancelled;
        again.finish(cancelled);
        QCOMPARE(learning::runState(*c.run(again.runId())), learning::RunState::Cancelled);
        QVERIFY(!QFile::exists(QDir(workDir).filePath(QStringLiteral("run.lock"))));
        learning::RunRecorder third(c, dataset, learning::TrainingConfig{}, workDir, {}, false); // not refused
        QCOMPARE(learning::runState(*c.run(third.runId())), learning::RunState::Running);
        // A later run training in the folder does not bring the crashed one back to life.
        QCOMPARE(learning::runState(*c.run(id)), learning::RunState::Interrupted);

        // A run that trains nothing in its folder (a zero-shot baseline in the shared model folder)
        // neither takes the lock nor is refused by it, and writes nothing there.
        const QString modelDir = work_.filePath(QStringLiteral("pretrained"));
        QVERIFY(QDir().mkpath(modelDir));
        {
            learning::RunRecorder first(c, dataset, learning::TrainingConfig{}, modelDir, {}, false,
                                        learning::RunRecorder::FolderLock::None);
            learning::RunRecorder second(c, dataset, learning::TrainingConfig{}, modelDir, {}, false,
                                         learning::RunRecorder::FolderLock::None);
            QVERIFY(first.runId() != second.runId());
            QCOMPARE(QDir(modelDir).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden), QStringList());
        }
    }

    void evaluationOpensOnLatestFinishedRunAndExplainsTheOthers()
    {
        test::StudioFixture f(60);
        const Runs r = addRuns(f);
        TrainingStudio* studio = TrainingStudio::of(f.window.get());
        EvaluationView* eval = studio->evaluation();
        eval->refreshRuns();
        QVERIFY(eval->showRun(0));
        // The newest runs are interrupted and failed; the newest finished one is opened.
        QCOMPARE(eval->runId(), r.chance);
        QVERIFY(eval->showsFigures());
        QVERIFY2(eval->headlineText().contains(QStringLiteral("accuracy <b>0.375</b>")), qPrintable(eval->headlineText()));

        // An interrupted run: its status and a sentence, no zeros, no matrix.
        QVERIFY(eval->showRun(r.interrupted));
        QVERIFY(!eval->showsFigures());
        QVERIFY2(eval->headlineText().contains(QStringLiteral("interrupted")), qPrintable(eval->headlineText()));
        QVERIFY(!eval->headlineText().contains(QStringLiteral("0.000")));
        const QString why = eval->emptyText();
        QVERIFY2(why.contains(QStringLiteral("Run %1 was interrupted after epoch 3 of 20").arg(r.interrupted)) &&
                     why.contains(QStringLiteral("no test figures")) && why.contains(QStringLiteral("train again")),
                 qPrintable(why));
        QCOMPARE(eval->matrixPlot()->plottableCount(), 0);
        QCOMPARE(eval->classTable()->rowCount(), 0);
        QVERIFY(!eval->exportButton()->isEnabled());
        QVERIFY(eval->chanceText().isEmpty());
        // No checkpoint in its folder: nothing to resume, training again is offered.
        QVERIFY(!eval->resumeButton()->isVisibleTo(eval));
        QVERIFY(eval->newRunButton()->isVisibleTo(eval));
        // The latest finished run is one click away.
        QVERIFY(eval->latestFinishedButton()->isVisibleTo(eval));
        QTest::mouseClick(eval->latestFinishedButton(), Qt::LeftButton);
        QCOMPARE(eval->runId(), r.chance);
        QVERIFY(eval->showsFigures());

        // A failed run says why it failed.
        QVERIFY(eval->showRun(r.failed));
        QVERIFY2(eval->emptyText().contains(QStringLiteral("failed after epoch 2 of 20: out of memory. It has no test figures")),
                 qPrintable(eval->emptyText()));

        // "New training run..." opens the dialog.
        QVERIFY(eval->showRun(r.interrupted));
        QTest::mouseClick(eval->newRunButton(), Qt::LeftButton);
        QVERIFY(openTrainingDialog(f.window.get()));
        closeTrainingDialogs(f.window.get());

        // The run list names what each run is.
        RunHistoryView* runs = studio->runs();
        runs->refresh();
        QCOMPARE(runs->statusText(r.interrupted), QStringLiteral("interrupted"));
        QCOMPARE(runs->statusText(r.failed), QStringLiteral("failed"));
        const int row = int(runs->runIds().indexOf(r.interrupted));
        for (int col = 8; col <= 10; ++col) QCOMPARE(runs->table()->item(row, col)->text(), QStringLiteral("\u2013"));

        // Comparing with an unfinished run: no difference, the reason instead.
        runs->compare(r.finished, r.interrupted);
        const QString text = runs->compareText();
        QVERIFY2(text.contains(QStringLiteral("#%1 has no test figures to compare: it was interrupted after epoch 3 of 20")
                                   .arg(r.interrupted)),
                 qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("\u2192 0.000")) && !text.contains(QStringLiteral("(-0.")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("#%1: accuracy 0.875").arg(r.finished)), qPrintable(text));
        // Two finished runs still compare figure by figure.
        runs->compare(r.finished, r.chance);
        QVERIFY2(runs->compareText().contains(QStringLiteral("accuracy 0.875 \u2192 0.375 (-0.500)")), qPrintable(runs->compareText()));
    }

    void figureWithinChanceIsSaid()
    {
        test::StudioFixture f(60);
        const Runs r = addRuns(f);
        TrainingStudio* studio = TrainingStudio::of(f.window.get());
        EvaluationView* eval = studio->evaluation();
        eval->refreshRuns();
        QVERIFY(eval->showRun(r.chance));
        QVERIFY2(eval->chanceText().contains(QStringLiteral("not above chance: the 95% interval 0.180-0.520 includes 0.250 "
                                                            "(1 of 4 classes)")),
                 qPrintable(eval->chanceText()));
        QVERIFY(eval->showRun(r.finished));
        QVERIFY(eval->chanceText().isEmpty());

        RunHistoryView* runs = studio->runs();
        runs->refresh();
        const auto balanced = [&](qint64 id) { return runs->table()->item(int(runs->runIds().indexOf(id)), 9); };
        QVERIFY2(balanced(r.chance)->text().contains(QStringLiteral("chance")), qPrintable(balanced(r.chance)->text()));
        QVERIFY(balanced(r.chance)->toolTip().startsWith(QStringLiteral("not above chance")));
        QCOMPARE(balanced(r.finished)->text(), QStringLiteral("0.875"));
    }

    // With no run at all: every view says what to do and its button does it.
    void emptyViewsOfferTheNextStep()
    {
        test::StudioFixture f(60);
        TrainingStudio* studio = TrainingStudio::of(f.window.get());
        EvaluationView* eval = studio->evaluation();
        QVERIFY(!eval->showRun(0));
        QVERIFY(!eval->showsFigures());
        QVERIFY2(eval->emptyText().startsWith(QStringLiteral("No training run yet.")), qPrintable(eval->emptyText()));
        QVERIFY(eval->headlineText().isEmpty());

        RunHistoryView* runs = studio->runs();
        QVERIFY2(runs->emptyText().startsWith(QStringLiteral("No training run yet.")), qPrintable(runs->emptyText()));
        TrainingMonitor* monitor = studio->monitor();
        QVERIFY2(monitor->emptyText().startsWith(QStringLiteral("No training run yet.")), qPrintable(monitor->emptyText()));

        f.window->showView(QStringLiteral("evaluation"));
        for (QPushButton* button : {eval->newRunButton(), runs->newRunButton(), monitor->emptyNewRunButton()}) {
            QCOMPARE(button->text(), QStringLiteral("New training run..."));
            QVERIFY(!openTrainingDialog(f.window.get()));
            button->click();
            QVERIFY2(openTrainingDialog(f.window.get()), qPrintable(button->parentWidget()->objectName()));
            closeTrainingDialogs(f.window.get());
        }

        // Once a run is recorded the runs view lists it.
        const qint64 first = addRun(f.session()->catalogue(), f.task(QStringLiteral("expression")), QStringLiteral("first"),
                                    QStringLiteral("finished"), work_.filePath(QStringLiteral("first")),
                                    metrics(8, 7, 0.7, 0.97), 20);
        runs->refresh();
        QVERIFY(runs->emptyText().isEmpty());
        QCOMPARE(runs->runIds().size(), 1);

        // A run that failed before its first epoch has no curve to draw: the monitor says why, not empty axes.
        const qint64 failed = addRun(f.session()->catalogue(), f.task(QStringLiteral("expression")), QStringLiteral("failed"),
                                     QStringLiteral("failed"), work_.filePath(QStringLiteral("failed")), {}, 0,
                                     QStringLiteral("cannot read a.jpg: not an image"));
        monitor->showRun(failed);
        QVERIFY2(monitor->emptyText().contains(QStringLiteral("failed before its first epoch: cannot read a.jpg: not an image")),
                 qPrintable(monitor->emptyText()));
        monitor->showRun(first);
        QVERIFY(monitor->emptyText().isEmpty());
        QCOMPARE(monitor->epochPoints(), 20);
    }

    void miningPanelWithoutModelOrScores()
    {
        test::StudioFixture f(60);
        MiningPanel* panel = miningPanelOf(f.window.get());
        QVERIFY(panel);
        panel->parentWidget()->show();
        panel->setView(MiningView::Likely);

        // No model: scoring is disabled and says why; the next step is training one.
        QVERIFY(!panel->scoreButton()->isEnabled());
        QVERIFY2(panel->scoreButton()->toolTip().contains(QStringLiteral("No model yet")), qPrintable(panel->scoreButton()->toolTip()));
        QVERIFY(!panel->scoreAction()->isEnabled());
        QVERIFY2(panel->hintText().contains(QStringLiteral("No model to rank the faces with yet")), qPrintable(panel->hintText()));
        QCOMPARE(panel->hintButton()->text(), QStringLiteral("New training run..."));
        QVERIFY(panel->results()->isHidden() || !panel->results()->isVisibleTo(panel));
        panel->hintButton()->click();
        QVERIFY(openTrainingDialog(f.window.get()));
        closeTrainingDialogs(f.window.get());

        // A finished run with a model on disk, never used to score: the next step is scoring.
        const QString modelDir = work_.filePath(QStringLiteral("model"));
        QVERIFY(QDir().mkpath(modelDir));
        QFile sidecar(QDir(modelDir).filePath(QString::fromLatin1(learning::ExportedModel::kSidecarFile)));
        QVERIFY(sidecar.open(QIODevice::WriteOnly));
        sidecar.write("{}");
        sidecar.close();
        Catalogue& c = f.session()->catalogue();
        const qint64 runId = addRun(c, f.task(QStringLiteral("expression")), QStringLiteral("with model"),
                                    QStringLiteral("finished"), work_.filePath(QStringLiteral("with-model")),
                                    metrics(8, 7, 0.7, 0.97), 20);
        RunRecord run = *c.run(runId);
        run.modelPath = modelDir;
        c.updateRun(run);
        Q_EMIT TrainingStudio::of(f.window.get())->runs()->runsChanged(); // as after a run finished
        QVERIFY(panel->scoreButton()->isEnabled());
        QVERIFY(panel->scoreAction()->isEnabled());
        QVERIFY2(panel->hintText().contains(QStringLiteral("not scored yet")), qPrintable(panel->hintText()));
        QCOMPARE(panel->hintButton()->text(), QStringLiteral("Score"));
        // It scores (this model file is a stand-in: the scoring then fails, saying so).
        QSignalSpy scored(panel, &MiningPanel::scored);
        panel->hintButton()->click();
        QVERIFY(panel->isBusy());
        QVERIFY(scored.wait(30000));
        QCOMPARE(scored.first().at(0).toLongLong(), 0);
        QVERIFY(!panel->status().isEmpty());

        // Reviewing labels starts with cross-validation.
        panel->setView(MiningView::Disputed);
        QCOMPARE(panel->hintButton()->text(), QStringLiteral("Cross-validate labels"));
    }

    void miningControlsFollowTheModeAndFitALaptop()
    {
        test::StudioFixture f(60);
        MiningPanel* panel = miningPanelOf(f.window.get());
        panel->parentWidget()->show();
        auto* cls = panel->findChild<QComboBox*>(QStringLiteral("miningClass"));
        auto* unlabelled = panel->findChild<QCheckBox*>(QStringLiteral("miningUnlabelledOnly"));
        auto* scoreRow = panel->findChild<QWidget*>(QStringLiteral("miningScoreRow"));
        auto* crossValidation = panel->findChild<QWidget*>(QStringLiteral("miningCrossValidation"));
        QVERIFY(cls && unlabelled && scoreRow && crossValidation);
        struct Expect {
            MiningView view;
            bool cls, unlabelled, score, crossValidation;
        };
        for (const Expect& e : {Expect{MiningView::Likely, true, true, true, false},
                                Expect{MiningView::Uncertain, false, true, true, false},
                                Expect{MiningView::Different, false, true, true, false},
                                Expect{MiningView::NearDuplicates, false, false, true, false},
                                Expect{MiningView::Disputed, false, false, false, true}}) {
            panel->setView(e.view);
            QCOMPARE(cls->isVisibleTo(panel), e.cls);
            QCOMPARE(unlabelled->isVisibleTo(panel), e.unlabelled);
            QCOMPARE(scoreRow->isVisibleTo(panel), e.score);
            QCOMPARE(crossValidation->isVisibleTo(panel), e.crossValidation);
        }
        // The epochs are those of the quick network only.
        QWidget* epochs = panel->findChild<QWidget*>(QStringLiteral("miningEpochs"));
        QVERIFY(epochs);
        panel->foldModelsBox()->setCurrentIndex(panel->foldModelsBox()->findData(QStringLiteral("quick")));
        QVERIFY(epochs->isVisibleTo(panel));
        panel->foldModelsBox()->setCurrentIndex(panel->foldModelsBox()->findData(QStringLiteral("latest")));
        QVERIFY(!epochs->isVisibleTo(panel));
        panel->foldModelsBox()->setCurrentIndex(panel->foldModelsBox()->findData(QStringLiteral("quick")));

        // Beside the gallery on a 1366 px laptop screen: whatever the mode, the dock asks at most
        // 300 px (22%), leaving the filters (about 220 px), a gallery of two thumbnail columns and
        // the preview the rest of the width.
        for (MiningView v : {MiningView::Likely, MiningView::Uncertain, MiningView::NearDuplicates, MiningView::Disputed}) {
            panel->setView(v);
            QVERIFY2(panel->minimumSizeHint().width() <= 300, qPrintable(QString::number(panel->minimumSizeHint().width())));
        }
        qInfo("mining panel %d px, window %d px at least", panel->minimumSizeHint().width(),
              f.window->minimumSizeHint().width());
    }

private:
    QTemporaryDir work_;
};

QTEST_MAIN(TestTrainingStates)
#include "test_training_states.moc"
