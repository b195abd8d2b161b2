#include "core/learning/tfjs/ZeroShotRun.h"

#include "core/learning/tfjs/ModelLocator.h"
#include "core/util/Error.h"

#include <QFileInfo>

namespace exemplar::learning {

qint64 recordZeroShotRun(Catalogue& catalogue, const CatalogueDataset& dataset, const TrainingConfig& config,
                         const ZeroShotOptions& options, const CancelFlag* cancel, TrainingResult* result)
{
    // Locate first: a missing model is the user's to fix, not a failed run in the history.
    ZeroShotOptions located = options;
    if (located.modelJson.isEmpty()) located.modelJson = requirePretrainedModel(options.model);
    // Recorded as what it is (the model, its input, nothing fitted), so run lists and comparisons
    // do not show the default network it never trained; the split's settings are the caller's.
    TrainingConfig recorded = config;
    recorded.backbone = options.model;
    recorded.takeBackboneInput();
    recorded.backboneFit = QString::fromLatin1(kZeroShotFit);
    // The run's "work directory" is where its model lives: nothing is written there.
    RunRecorder recorder(catalogue, dataset, recorded, QFileInfo(located.modelJson).absolutePath(),
                         QStringLiteral("%1 zero-shot %2 (%3 classes)")
                             .arg(dataset.task.name, options.model)
                             .arg(dataset.data.classNames.size()),
                         false, RunRecorder::FolderLock::None);
    try {
        const TrainingResult evaluated = evaluateZeroShot(dataset.data, config, located, cancel);
        recorder.finish(evaluated);
        if (result) *result = evaluated;
    } catch (const Error& e) {
        TrainingResult failed;
        failed.status = TrainingStatus::Failed;
        failed.error = e.message();
        failed.software = softwareVersions();
        recorder.finish(failed);
        throw;
    }
    return recorder.runId();
}

} // namespace exemplar::learning
