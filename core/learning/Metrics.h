#pragma once
// Classification metrics (pure C++, no torch): accuracy, balanced accuracy, macro-F1, per-class
// precision/recall/F1/support and the confusion matrix. Used for validation, test and `eval`.
#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace exemplar::learning {

struct ClassMetrics {
    QString name;
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    int support = 0; // images whose true class is this one
};

struct Metrics {
    int count = 0; // images evaluated
    double accuracy = 0;
    // Mean recall over the classes that occur in the truth (sklearn's balanced_accuracy_score).
    double balancedAccuracy = 0;
    // Mean F1 over the classes that occur in the truth or in the predictions (sklearn's macro
    // average): a class never seen and never predicted says nothing about the model.
    double macroF1 = 0;
    std::vector<ClassMetrics> perClass;
    QStringList labels;                   // class names, row/column order of `confusion`
    std::vector<std::vector<int>> confusion; // [true][predicted] counts

    // Each row divided by its sum (rows with no images stay zero).
    std::vector<std::vector<double>> confusionRowNormalised() const;

    // {"count", "accuracy", "balanced_accuracy", "macro_f1", "per_class": {name: {precision,
    // recall, f1, support}}, "confusion": {"labels", "matrix", "normalised"}}
    QJsonObject toJson() const;
    static Metrics fromJson(const QJsonObject& json);
};

// truth[i] and predicted[i] are class indices into classNames. Throws exemplar::Error when the
// vectors differ in length or hold an index outside classNames.
Metrics computeMetrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                       const QStringList& classNames);

} // namespace exemplar::learning
