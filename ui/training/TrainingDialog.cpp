#include "ui/training/TrainingDialog.h"

#include "core/catalogue/Catalogue.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/ZeroShot.h"
#include "core/learning/tfjs/ZeroShotRun.h"
#include "core/util/Error.h"
#include "ui/curation/CurationSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QApplication>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QPointer>
#include <QStandardItemModel>
#include <QtConcurrent>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace exemplar::ui {

namespace {
constexpr int CountRole = Qt::UserRole + 1;
}

TrainingDialog::TrainingDialog(CurationSession* session, QWidget* parent) : QDialog(parent), session_(session)
{
    setWindowTitle(tr("New training run"));
    setObjectName(QStringLiteral("trainingDialog"));
    task_ = new QComboBox;
    for (const TaskInfo& t : session_->tasks())
        task_->addItem(t.name, t.id);
    if (const auto active = session_->activeTask())
        task_->setCurrentIndex(task_->findData(active->id));
    classes_ = new QListWidget;
    classes_->setMinimumHeight(140);
    exemplarsOnly_ = new QCheckBox(tr("Exemplars only"));
    warning_ = new QLabel;
    warning_->setWordWrap(true);
    warning_->setStyleSheet(QStringLiteral("color: #b45309;"));

    backbone_ = new QComboBox;
    backbone_->addItem(tr("Scratch (no pretrained model)"), QStringLiteral("none"));
    backbone_->addItem(tr("Pretrained emotion model"), QStringLiteral("emotion"));
    backbone_->addItem(tr("Pretrained gender model"), QStringLiteral("gender"));
    backbone_->addItem(tr("Pretrained FaceRes model (sex; 224 px colour)"), QStringLiteral("faceres"));
    backbone_->addItem(tr("Pretrained face-api expression model (112 px colour)"), QStringLiteral("faceapi"));
    backbone_->addItem(tr("Pretrained face-api + emotion models, averaged (112 px colour)"), QStringLiteral("faceapi+emotion"));
    {
        auto* items = qobject_cast<QStandardItemModel*>(backbone_->model());
        bool anyMissing = false;
        for (int i = 1; i < backbone_->count(); ++i) {
            if (!learning::findPretrainedModel(backbone_->itemData(i).toString()).isEmpty())
                continue;
            anyMissing = true;
            items->item(i)->setEnabled(false);
            items->item(i)->setToolTip(learning::pretrainedModelsHowTo());
        }
        backbone_->setToolTip(anyMissing ? learning::pretrainedModelsHowTo()
                                         : tr("Start from a pretrained face model; Adapt says what of it learns"));
    }
    fit_ = new QComboBox;
    fit_->addItem(tr("Every layer (fine-tune)"), QStringLiteral("fine_tune"));
    fit_->addItem(tr("Linear head (pretrained layers kept, one pass)"), QStringLiteral("linear_head"));
    fit_->addItem(tr("Class biases only (calibrate the pretrained classifier)"), QStringLiteral("class_biases"));
    fit_->setItemData(0, tr("A new head for the task's classes trains first, then every layer at a lower learning rate"),
                      Qt::ToolTipRole);
    fit_->setItemData(1, tr("Keep every pretrained layer and fit a linear classifier on its features and its own class "
                            "scores, each face scored over nine crops and paddings, in one pass; how far it may move "
                            "from the pretrained classifier is chosen by cross-validation by identity on the training "
                            "faces. Works for classes the model does not know too."),
                      Qt::ToolTipRole);
    teacher_ = new QComboBox;
    teacher_->addItem(tr("Automatic: + a pretrained model's judgement, if it does well here"), QStringLiteral("auto"));
    teacher_->addItem(tr("The curator's labels only"), QStringLiteral("none"));
    teacher_->addItem(tr("+ the emotion model's judgement (distillation)"), QStringLiteral("emotion"));
    teacher_->addItem(tr("+ the gender model's judgement (distillation)"), QStringLiteral("gender"));
    teacher_->addItem(tr("+ the FaceRes model's judgement (distillation)"), QStringLiteral("faceres"));
    teacher_->addItem(tr("+ the face-api expression model's judgement (distillation)"), QStringLiteral("faceapi"));
    teacher_->addItem(tr("+ the face-api and emotion models' judgement (distillation)"), QStringLiteral("faceapi+emotion"));
    auxiliary_ = new QCheckBox(tr("Also learn from the task's other classes (never predicted)"));
    auxiliary_->setToolTip(tr("Images of the task's classes not chosen (e.g. neutral) train extra outputs that "
                              "are dropped from the model: more faces to learn features from. With a teacher, "
                              "the teacher's judgement of them is learnt too."));
    baseline_ = new QPushButton(tr("Record zero-shot baseline"));
    baseline_->setObjectName(QStringLiteral("recordBaseline"));
    baselineStatus_ = new QLabel;
    baselineStatus_->setWordWrap(true);
    model_ = new QComboBox;
    model_->addItem(tr("Compact CNN"), QStringLiteral("compact"));
    model_->addItem(tr("VGG-style CNN"), QStringLiteral("vgg"));
    imageSize_ = new QSpinBox;
    imageSize_->setRange(16, 256);
    imageSize_->setSingleStep(16);
    imageSize_->setSuffix(tr(" px"));
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 500);
    batchSize_ = new QSpinBox;
    batchSize_->setRange(1, 1024);
    learningRate_ = new QDoubleSpinBox;
    learningRate_->setDecimals(5);
    learningRate_->setRange(1e-5, 1.0);
    learningRate_->setSingleStep(1e-4);
    augment_ = new QCheckBox(tr("Augment (flip, rotate, zoom, shift, light, erasing)"));
    imbalance_ = new QComboBox;
    imbalance_->addItem(tr("Class-balanced batches"), QStringLiteral("sampler"));
    imbalance_->addItem(tr("Class-weighted loss"), QStringLiteral("weights"));
    imbalance_->addItem(tr("Both"), QStringLiteral("both"));
    imbalance_->addItem(tr("None"), QStringLiteral("none"));
    face_ = new QComboBox;
    face_->addItem(tr("Whole image"), QStringLiteral("whole"));
    face_->addItem(tr("Detected face box"), QStringLiteral("box"));
    face_->addItem(tr("Face aligned by the eyes"), QStringLiteral("aligned"));
    face_->setToolTip(tr("How each image is framed for the network, in training and in every later "
                         "prediction with the model (recorded in it). Box and aligned detect the face; "
                         "an image without a detected face is used whole."));
    maxMinutes_ = new QDoubleSpinBox;
    maxMinutes_->setRange(0, 24 * 60);
    maxMinutes_->setDecimals(1);
    maxMinutes_->setSuffix(tr(" min"));
    maxMinutes_->setSpecialValueText(tr("No limit"));
    maxMinutes_->setToolTip(tr("Training stops in time and keeps its best epoch so far: an epoch that "
                               "cannot finish within the limit is not started. A one-pass fit (class biases, "
                               "linear head) scores as many training faces as leave time to fit and validate, "
                               "the classes in turn so the rarest are whole, and fits on those."));
    selectOn_ = new QComboBox;
    selectOn_->addItem(tr("Validation macro-F1"), QStringLiteral("macro_f1"));
    selectOn_->addItem(tr("Validation balanced accuracy"), QStringLiteral("balanced_accuracy"));
    selectOn_->setToolTip(tr("The score that picks the epoch kept as the model, and stops training early when "
                             "it no longer improves. Balanced accuracy (mean recall) favours finding the rare "
                             "classes; macro-F1 also asks that they be predicted precisely."));
    seed_ = new QSpinBox;
    seed_->setRange(0, 1 << 30);
    setConfig(learning::TrainingConfig{});

    auto* form = new QFormLayout;
    form->addRow(tr("Task"), task_);
    form->addRow(tr("Classes"), classes_);
    form->addRow(QString(), exemplarsOnly_);
    form->addRow(QString(), warning_);
    form->addRow(tr("Start from"), backbone_);
    form->addRow(tr("Adapt"), fit_);
    auto* baselineRow = new QHBoxLayout;
    baselineRow->addWidget(baseline_);
    baselineRow->addWidget(baselineStatus_, 1);
    form->addRow(QString(), baselineRow);
    form->addRow(tr("Learn from"), teacher_);
    form->addRow(QString(), auxiliary_);
    form->addRow(tr("Model"), model_);
    form->addRow(tr("Input size"), imageSize_);
    form->addRow(tr("Epochs"), epochs_);
    form->addRow(tr("Batch size"), batchSize_);
    form->addRow(tr("Learning rate"), learningRate_);
    form->addRow(tr("Augmentation"), augment_);
    form->addRow(tr("Imbalance"), imbalance_);
    form->addRow(tr("Face framing"), face_);
    form->addRow(tr("Time limit"), maxMinutes_);
    form->addRow(tr("Keep the epoch with the best"), selectOn_);
    form->addRow(tr("Seed"), seed_);
    auto* buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Train"));
    buttons->button(QDialogButtonBox::RestoreDefaults)->setToolTip(tr("The default settings (task and classes stay)"));
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] { setConfig(learning::TrainingConfig{}); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(task_, &QComboBox::currentIndexChanged, this, &TrainingDialog::fillClasses);
    connect(exemplarsOnly_, &QCheckBox::toggled, this, &TrainingDialog::fillClasses);
    connect(classes_, &QListWidget::itemChanged, this, &TrainingDialog::updateWarning);
    connect(backbone_, &QComboBox::currentIndexChanged, this, &TrainingDialog::updateBackbone);
    connect(fit_, &QComboBox::currentIndexChanged, this, &TrainingDialog::updateFit);
    connect(baseline_, &QPushButton::clicked, this, &TrainingDialog::recordBaseline);
    fillClasses(); // also sets up the backbone-dependent rows
}

void TrainingDialog::fillClasses()
{
    const qint64 taskId = task_->currentData().toLongLong();
    classes_->blockSignals(true);
    classes_->clear();
    if (session_->isOpen() && taskId) {
        const QVector<ClassCount> counts = session_->catalogue().classCounts(taskId);
        for (const ClassCount& c : counts) {
            if (c.retired)
                continue;
            const int n = exemplarsOnly_->isChecked() ? c.exemplars : c.total();
            auto* item = new QListWidgetItem(QStringLiteral("%1  (%2)").arg(c.className).arg(n), classes_);
            item->setData(Qt::UserRole, c.className);
            item->setData(CountRole, n);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(n > 0 ? Qt::Checked : Qt::Unchecked);
        }
    }
    classes_->blockSignals(false);
    updateWarning();
}

QString TrainingDialog::warningText() const
{
    QStringList few;
    int chosen = 0;
    for (int i = 0; i < classes_->count(); ++i) {
        const QListWidgetItem* item = classes_->item(i);
        if (item->checkState() != Qt::Checked)
            continue;
        ++chosen;
        if (item->data(CountRole).toInt() < kFewImages)
            few << QStringLiteral("%1 (%2)").arg(item->data(Qt::UserRole).toString()).arg(item->data(CountRole).toInt());
    }
    QStringList lines;
    if (chosen < 2)
        lines << tr("Choose at least two classes.");
    if (!few.isEmpty())
        lines << tr("Few images, the scores will be unreliable: %1").arg(few.join(QStringLiteral(", ")));
    return lines.join(QLatin1Char('\n'));
}

void TrainingDialog::updateWarning()
{
    const QString text = warningText();
    warning_->setText(text);
    warning_->setVisible(!text.isEmpty());
    updateBackbone(); // the baseline needs the chosen classes to be ones the model knows
}

learning::DatasetSelection TrainingDialog::selection() const
{
    learning::DatasetSelection s;
    s.task = task_->currentText();
    for (int i = 0; i < classes_->count(); ++i)
        if (classes_->item(i)->checkState() == Qt::Checked)
            s.classes << classes_->item(i)->data(Qt::UserRole).toString();
    s.exemplarsOnly = exemplarsOnly_->isChecked();
    return s;
}

learning::TrainingConfig TrainingDialog::config() const
{
    learning::TrainingConfig c = base_;
    c.model = model_->currentData().toString();
    c.backbone = backbone_->currentData().toString();
    c.backboneFit = c.backbone == QLatin1String("none") ? QStringLiteral("fine_tune") : fit_->currentData().toString();
    c.distillFrom = teacher_->currentData().toString();
    c.auxiliaryClasses = auxiliary_->isChecked();
    c.imageSize = imageSize_->value();
    c.epochs = epochs_->value();
    c.batchSize = batchSize_->value();
    c.learningRate = learningRate_->value();
    c.augment = augment_->isChecked();
    c.imbalance = imbalance_->currentData().toString();
    c.face = face_->currentData().toString();
    c.maxMinutes = maxMinutes_->value();
    c.selectOn = selectOn_->currentData().toString();
    c.seed = static_cast<quint64>(seed_->value());
    c.takeBackboneInput(); // the size box shows the pretrained model's size, disabled
    return c;
}

void TrainingDialog::setConfig(const learning::TrainingConfig& c)
{
    base_ = c;
    model_->setCurrentIndex(std::max(0, model_->findData(c.model)));
    // A pretrained model not installed here (a catalogue from another machine): from scratch, at
    // the scratch input, rather than a run that fails to start.
    int backbone = backbone_->findData(c.backbone);
    if (backbone < 0 || !qobject_cast<QStandardItemModel*>(backbone_->model())->item(backbone)->isEnabled()) {
        backbone = 0;
        base_.imageSize = learning::TrainingConfig().imageSize;
        base_.grayscale = learning::TrainingConfig().grayscale;
    }
    backbone_->setCurrentIndex(backbone);
    fit_->setCurrentIndex(std::max(0, fit_->findData(c.backboneFit)));
    updateFit();
    imageSize_->setValue(base_.imageSize);
    // As for the backbone: a teacher not installed here, or one that does not know the chosen
    // classes, falls back to the automatic choice.
    const int teacher = teacher_->findData(c.distillFrom);
    teacher_->setCurrentIndex(
        teacher >= 0 && qobject_cast<QStandardItemModel*>(teacher_->model())->item(teacher)->isEnabled() ? teacher : 0);
    auxiliary_->setChecked(c.auxiliaryClasses);
    epochs_->setValue(c.epochs);
    batchSize_->setValue(c.batchSize);
    learningRate_->setValue(c.learningRate);
    augment_->setChecked(c.augment);
    imbalance_->setCurrentIndex(std::max(0, imbalance_->findData(c.imbalance)));
    face_->setCurrentIndex(std::max(0, face_->findData(c.face)));
    maxMinutes_->setValue(c.maxMinutes);
    selectOn_->setCurrentIndex(std::max(0, selectOn_->findData(c.selectOn)));
    seed_->setValue(static_cast<int>(c.seed));
}

bool TrainingDialog::useLatestTrainingSettings()
{
    if (!session_->isOpen())
        return false;
    for (const RunRecord& run : session_->catalogue().runs()) // newest first
        if (!learning::isZeroShotRun(QJsonDocument::fromJson(run.configJson.toUtf8()).object()))
            return useSettingsOf(run.id);
    return false;
}

bool TrainingDialog::useSettingsOf(qint64 runId)
{
    if (!session_->isOpen() || !runId)
        return false;
    const std::optional<RunRecord> run = session_->catalogue().run(runId);
    if (!run)
        return false;
    const QJsonObject json = QJsonDocument::fromJson(run->configJson.toUtf8()).object();
    learning::TrainingConfig settings;
    try {
        settings = learning::TrainingConfig::fromJson(json);
        settings.validate();
    } catch (const Error&) {
        return false; // a run recorded by another version with settings this one rejects: defaults
    }
    setTask(json[QLatin1String("task")].toString());
    const QStringList classes = json[QLatin1String("classes")].toVariant().toStringList();
    if (!classes.isEmpty())
        for (int i = 0; i < classes_->count(); ++i) {
            const QString name = classes_->item(i)->data(Qt::UserRole).toString();
            setClassChecked(name, classes.contains(name));
        }
    setConfig(settings);
    return true;
}

void TrainingDialog::setTask(const QString& name)
{
    const int i = task_->findText(name);
    if (i >= 0)
        task_->setCurrentIndex(i);
}

void TrainingDialog::setClassChecked(const QString& name, bool checked)
{
    for (int i = 0; i < classes_->count(); ++i)
        if (classes_->item(i)->data(Qt::UserRole).toString() == name)
            classes_->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

} // namespace exemplar::ui

namespace exemplar::ui {

void TrainingDialog::updateBackbone()
{
    const QString backbone = backbone_->currentData().toString();
    const bool pretrained = backbone != QLatin1String("none");
    // The pretrained graph is the network; its input is what it was made for (64 px gray for
    // emotion/gender, 224 px colour for faceres, 112 px colour for faceapi).
    model_->setEnabled(!pretrained);
    imageSize_->setEnabled(!pretrained);
    if (pretrained)
        imageSize_->setValue(learning::pretrainedModelInfo(backbone).inputSize);
    updateTeachers();
    updateFit();
    const QString zeroShotModel = pretrained ? backbone : QStringLiteral("emotion");
    const bool installed = !learning::findPretrainedModel(zeroShotModel).isEmpty();
    // Zero-shot needs two of the chosen classes among the model's own (faceres knows female and
    // male, not expressions): say so on the button rather than fail after decoding every image.
    const QStringList chosen = selection().classes;
    const QStringList known = learning::mappedTaskClasses(zeroShotModel, chosen);
    const bool mapsTask = known.size() >= 2;
    baseline_->setEnabled(installed && mapsTask && !baselineRunning_ && session_->isOpen());
    if (!installed)
        baseline_->setToolTip(learning::pretrainedModelsHowTo());
    else if (!mapsTask)
        baseline_->setToolTip(tr("The %1 model knows %2; zero-shot needs at least two of the chosen classes among "
                                 "them (chosen: %3)")
                                  .arg(zeroShotModel,
                                       learning::pretrainedModelClasses(zeroShotModel).join(QStringLiteral(", ")),
                                       chosen.isEmpty() ? tr("none") : chosen.join(QStringLiteral(", "))));
    else
        baseline_->setToolTip(tr("Evaluate the %1 model untrained on the chosen classes (its classes mapped by name: "
                                 "%2) on the test images a run with this seed holds out, and record it in the run "
                                 "history")
                                  .arg(zeroShotModel, known.join(QStringLiteral(", "))));
}

void TrainingDialog::updateFit()
{
    const QString backbone = backbone_->currentData().toString();
    const bool pretrained = backbone != QLatin1String("none");
    fit_->setEnabled(pretrained);
    // Class biases only keep the pretrained classifier: it must know every chosen class.
    const QStringList unknown = pretrained ? learning::unmappedTaskClasses(backbone, selection().classes) : QStringList();
    auto* items = qobject_cast<QStandardItemModel*>(fit_->model());
    QStandardItem* biases = items->item(fit_->findData(QStringLiteral("class_biases")));
    biases->setEnabled(pretrained && unknown.isEmpty());
    biases->setToolTip(
        !unknown.isEmpty()
            ? tr("The %1 model knows %2, not %3").arg(backbone, learning::pretrainedModelClasses(backbone).join(", "),
                                                      unknown.join(", "))
            : tr("Keep the pretrained model exactly as it is and fit one bias per class to the training faces, "
                 "scoring each face over nine crops and paddings (one pass, no epochs); the biases are kept only "
                 "if cross-validation by identity on the training faces says they beat the model as it is. Best "
                 "when the model already knows the classes and there are few faces per class."));
    if (!items->item(fit_->currentIndex())->isEnabled()) fit_->setCurrentIndex(0);
    fit_->setToolTip(pretrained ? items->item(fit_->currentIndex())->toolTip() : tr("Only for a pretrained model (Start from)"));
    // Settings of gradient training mean nothing to a one-pass fit (the time limit does: it keeps it too).
    const bool gradient = !(pretrained && fit_->currentData().toString() != QLatin1String("fine_tune"));
    for (QWidget* w : std::initializer_list<QWidget*>{teacher_, auxiliary_, epochs_, batchSize_, learningRate_, augment_,
                                                     imbalance_, selectOn_})
        w->setEnabled(gradient);
}

void TrainingDialog::updateTeachers()
{
    // A teacher must be installed and know every chosen class (it labels each image with them).
    const QStringList chosen = selection().classes;
    auto* items = qobject_cast<QStandardItemModel*>(teacher_->model());
    const QStringList candidates = chosen.size() >= 2 ? learning::teachersFor(chosen) : QStringList(); // what "auto" tries
    for (int i = 0; i < teacher_->count(); ++i) {
        const QString name = teacher_->itemData(i).toString();
        if (name == QLatin1String("auto") || name == QLatin1String("none")) continue;
        const QStringList unknown = learning::unmappedTaskClasses(name, chosen);
        const bool installed = !learning::findPretrainedModel(name).isEmpty();
        items->item(i)->setEnabled(candidates.contains(name));
        items->item(i)->setToolTip(
            !installed ? learning::pretrainedModelsHowTo()
            : !unknown.isEmpty()
                ? tr("The %1 model knows %2, not %3").arg(name, learning::pretrainedModelClasses(name).join(", "),
                                                          unknown.join(", "))
                : tr("The network also learns the %1 model's probabilities for each training image (and "
                     "keeps its own, compact architecture)")
                      .arg(name));
    }
    items->item(teacher_->findData(QStringLiteral("auto")))
        ->setToolTip(candidates.isEmpty()
                         ? tr("No installed pretrained model knows the chosen classes: the network learns from the "
                              "labels alone")
                         : tr("Training first scores %1 on the validation faces and learns from the best, if it "
                              "is clearly better than chance there (the run's log says which)")
                               .arg(candidates.join(tr(" and "))));
    if (!items->item(teacher_->currentIndex())->isEnabled()) teacher_->setCurrentIndex(0);
}

QString TrainingDialog::baselineText() const
{
    return baselineStatus_->text();
}

void TrainingDialog::recordBaseline()
{
    if (!session_->isOpen())
        return;
    const QString backbone = backbone_->currentData().toString();
    learning::ZeroShotOptions options;
    options.model = backbone == QLatin1String("none") ? QStringLiteral("emotion") : backbone;
    const learning::DatasetSelection chosen = selection();
    const learning::TrainingConfig settings = config();
    const QString path = session_->path();
    baselineRunning_ = true;
    baseline_->setEnabled(false);
    baselineStatus_->setText(tr("Evaluating the %1 model zero-shot...").arg(options.model));
    QPointer<TrainingDialog> self(this);
    // Decoding and scoring take seconds to minutes: a worker with its own catalogue connection,
    // the result queued back to the dialog if it is still open (the run is recorded either way).
    (void)QtConcurrent::run([self, path, chosen, settings, options] {
        qint64 runId = 0;
        QString error;
        learning::TrainingResult result;
        try {
            Catalogue catalogue = Catalogue::open(path, Catalogue::OpenMode::MustExist);
            const learning::CatalogueDataset dataset = learning::trainingDataFromCatalogue(catalogue, chosen);
            runId = learning::recordZeroShotRun(catalogue, dataset, settings, options, nullptr, &result);
        } catch (const Error& e) {
            error = e.message();
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        const double score = result.test.balancedAccuracy;
        const int images = result.test.count;
        const QString interval = result.test.balancedAccuracyInterval
                                     ? QStringLiteral(", %1").arg(learning::intervalText(*result.test.balancedAccuracyInterval))
                                     : QString();
        QMetaObject::invokeMethod(
            qApp,
            [self, runId, error, score, images, interval, model = options.model] {
                if (!self)
                    return;
                self->baselineStatus_->setText(
                    runId ? tr("Recorded run %1: %2 zero-shot, test balanced accuracy %3 (%4 images%5)")
                                .arg(runId).arg(model).arg(score, 0, 'f', 3).arg(images).arg(interval)
                          : tr("Baseline failed: %1").arg(error));
                self->baselineRunning_ = false;
                self->updateBackbone();
                Q_EMIT self->baselineRecorded(runId, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace exemplar::ui
