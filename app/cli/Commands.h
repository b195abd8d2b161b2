#pragma once
// The exemplar-cli sub-commands. Each takes the arguments after its name and returns the process
// exit code; main.cpp only dispatches.
#include <QStringList>

namespace exemplar::cli {

int runImport(const QStringList& args);
int runStats(const QStringList& args);
int runLabel(const QStringList& args);
int runExportLabels(const QStringList& args);
int runCheck(const QStringList& args);
int runDetectFaces(const QStringList& args);
int runRelink(const QStringList& args); // a moved image folder (core/catalogue/Relink.h)
int runTrain(const QStringList& args);   // core/learning (training issue)
int runEval(const QStringList& args);    // core/learning (training issue)
int runPredict(const QStringList& args); // core/learning (training issue)
int runBaseline(const QStringList& args); // core/learning/tfjs (pretrained backbones issue)

int runScore(const QStringList& args);   // mining (issue #6)
int runSuggest(const QStringList& args); // mining (issue #6)
int runReview(const QStringList& args);  // mining (issue #6)

} // namespace exemplar::cli
