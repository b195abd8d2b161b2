#pragma once
// How closely a run's exported model reproduces the in-memory network that the run evaluated:
// the exported file is what `predict` and the studio use, so it must give the same answers.
#include "core/learning/ExportedModel.h"
#include "core/learning/TrainingJob.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace exemplar::test {

struct ExportAgreement {
    int compared = 0;          // files predicted by the export (the run's test predictions)
    int answers = 0;           // predictions the export returned
    int classDisagreements = 0;
    double largestDifference = 0; // of any class probability
};

inline ExportAgreement exportAgreement(const learning::ExportedModel& model, const learning::TrainingResult& run,
                                       const learning::TrainingData& data)
{
    QStringList files;
    for (const learning::SamplePrediction& p : run.predictions) files << data.samples[size_t(p.sample)].path;
    const auto predictions = model.predictFiles(files);
    ExportAgreement a;
    a.compared = int(files.size());
    a.answers = int(predictions.size());
    for (size_t i = 0; i < predictions.size() && i < run.predictions.size(); ++i) {
        a.classDisagreements += predictions[i].classIndex != run.predictions[i].predicted;
        for (size_t k = 0; k < predictions[i].probabilities.size(); ++k)
            a.largestDifference = std::max(a.largestDifference, double(std::abs(predictions[i].probabilities[k] -
                                                                                 run.predictions[i].probabilities[k])));
    }
    return a;
}

} // namespace exemplar::test
