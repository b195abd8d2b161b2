#pragma once
// Classification metrics (pure C++, no torch): accuracy, balanced accuracy, macro-F1, per-class
// precision/recall/F1/support and the confusion matrix. Used for validation, test and `eval`.
#include <QJsonObject>
#include <QStringList>
#include <optional>
#include <vector>

namespace exemplar::learning {

struct ClassMetrics {
    QString name;
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    int support = 0; // images whose true class is this one
};

// How far a balanced accuracy could move on other faces of the same kind: a percentile interval
// over resamples of the evaluated people (PeopleBootstrap.h).
struct ScoreInterval {
    double low = 0;
    double high = 0;
    double level = 0.95;
    int people = 0;    // people (clusters) resampled
    int resamples = 0;
    // No face had a person's name (a labels file without an identity column): each face was
    // resampled on its own, which is too narrow when people repeat; the text says so.
    bool facesAsPeople = false;
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
    // Set where the people behind the faces are known (test parts, cross-validation, baselines).
    std::optional<ScoreInterval> balancedAccuracyInterval;

    // Each row divided by its sum (rows with no images stay zero).
    std::vector<std::vector<double>> confusionRowNormalised() const;

    // Classes with at least one face but fewer than `minimum`, in class order: each of their faces
    // moves the balanced accuracy by 1 / (classes x support), so their recall says little.
    std::vector<ClassMetrics> thinClasses(int minimum = 5) const;

    // Balanced accuracy of a model that ignores the face (always one class, or guessing): one over
    // the classes that occur in the truth. 0 when nothing was evaluated.
    double chanceLevel() const;
    // Whether the figure is shown to beat chance: its interval lies wholly above chanceLevel(), or,
    // with no interval known, the figure itself does.
    bool aboveChance() const;

    // {"count", "accuracy", "balanced_accuracy", "macro_f1", "per_class": {name: {precision,
    // recall, f1, support}}, "confusion": {"labels", "matrix", "normalised"}}, and when known
    // "balanced_accuracy_interval": {"low", "high", "level", "people", "resamples"[, "people_unknown": true]}
    QJsonObject toJson() const;
    static Metrics fromJson(const QJsonObject& json);
};

// "95% interval 0.470-0.712 over 131 people" (the words the CLI and the views show); without
// identities "... over 300 faces, people unknown (each face counted alone)".
QString intervalText(const ScoreInterval& interval);
// "few faces, their recall says little: disgust 1, anger 3" (Metrics::thinClasses with their
// faces, as the CLI and the views say it); empty when there are none.
QString thinClassesText(const Metrics& m, int minimum = 5);
// "not above chance: the 95% interval 0.210-0.380 includes 0.250 (1 of 4 classes)" (or "... is not
// above 0.250 ..." without an interval), as the CLI and the evaluation view say it; empty when the
// figure is above chance or nothing was evaluated.
QString chanceText(const Metrics& m);

// truth[i] and predicted[i] are class indices into classNames. Throws exemplar::Error when the
// vectors differ in length or hold an index outside classNames.
Metrics computeMetrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                       const QStringList& classNames);

// The same, with the balanced accuracy's interval over the people behind the faces (people[i]:
// who face i is; an empty name is a person of their own). Throws when `people` differs in length.
Metrics computeMetrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                       const QStringList& classNames, const QStringList& people);

} // namespace exemplar::learning
