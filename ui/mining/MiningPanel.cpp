#include "ui/mining/MiningPanel.h"

#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "ui/MainWindow.h"
#include "ui/curation/CurationSession.h"
#include "ui/curation/CurationView.h"
#include "ui/gallery/GalleryModel.h"
#include "ui/gallery/GalleryView.h"
#include "core/catalogue/ScoreStore.h"
#include "ui/training/RunHistoryView.h"
#include "ui/training/TrainingController.h"
#include "ui/training/TrainingStudio.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QAction>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace exemplar::ui {

using namespace exemplar::learning;

namespace {

struct ViewName {
    MiningView view;
    const char* name;
    const char* title;
};
constexpr ViewName kViews[] = {
    {MiningView::Likely, "likely", "Most likely class"},
    {MiningView::Uncertain, "uncertain", "Most uncertain"},
    {MiningView::Different, "different", "Most different from labelled"},
    {MiningView::NearDuplicates, "near", "Near-duplicates of current face"},
    {MiningView::Disputed, "review", "Review labels (disputed)"},
};

enum Column { FileColumn, LabelColumn, ModelColumn, ScoreColumn };

} // namespace

std::optional<MiningView> MiningPanel::viewFromName(const QString& name)
{
    for (const auto& v : kViews)
        if (name == QLatin1String(v.name)) return v.view;
    return std::nullopt;
}

MiningPanel::MiningPanel(MainWindow* window, QWidget* parent) : QWidget(parent), window_(window)
{
    setObjectName(QStringLiteral("miningPanel"));
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    mode_ = new QComboBox;
    for (const auto& v : kViews) mode_->addItem(tr(v.title), int(v.view));
    // Long entries are elided in the closed box (whole in its list): the dock stays narrow
    // enough to leave the gallery most of a laptop screen.
    mode_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    mode_->setMinimumContentsLength(14);
    class_ = new QComboBox;
    class_->setObjectName(QStringLiteral("miningClass"));
    class_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    class_->setMinimumContentsLength(10);
    unlabelledOnly_ = new QCheckBox(tr("Unlabelled faces only"));
    unlabelledOnly_->setObjectName(QStringLiteral("miningUnlabelledOnly"));
    unlabelledOnly_->setChecked(true);
    top_ = new QSpinBox;
    top_->setRange(10, 5000);
    top_->setSingleStep(50);
    top_->setValue(200);
    show_ = new QPushButton(tr("Show in gallery"));
    show_->setDefault(true);
    score_ = new QPushButton(tr("Score with latest model"));
    scoreAction_ = new QAction(tr("&Score with latest model"), this);
    folds_ = new QSpinBox;
    folds_->setRange(2, 10);
    folds_->setValue(5);
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 100);
    epochs_->setValue(8);
    foldModels_ = new QComboBox;
    foldModels_->addItem(tr("Quick network"), QStringLiteral("quick"));
    foldModels_->addItem(tr("Latest run's settings"), QStringLiteral("latest"));
    foldModels_->addItem(tr("face-api + emotion models' class biases"), QStringLiteral("faceapi+emotion"));
    foldModels_->addItem(tr("face-api expression model's class biases"), QStringLiteral("faceapi"));
    foldModels_->addItem(tr("Emotion model's class biases"), QStringLiteral("emotion"));
    foldModels_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    foldModels_->setMinimumContentsLength(14);
    foldModels_->setToolTip(tr("The models cross-validation trains, one per fold: a quick network from scratch "
                               "(the epochs beside it); the classes and settings of the task's latest finished "
                               "run (its figures are then those of that setup); or an installed expression model "
                               "(face-api's and the emotion model averaged, face-api's, or the emotion model) with one "
                               "bias per class fitted in each fold where "
                               "that beats the model as it is, on the classes it knows (it scores each face once for "
                               "all folds: faces-dev's 2,757 faces of four classes took 1.5 minutes, against 5 for "
                               "the quick network, with a balanced accuracy of 0.80 for face-api's, 0.77 for the "
                               "emotion model's, against 0.64; on six classes the two averaged score 0.57, face-api's "
                               "0.54, in twice the time)."));
    crossValidate_ = new QPushButton(tr("Cross-validate labels"));
    retrain_ = new QPushButton(tr("Retrain and rescore"));
    progress_ = new QProgressBar;
    progress_->setTextVisible(true);
    cancel_ = new QPushButton(tr("Cancel"));
    status_ = new QLabel;
    status_->setWordWrap(true);
    results_ = new QTreeWidget;
    results_->setObjectName(QStringLiteral("miningResults"));
    explanation_ = new QLabel;
    explanation_->setObjectName(QStringLiteral("miningExplanation"));
    explanation_->setWordWrap(true);
    explanation_->setForegroundRole(QPalette::PlaceholderText);
    results_->setHeaderLabels({tr("Face"), tr("Label"), tr("Model says"), tr("Score")});
    results_->setRootIsDecorated(false);
    results_->setUniformRowHeights(true);
    // File names share long prefixes (person_0001.jpg): the end tells the faces apart.
    results_->setTextElideMode(Qt::ElideMiddle);
    results_->header()->setSectionResizeMode(FileColumn, QHeaderView::Stretch);
    for (int c : {LabelColumn, ScoreColumn})
        results_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    // The model's class and probability ("happiness 87%") at a fixed width, elided if longer: in
    // a narrow dock the file name and the score still show beside it. The user can widen it.
    results_->header()->setSectionResizeMode(ModelColumn, QHeaderView::Interactive);
    results_->header()->setStretchLastSection(false);
    results_->header()->resizeSection(ModelColumn, 15 * results_->fontMetrics().averageCharWidth());

    hint_ = new QLabel;
    hint_->setObjectName(QStringLiteral("miningHint"));
    hint_->setWordWrap(true);
    hint_->setAlignment(Qt::AlignCenter);
    hintButton_ = new QPushButton;

    auto* find = new QGroupBox(tr("Find"));
    findForm_ = new QFormLayout(find);
    findForm_->setRowWrapPolicy(QFormLayout::WrapLongRows);
    findForm_->addRow(tr("Mode"), mode_);
    findForm_->addRow(tr("Class"), class_);
    findForm_->addRow(unlabelledOnly_);
    findForm_->addRow(tr("Show"), top_);
    findForm_->addRow(explanation_);
    findForm_->addRow(show_);

    // Only the controls of the chosen mode show (updateEnabled): scoring for the rankings of model
    // scores, cross-validation for reviewing labels.
    auto* model = new QGroupBox(tr("Model"));
    auto* modelLayout = new QVBoxLayout(model);
    modelLayout->addWidget(summary_);
    scoreRow_ = new QWidget;
    scoreRow_->setObjectName(QStringLiteral("miningScoreRow"));
    // One above the other: side by side they would set the dock's width.
    auto* row = new QVBoxLayout(scoreRow_);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(score_);
    row->addWidget(retrain_);
    modelLayout->addWidget(scoreRow_);
    crossValidation_ = new QWidget;
    crossValidation_->setObjectName(QStringLiteral("miningCrossValidation"));
    auto* cv = new QGridLayout(crossValidation_);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->addWidget(new QLabel(tr("Folds")), 0, 0);
    cv->addWidget(folds_, 0, 1);
    epochsBox_ = new QWidget;
    epochsBox_->setObjectName(QStringLiteral("miningEpochs"));
    auto* epochs = new QHBoxLayout(epochsBox_);
    epochs->setContentsMargins(0, 0, 0, 0);
    epochs->addWidget(new QLabel(tr("Epochs")));
    epochs->addWidget(epochs_);
    cv->addWidget(epochsBox_, 0, 2);
    cv->addWidget(new QLabel(tr("Models")), 1, 0);
    cv->addWidget(foldModels_, 1, 1, 1, 2);
    cv->addWidget(crossValidate_, 2, 0, 1, 3);
    cv->setColumnStretch(2, 1);
    modelLayout->addWidget(crossValidation_);

    auto* busy = new QHBoxLayout;
    busy->addWidget(progress_, 1);
    busy->addWidget(cancel_);
    auto* hintPage = new QWidget;
    auto* hintLayout = new QVBoxLayout(hintPage);
    hintLayout->addStretch(1);
    hintLayout->addWidget(hint_);
    hintLayout->addWidget(hintButton_, 0, Qt::AlignHCenter);
    hintLayout->addStretch(2);
    resultPages_ = new QStackedWidget;
    resultPages_->addWidget(results_);
    resultPages_->addWidget(hintPage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(model);
    layout->addWidget(find);
    layout->addLayout(busy);
    layout->addWidget(status_);
    layout->addWidget(resultPages_, 1);

    CurationSession* session = window_->session();
    connect(session, &CurationSession::opened, this, [this] {
        results_->clear();
        refreshTaskDependent();
    });
    connect(session, &CurationSession::activeTaskChanged, this, &MiningPanel::refreshTaskDependent);
    connect(session, &CurationSession::tasksChanged, this, &MiningPanel::refreshTaskDependent);
    connect(session, &CurationSession::labelsChanged, this, &MiningPanel::refreshLabelColumn);
    connect(mode_, &QComboBox::currentIndexChanged, this, &MiningPanel::updateEnabled);
    connect(foldModels_, &QComboBox::currentIndexChanged, this, &MiningPanel::updateEnabled);
    connect(class_, &QComboBox::currentIndexChanged, this, &MiningPanel::updateExplanation);
    connect(show_, &QPushButton::clicked, this, &MiningPanel::showCandidates);
    connect(score_, &QPushButton::clicked, this, &MiningPanel::scoreWithLatestModel);
    connect(crossValidate_, &QPushButton::clicked, this, &MiningPanel::crossValidate);
    connect(retrain_, &QPushButton::clicked, this, &MiningPanel::retrainAndRescore);
    connect(cancel_, &QPushButton::clicked, this, &MiningPanel::cancel);
    connect(hintButton_, &QPushButton::clicked, this, &MiningPanel::doNext);
    connect(results_, &QTreeWidget::currentItemChanged, this, &MiningPanel::onResultActivated);
    connect(this, &MiningPanel::scored, this, [this](qint64 id) {
        if (id) showCandidates();
    });
    if (TrainingStudio* training = TrainingStudio::of(window_)) {
        connect(training->controller(), &TrainingController::finished, this,
                [this](qint64 runId, const QString& status, const QString& error) {
                    if (!rescoreAfterTraining_ || runId != trainingRun_) return;
                    rescoreAfterTraining_ = false;
                    if (status != QLatin1String("finished")) {
                        setIdle(tr("Retraining ended: %1 %2").arg(status, error));
                        return;
                    }
                    window_->showView(QStringLiteral("gallery"));
                    scoreWithLatestModel();
                });
        connect(training->controller(), &TrainingController::started, this, [this](qint64 runId) {
            if (rescoreAfterTraining_) trainingRun_ = runId;
        });
        // A finished or deleted run may give or take away the model to score with.
        connect(training->controller(), &TrainingController::finished, this, [this] {
            refreshSummary();
            updateEnabled();
        });
        connect(training->runs(), &RunHistoryView::runsChanged, this, [this] {
            refreshSummary();
            updateEnabled();
        });
    }
    refreshTaskDependent();
    setIdle({});
}

MiningPanel::~MiningPanel()
{
    if (cancelFlag_) cancelFlag_->cancel();
    worker_.waitForFinished();
    query_.waitForFinished();
}

QSize MiningPanel::sizeHint() const
{
    const QSize hint = QWidget::sizeHint();
    return {std::max(hint.width(), 52 * fontMetrics().averageCharWidth()), hint.height()};
}

std::optional<qint64> MiningPanel::activeTaskId() const
{
    const auto task = window_->session()->activeTask();
    return task ? std::optional<qint64>(task->id) : std::nullopt;
}

void MiningPanel::setView(MiningView view, const QString& className)
{
    mode_->setCurrentIndex(mode_->findData(int(view)));
    if (!className.isEmpty()) class_->setCurrentIndex(class_->findText(className));
    updateEnabled();
}

MiningView MiningPanel::view() const { return MiningView(mode_->currentData().toInt()); }

bool MiningPanel::isBusy() const { return busy_ || querying_; }

QString MiningPanel::status() const { return status_->text(); }

void MiningPanel::refreshTaskDependent()
{
    const QString previous = class_->currentText();
    class_->clear();
    for (const ClassInfo& c : window_->session()->assignableClasses()) class_->addItem(c.name, c.id);
    if (const int i = class_->findText(previous); i >= 0) class_->setCurrentIndex(i);
    refreshSummary();
    updateEnabled();
}

void MiningPanel::refreshSummary()
{
    const auto task = activeTaskId();
    const bool open = task && window_->session()->isOpen();
    modelRun_.reset();
    scored_ = crossValidated_ = false;
    noModel_ = open ? QString() : tr("Open a catalogue and choose a task first.");
    if (open) {
        const Catalogue& catalogue = window_->session()->catalogue();
        try {
            modelRun_ = latestModel(catalogue, *task).runId;
        } catch (const std::exception&) {
            noModel_ = tr("No model yet: train one for '%1' first.").arg(window_->session()->activeTask()->name);
        }
        try {
            const ScoreStore store(catalogue);
            scored_ = store.latest(*task, ScoreStore::kModelKind).has_value();
            crossValidated_ = store.latest(*task, ScoreStore::kOutOfFoldKind).has_value();
        } catch (const std::exception&) {
            // The summary below says what is wrong with the stored scores.
        }
    }
    if (!open) {
        scoresSummary_ = reviewSummary_ = tr("No task");
        return;
    }
    scoresSummary_ = scoringSummary(window_->session()->catalogue(), *task, ScoringKind::Model);
    if (!modelRun_) scoresSummary_ += QStringLiteral(". ") + noModel_;
    reviewSummary_ = scoringSummary(window_->session()->catalogue(), *task, ScoringKind::CrossValidation);
}

void MiningPanel::updateEnabled()
{
    const bool open = window_->session()->isOpen() && activeTaskId();
    const MiningView v = view();
    const bool review = v == MiningView::Disputed;
    findForm_->setRowVisible(class_, v == MiningView::Likely);
    findForm_->setRowVisible(unlabelledOnly_,
                             v == MiningView::Likely || v == MiningView::Uncertain || v == MiningView::Different);
    scoreRow_->setVisible(!review);
    crossValidation_->setVisible(review);
    // What the chosen mode ranks: the model's scores, or the cross-validation's.
    summary_->setText(review ? reviewSummary_ : scoresSummary_);
    epochsBox_->setVisible(foldModels_->currentData().toString() == QLatin1String("quick"));
    for (QWidget* w : std::initializer_list<QWidget*>{show_, crossValidate_, mode_, foldModels_})
        w->setEnabled(open && !busy_);
    // Scoring and retraining need a model (retraining repeats its run): disabled, saying why, until one exists.
    score_->setEnabled(open && !busy_ && modelRun_.has_value());
    retrain_->setEnabled(open && !busy_ && modelRun_.has_value());
    score_->setToolTip(modelRun_ ? tr("Score every face of the task with run %1's model.").arg(*modelRun_)
                                 : noModel_ + tr(" (Training > New training run...)"));
    scoreAction_->setEnabled(score_->isEnabled());
    scoreAction_->setToolTip(score_->toolTip());
    retrain_->setToolTip(modelRun_ ? tr("Train again with the latest run's settings on the current labels, then rescore.")
                                   : noModel_);
    epochs_->setEnabled(open && !busy_);
    cancel_->setEnabled(busy_);
    progress_->setVisible(busy_);
    cancel_->setVisible(busy_);
    updateExplanation();
    updateHint();
}

QString MiningPanel::hintText() const { return resultPages_->currentIndex() == 1 ? hint_->text() : QString(); }

void MiningPanel::updateHint()
{
    const bool open = window_->session()->isOpen() && activeTaskId();
    const bool review = view() == MiningView::Disputed;
    QString text;
    if (!open) {
        next_ = Next::Nothing;
        text = tr("Open a catalogue and choose a task: its faces are ranked here for labelling.");
    } else if (review && !crossValidated_) {
        next_ = Next::CrossValidate;
        text = tr("The labels are not cross-validated yet. Cross-validation trains a model per fold on the other "
                  "people's faces and lists the labels those models dispute.");
    } else if (!review && !modelRun_ && !scored_) {
        next_ = Next::Train;
        text = tr("No model to rank the faces with yet. Train one on the labelled faces, then score the faces with it.");
    } else if (!review && !scored_) {
        next_ = Next::Score;
        text = tr("The faces are not scored yet. Score them with run %1's model to rank them here.").arg(*modelRun_);
    } else {
        next_ = Next::Show;
        text = tr("Rank the faces with the settings above: the candidates are listed here and shown in the gallery.");
    }
    hint_->setText(text);
    switch (next_) {
    case Next::Nothing: break;
    case Next::Train: hintButton_->setText(tr("New training run...")); break;
    case Next::Score: hintButton_->setText(tr("Score")); break;
    case Next::CrossValidate: hintButton_->setText(tr("Cross-validate labels")); break;
    case Next::Show: hintButton_->setText(tr("Show in gallery")); break;
    }
    hintButton_->setVisible(next_ != Next::Nothing);
    hintButton_->setEnabled(!busy_ && !(next_ == Next::Train && !TrainingStudio::of(window_)));
    resultPages_->setCurrentIndex(results_->topLevelItemCount() > 0 ? 0 : 1);
}

void MiningPanel::doNext()
{
    switch (next_) {
    case Next::Nothing: break;
    case Next::Train:
        if (TrainingStudio* training = TrainingStudio::of(window_)) training->newRun();
        break;
    case Next::Score: scoreWithLatestModel(); break;
    case Next::CrossValidate: crossValidate(); break;
    case Next::Show: showCandidates(); break;
    }
}

// A bare number beside a face means nothing to a curator: say what the score measures, what its
// range is, and which end the list starts from.
QString MiningPanel::scoreName(MiningView view, const QString& className)
{
    switch (view) {
    case MiningView::Likely: return className.isEmpty() ? tr("p(class)") : tr("p(%1)").arg(className);
    case MiningView::Uncertain: return tr("margin");
    case MiningView::Different:
    case MiningView::NearDuplicates: return tr("distance");
    case MiningView::Disputed: return tr("1 − p(label)");
    }
    return tr("Score");
}

QString MiningPanel::scoreExplanation(MiningView view, const QString& className)
{
    const QString k = className.isEmpty() ? tr("the class") : className;
    switch (view) {
    case MiningView::Likely:
        return tr("Score: the model's probability that the face shows %1 (0–1), highest first.").arg(k);
    case MiningView::Uncertain:
        return tr("Score: gap between the model's two most probable classes (0 = torn between them), smallest "
                  "first. Labelling these teaches the model most.");
    case MiningView::Different:
        return tr("Score: mean distance in the model's feature space to the 5 nearest labelled faces (0 = like a "
                  "labelled face, 2 = opposite), largest first: unusual poses, people, lighting, non-faces.");
    case MiningView::NearDuplicates:
        return tr("Score: distance in the model's feature space to the selected face (first row; 0 = the model "
                  "cannot tell them apart), nearest first.");
    case MiningView::Disputed:
        return tr("Score: 1 − p(label) from a model that never saw this person (cross-validation), highest "
                  "first: near 1, the model is sure the label is wrong.");
    }
    return {};
}

void MiningPanel::updateExplanation()
{
    const QString k = class_->currentText();
    explanation_->setText(scoreExplanation(view(), k));
    if (!results_->topLevelItemCount()) results_->headerItem()->setText(ScoreColumn, scoreName(view(), k));
}

void MiningPanel::setBusy(const QString& what)
{
    busy_ = true;
    progress_->setRange(0, 0);
    progress_->setFormat(what + QStringLiteral(" %p%"));
    status_->setText(what + QStringLiteral("…"));
    updateEnabled();
}

void MiningPanel::setIdle(const QString& message)
{
    busy_ = false;
    status_->setText(message);
    refreshSummary();
    updateEnabled();
}

void MiningPanel::cancel()
{
    if (cancelFlag_) cancelFlag_->cancel();
    if (TrainingStudio* training = TrainingStudio::of(window_); training && rescoreAfterTraining_) {
        rescoreAfterTraining_ = false;
        training->controller()->cancel();
    }
}

void MiningPanel::showCandidates()
{
    const auto task = activeTaskId();
    if (!task || !window_->session()->isOpen() || querying_) return;
    MiningRequest request;
    request.cataloguePath = window_->session()->path();
    request.taskId = *task;
    request.view = view();
    request.className = class_->currentText();
    request.unlabelledOnly = unlabelledOnly_->isChecked();
    request.top = top_->value();
    if (request.view == MiningView::NearDuplicates) {
        const QVector<qint64> current = window_->curationView()->targetImageIds();
        if (current.isEmpty()) {
            status_->setText(tr("Select a face first: its near-duplicates are listed."));
            Q_EMIT candidatesShown(0);
            return;
        }
        request.imageId = current.front();
    }
    querying_ = true;
    status_->setText(tr("Ranking…"));
    // The ranking reads every score and may compare thousands of embeddings: not on this thread.
    query_ = QtConcurrent::run([this, request] {
        const MiningResult result = runMiningQuery(request);
        QMetaObject::invokeMethod(this, [this, result] { onQueryDone(result); }, Qt::QueuedConnection);
    });
}

void MiningPanel::onQueryDone(const MiningResult& result)
{
    querying_ = false;
    results_->clear();
    if (!result.error.isEmpty()) {
        // Nothing scored (or cross-validated) to rank: the hint below the controls says what to do.
        const bool nothingToRank = result.view == MiningView::Disputed ? !crossValidated_ : !scored_;
        status_->setText(nothingToRank ? QString() : result.error);
        updateHint();
        Q_EMIT candidatesShown(0);
        return;
    }
    QVector<qint64> ids;
    QList<QTreeWidgetItem*> items;
    for (const MiningRow& r : result.rows) {
        const bool anchor = result.view == MiningView::NearDuplicates && items.isEmpty(); // the face itself
        auto* item = new QTreeWidgetItem(
            {r.fileName, r.label.isEmpty() ? QStringLiteral("–") : r.label,
             r.modelClass.isEmpty() ? QString()
                                    : tr("%1 %2%").arg(r.modelClass).arg(qRound(r.probability * 100)),
             // Three decimals: the most uncertain margins are all 0.00 at two.
             anchor ? tr("selected") : QString::number(r.score, 'f', 3)});
        item->setData(FileColumn, Qt::UserRole, r.imageId);
        item->setToolTip(FileColumn, r.fileName);
        item->setToolTip(ScoreColumn, explanation_->text());
        item->setTextAlignment(ScoreColumn, Qt::AlignRight);
        if (!r.label.isEmpty() && !r.modelClass.isEmpty() && r.label != r.modelClass)
            item->setForeground(ModelColumn, QColor(200, 60, 40));
        items << item;
        ids << r.imageId;
    }
    results_->headerItem()->setText(ScoreColumn, scoreName(result.view, result.className));
    results_->addTopLevelItems(items);
    updateHint();
    window_->curationView()->showImageList(ids, result.caption);
    window_->showView(QStringLiteral("gallery"));
    status_->setText(tr("%1: %2 faces. Label them with the digit keys; the list stays.").arg(result.caption).arg(ids.size()));
    Q_EMIT candidatesShown(int(ids.size()));
}

void MiningPanel::onResultActivated()
{
    const QTreeWidgetItem* item = results_->currentItem();
    if (!item) return;
    CurationView* view = window_->curationView();
    const int row = view->model()->rowOf(item->data(FileColumn, Qt::UserRole).toLongLong());
    if (row >= 0) view->gallery()->selectRow(row);
}

void MiningPanel::refreshLabelColumn(const QVector<qint64>& imageIds)
{
    const auto task = window_->session()->activeTask();
    if (!task) return;
    const QSet<qint64> changed(imageIds.cbegin(), imageIds.cend());
    for (int i = 0; i < results_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = results_->topLevelItem(i);
        const qint64 id = item->data(FileColumn, Qt::UserRole).toLongLong();
        if (!changed.isEmpty() && !changed.contains(id)) continue;
        const auto label = window_->session()->label(id, task->id);
        item->setText(LabelColumn, label && label->classId ? window_->session()->className(task->id, *label->classId)
                                                          : QStringLiteral("–"));
    }
}

void MiningPanel::scoreWithLatestModel()
{
    const auto task = window_->session()->activeTask();
    if (!task || busy_) return;
    setBusy(tr("Scoring"));
    cancelFlag_ = std::make_shared<CancelFlag>();
    const auto flag = cancelFlag_;
    const QString path = window_->session()->path();
    const QString taskName = task->name;
    worker_ = QtConcurrent::run([this, flag, path, taskName] {
        qint64 id = 0;
        QString message;
        try {
            Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            ScoringRequest request;
            request.task = taskName;
            // Leave a core to the GUI and the thumbnail loader.
            request.threads = std::max(1, QThread::idealThreadCount() - 1);
            const ScoringOutcome out = scoreCatalogue(catalogue, request, flag.get(), [this](int done, int total) {
                QMetaObject::invokeMethod(this, [this, done, total] {
                    progress_->setRange(0, total);
                    progress_->setValue(done);
                }, Qt::QueuedConnection);
            });
            id = out.scoringId;
            message = out.cancelled ? tr("Scoring cancelled; the previous scores stay.")
                                    : tr("Scored %1 faces%2.").arg(out.scored).arg(
                                          out.embeddings ? QString() : tr(" (old model without embeddings: similarity uses probabilities)"));
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, id, message] {
            setIdle(message);
            Q_EMIT scored(id);
        }, Qt::QueuedConnection);
    });
}

void MiningPanel::crossValidate()
{
    const auto task = window_->session()->activeTask();
    if (!task || busy_) return;
    OutOfFoldRequest request;
    request.selection.task = task->name;
    request.folds = folds_->value();
    const QString foldModels = foldModels_->currentData().toString();
    if (foldModels != QLatin1String("quick")) {
        const auto setup = foldModels == QLatin1String("latest") ? latestRunSetup() : pretrainedBiasesSetup(foldModels);
        if (!setup) return;
        request.selection = setup->selection;
        request.config = setup->config;
    } else {
        request.config.epochs = epochs_->value();
        request.config.imageSize = cvImageSize_;
        request.config.patience = 0;
    }
    request.config.threads = std::max(1, QThread::idealThreadCount() - 1);
    setBusy(tr("Cross-validating"));
    cancelFlag_ = std::make_shared<CancelFlag>();
    const auto flag = cancelFlag_;
    const QString path = window_->session()->path();
    worker_ = QtConcurrent::run([this, flag, path, request] {
        QString message;
        bool ok = false;
        try {
            Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            const auto out = runOutOfFold(catalogue, request, flag.get(), [this](const OutOfFoldProgress& p) {
                QMetaObject::invokeMethod(this, [this, p] {
                    progress_->setRange(0, 1000);
                    progress_->setValue(int(p.fraction * 1000));
                    progress_->setFormat(tr("Fold %1/%2 %3 %p%").arg(p.fold).arg(p.folds).arg(p.phase));
                }, Qt::QueuedConnection);
            });
            ok = !out.cancelled;
            message = out.cancelled ? tr("Cross-validation cancelled.")
                                    : tr("Cross-validated %1 labelled faces in %2 folds.").arg(out.scored).arg(request.folds);
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, ok, message] {
            setIdle(message);
            if (ok) {
                setView(MiningView::Disputed);
                showCandidates();
            }
        }, Qt::QueuedConnection);
    });
}

void MiningPanel::setCrossValidation(int folds, int epochs, int imageSize)
{
    folds_->setValue(folds);
    epochs_->setValue(epochs);
    cvImageSize_ = imageSize;
}

std::optional<MiningPanel::RunSetup> MiningPanel::latestRunSetup()
{
    const auto task = window_->session()->activeTask();
    if (!task) return std::nullopt;
    std::optional<RunRecord> last;
    for (const RunRecord& r : window_->session()->catalogue().runs())
        if (r.taskId == task->id && r.status == QLatin1String("finished") &&
            !isZeroShotRun(QJsonDocument::fromJson(r.configJson.toUtf8()).object())) { // it trained nothing to repeat
            last = r;
            break;
        }
    if (!last) {
        status_->setText(tr("No finished run of '%1' to repeat: start one from Training > New training run.").arg(task->name));
        return std::nullopt;
    }
    RunSetup setup;
    setup.runId = last->id;
    setup.selection.task = task->name;
    for (const auto& c : QJsonDocument::fromJson(last->classesJson.toUtf8()).array())
        setup.selection.classes << c.toObject()[QStringLiteral("name")].toString();
    try {
        setup.config = TrainingConfig::fromJson(QJsonDocument::fromJson(last->configJson.toUtf8()).object());
    } catch (const std::exception& e) {
        status_->setText(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
    return setup;
}

std::optional<MiningPanel::RunSetup> MiningPanel::pretrainedBiasesSetup(const QString& model)
{
    const auto task = window_->session()->activeTask();
    if (!task) return std::nullopt;
    try {
        requirePretrainedModel(model);
    } catch (const std::exception& e) {
        status_->setText(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
    RunSetup setup;
    setup.selection.task = task->name;
    for (const ClassCount& c : window_->session()->catalogue().classCounts(task->id)) {
        if (c.retired || c.total() == 0) continue;
        if (unmappedTaskClasses(model, {c.className}).isEmpty()) setup.selection.classes << c.className;
    }
    if (setup.selection.classes.size() < 2) {
        status_->setText(tr("The %1 model knows %2 of the labelled classes of '%3' (it knows %4): cross-validate "
                            "with the quick network or the latest run's settings instead.")
                             .arg(model, setup.selection.classes.isEmpty() ? tr("none") : setup.selection.classes.join(", "),
                                  task->name, pretrainedModelClasses(model).join(", ")));
        return std::nullopt;
    }
    setup.config.backbone = model;
    setup.config.backboneFit = QStringLiteral("class_biases");
    setup.config.takeBackboneInput();
    return setup;
}

void MiningPanel::retrainAndRescore()
{
    TrainingStudio* training = TrainingStudio::of(window_);
    if (!training || busy_) return;
    const auto setup = latestRunSetup();
    if (!setup) return;
    rescoreAfterTraining_ = true;
    trainingRun_ = 0;
    if (!training->startRun(setup->selection, setup->config)) {
        rescoreAfterTraining_ = false;
        return;
    }
    setBusy(tr("Retraining run %1's setup").arg(setup->runId));
    progress_->setRange(0, 0);
    busy_ = false; // the training controller owns the work; the panel stays usable
    updateEnabled();
    cancel_->setVisible(true);
    cancel_->setEnabled(true);
    progress_->setVisible(true);
    status_->setText(tr("Retraining with run %1's settings on the current labels; the faces are rescored when it finishes.")
                         .arg(setup->runId));
}

MiningPanel* installMiningPanel(MainWindow* window)
{
    auto* dock = new QDockWidget(QObject::tr("Find exemplars"), window);
    dock->setObjectName(QStringLiteral("miningDock"));
    auto* panel = new MiningPanel(window, dock);
    dock->setWidget(panel);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    QMenu* menu = window->menuBar()->addMenu(QObject::tr("&Mining"));
    QAction* toggle = dock->toggleViewAction();
    toggle->setText(QObject::tr("&Find exemplars"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    menu->addAction(toggle);
    menu->setToolTipsVisible(true); // a disabled "Score with latest model" says why
    QObject::connect(panel->scoreAction(), &QAction::triggered, panel, [dock, panel] {
        dock->show();
        panel->scoreWithLatestModel();
    });
    menu->addAction(panel->scoreAction());
    menu->addAction(QObject::tr("&Near-duplicates of this face"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), panel,
                    [dock, panel] {
                        dock->show();
                        panel->setView(MiningView::NearDuplicates);
                        panel->showCandidates();
                    });
    menu->addAction(QObject::tr("&Review labels"), panel, [dock, panel] {
        dock->show();
        panel->setView(MiningView::Disputed);
        panel->showCandidates();
    });
    menu->addAction(QObject::tr("Retrain and &rescore"), panel, [dock, panel] {
        dock->show();
        panel->retrainAndRescore();
    });
    return panel;
}

MiningPanel* miningPanelOf(MainWindow* window)
{
    return window ? window->findChild<MiningPanel*>(QStringLiteral("miningPanel")) : nullptr;
}

} // namespace exemplar::ui
