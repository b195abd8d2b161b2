#pragma once
// "Try it": drop an image file (or pick one) and see the run's model's class probabilities. The
// model is loaded and run on a worker thread.
#include <QFutureWatcher>
#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace exemplar::learning { class ExportedModel; }

namespace exemplar::ui {

class TryItPanel : public QWidget {
    Q_OBJECT
public:
    explicit TryItPanel(QWidget* parent = nullptr);
    ~TryItPanel() override;

    void setModelDir(const QString& dir); // empty: nothing to try
    QString modelDir() const { return modelDir_; }
    void classify(const QString& imagePath);

    // Of the last classified image, in the model's class order (empty until one is done).
    QStringList classes() const { return classes_; }
    QVector<float> probabilities() const { return probabilities_; }
    QString errorText() const { return error_; }

Q_SIGNALS:
    void classified(); // probabilities (or errorText) are ready

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Outcome {
        QStringList classes;
        QVector<float> probabilities;
        QString error;
        std::shared_ptr<learning::ExportedModel> model;
    };
    void showOutcome();

    QString modelDir_;
    std::shared_ptr<learning::ExportedModel> model_; // loaded on first use, for modelDir_
    QLabel* image_;
    QLabel* hint_;
    QPushButton* pick_;
    QWidget* bars_;
    QVBoxLayout* barsLayout_;
    QStringList classes_;
    QVector<float> probabilities_;
    QString error_;
    QFutureWatcher<Outcome> watcher_;
};

} // namespace exemplar::ui
