#pragma once
// "New training run": task, classes (with their image counts and a warning for classes too small
// to split), exemplars only, model and optimisation settings. The defaults train a sensible model
// in one click. "Start from" picks a pretrained face model to fine-tune (disabled, with the install
// how-to, when the models are absent); "Learn also from" picks a pretrained model whose judgement
// of every image the network learns too (distillation; only models that know every chosen class);
// "Record zero-shot baseline" evaluates that model untrained on the chosen classes in the
// background and records it in the run history.
#include "core/learning/CatalogueTraining.h"
#include "core/learning/TrainingConfig.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace exemplar::ui {

class CurationSession;

class TrainingDialog : public QDialog {
    Q_OBJECT
public:
    // Fewer images than this in a class leave too few for validation and test.
    static constexpr int kFewImages = 20;

    explicit TrainingDialog(CurationSession* session, QWidget* parent = nullptr);

    learning::DatasetSelection selection() const;
    learning::TrainingConfig config() const;
    void setConfig(const learning::TrainingConfig& config);
    // Task, classes and settings of a recorded run (the seed too, so the new run holds out the
    // same faces and the two compare). False, leaving the dialog as it was, when the run is gone
    // or its settings are not valid here.
    bool useSettingsOf(qint64 runId);
    // useSettingsOf the newest run that trained something (a zero-shot baseline has no training
    // settings to repeat). False when there is none.
    bool useLatestTrainingSettings();
    void setTask(const QString& name);
    void setClassChecked(const QString& name, bool checked);
    QString warningText() const; // empty when every chosen class has enough images

    QListWidget* classList() const { return classes_; }
    QComboBox* backboneBox() const { return backbone_; }
    QComboBox* teacherBox() const { return teacher_; }
    QComboBox* fitBox() const { return fit_; }
    QCheckBox* auxiliaryBox() const { return auxiliary_; }
    QComboBox* faceBox() const { return face_; }
    QDoubleSpinBox* timeLimitBox() const { return maxMinutes_; }
    QComboBox* selectOnBox() const { return selectOn_; }
    QPushButton* baselineButton() const { return baseline_; }
    // Status of the last baseline: empty, in progress, recorded (with its score) or failed.
    QString baselineText() const;

Q_SIGNALS:
    // A zero-shot baseline run was recorded (runId) or could not be (runId 0, error).
    void baselineRecorded(qint64 runId, const QString& error);

private:
    void fillClasses();
    void updateWarning();
    void updateBackbone();
    void updateFit(); // the class-biases entry needs a model knowing every class; it disables gradient settings
    void updateTeachers();
    void recordBaseline();

    CurationSession* session_;
    QComboBox* task_;
    QListWidget* classes_;
    QCheckBox* exemplarsOnly_;
    QLabel* warning_;
    QComboBox* backbone_;
    QComboBox* fit_;       // TrainingConfig::backboneFit
    QComboBox* teacher_;   // TrainingConfig::distillFrom
    QCheckBox* auxiliary_; // TrainingConfig::auxiliaryClasses
    QPushButton* baseline_;
    QLabel* baselineStatus_;
    bool baselineRunning_ = false; // the button stays disabled until the result is in
    QComboBox* model_;
    QSpinBox* imageSize_;
    QSpinBox* epochs_;
    QSpinBox* batchSize_;
    QDoubleSpinBox* learningRate_;
    QCheckBox* augment_;
    QComboBox* imbalance_;
    QComboBox* face_; // TrainingConfig::face
    QDoubleSpinBox* maxMinutes_; // 0: no limit
    QComboBox* selectOn_;        // TrainingConfig::selectOn
    QSpinBox* seed_;
    learning::TrainingConfig base_; // settings the dialog does not show are kept from here
};

} // namespace exemplar::ui
