#pragma once
// "Find exemplars": a dock beside the gallery that scores the catalogue with the task's latest
// model (in the background, with progress and cancel), ranks faces (most likely <class>, most
// uncertain, most different from the labelled ones, near-duplicates of the current face) and shows
// them in the gallery, where the curator labels them with the usual keys. "Review labels" ranks the
// labelled faces that cross-validated models dispute, with label vs model side by side. "Retrain
// and rescore" closes the loop through the training studio (ui/training, its public API).
//
// The GUI thread never waits: scoring, cross-validation and ranking run in workers that open their
// own connection to the catalogue; results come back through queued calls / future watchers.
#include "ui/mining/MiningQuery.h"

#include <QFuture>
#include <QWidget>
#include <memory>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QFormLayout;
class QSpinBox;
class QStackedWidget;
class QTreeWidget;

namespace exemplar::ui {

class MainWindow;

class MiningPanel : public QWidget {
    Q_OBJECT
public:
    explicit MiningPanel(MainWindow* window, QWidget* parent = nullptr);
    ~MiningPanel() override; // cancels a running worker and waits for it

    static std::optional<MiningView> viewFromName(const QString& name); // likely, uncertain, different, near, review
    void setView(MiningView view, const QString& className = {});
    MiningView view() const;

    // Ranks with the current settings and shows the result in the gallery (background).
    void showCandidates();
    // Scores every face with the model of the task's latest finished run (background).
    void scoreWithLatestModel();
    // k-fold out-of-fold predictions over the labelled faces (background), then "Review labels".
    // The fold models are a quick network from scratch (folds, epochs and size of
    // setCrossValidation) or, chosen in foldModelsBox(), the latest finished run's classes and
    // settings, or the pretrained emotion model's class biases on the classes it knows.
    void crossValidate();
    void setCrossValidation(int folds, int epochs, int imageSize = 48);
    QComboBox* foldModelsBox() const { return foldModels_; }
    // Trains again with the latest run's settings on the current labels; when it finishes, rescores
    // and shows the candidates again.
    void retrainAndRescore();
    void cancel();

    // Opens wide enough for the candidate list's four columns; can be narrowed to its minimum.
    QSize sizeHint() const override;

    bool isBusy() const;
    QTreeWidget* results() const { return results_; }
    QString status() const;
    QPushButton* scoreButton() const { return score_; }
    QAction* scoreAction() const { return scoreAction_; } // the menu's, enabled like the button
    // With no candidates listed: what to do next, and the button that does it ("New training
    // run...", "Score", "Cross-validate labels", "Show in gallery"); empty while candidates are listed.
    QString hintText() const;
    QPushButton* hintButton() const { return hintButton_; }
    // What the score column of a ranking is called and what it means (shown under the mode).
    static QString scoreName(MiningView view, const QString& className);
    static QString scoreExplanation(MiningView view, const QString& className);

Q_SIGNALS:
    void candidatesShown(int count); // the gallery now lists the candidates (also when 0 / error)
    void scored(qint64 scoringId);   // 0: cancelled or failed

private:
    enum class Next { Nothing, Train, Score, CrossValidate, Show };
    void refreshTaskDependent();
    void refreshSummary();
    void updateEnabled();
    void updateHint();
    void doNext();
    void updateExplanation();
    void setBusy(const QString& what);
    void setIdle(const QString& message);
    void onQueryDone(const MiningResult& result);
    void onResultActivated();
    void refreshLabelColumn(const QVector<qint64>& imageIds);
    std::optional<qint64> activeTaskId() const;
    struct RunSetup {
        qint64 runId = 0;
        learning::DatasetSelection selection;
        learning::TrainingConfig config;
    };
    // The active task's latest finished run: its classes and settings; nullopt after saying why.
    std::optional<RunSetup> latestRunSetup();
    // An installed expression model ("faceapi", "emotion") with class biases fitted per fold, on the task's
    // labelled classes it knows; nullopt after saying why (not installed, too few of them).
    std::optional<RunSetup> pretrainedBiasesSetup(const QString& model);

    MainWindow* window_;
    QLabel* summary_;
    QComboBox* mode_;
    QComboBox* class_;
    QCheckBox* unlabelledOnly_;
    QSpinBox* top_;
    QPushButton* show_;
    QPushButton* score_;
    QAction* scoreAction_;
    QSpinBox* folds_;
    QSpinBox* epochs_;
    QComboBox* foldModels_;
    QPushButton* crossValidate_;
    QPushButton* retrain_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QLabel* status_;
    QLabel* explanation_;
    QTreeWidget* results_;
    QStackedWidget* resultPages_;
    QLabel* hint_;
    QPushButton* hintButton_;
    Next next_ = Next::Nothing;
    // Read by refreshSummary: the run whose model "Score with latest model" uses (none: why not),
    // and whether the task's faces were scored / its labels cross-validated.
    std::optional<qint64> modelRun_;
    QString noModel_;
    bool scored_ = false;
    bool crossValidated_ = false;
    QString scoresSummary_; // the summary line in the modes that rank model scores
    QString reviewSummary_; // in "Review labels"
    QFormLayout* findForm_ = nullptr;
    QWidget* scoreRow_ = nullptr;       // score and retrain: the modes that rank model scores
    QWidget* crossValidation_ = nullptr; // folds, epochs, fold models: review labels
    QWidget* epochsBox_ = nullptr;
    std::shared_ptr<CancelFlag> cancelFlag_;
    QFuture<void> worker_; // scoring or cross-validation
    QFuture<void> query_;  // ranking
    bool busy_ = false;
    bool querying_ = false;
    int cvImageSize_ = 48;
    bool rescoreAfterTraining_ = false;
    qint64 trainingRun_ = 0;
};

// Adds the dock (hidden until asked for) and a Mining menu to the window.
MiningPanel* installMiningPanel(MainWindow* window);
MiningPanel* miningPanelOf(MainWindow* window); // nullptr when not installed

} // namespace exemplar::ui
