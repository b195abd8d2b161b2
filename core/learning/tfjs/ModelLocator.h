#pragma once
// Where the optional pretrained models live (installed by packaging/fetch-models.sh): first
// $EXEMPLAR_MODELS_DIR when set, then ${XDG_DATA_HOME:-$HOME/.local/share}/Exemplar/models.
// Exemplar works without them (training from scratch); these functions say how to add them.
#include <QString>
#include <QStringList>

namespace exemplar::learning {

// The pretrained models Exemplar knows: "emotion", "gender".
QStringList knownPretrainedModels();

// The directories searched, in order.
QStringList pretrainedModelDirs();

// model.json path of `name` (e.g. "emotion" -> <dir>/emotion.json) in the first directory that
// has both its .json and .bin, or empty when none does.
QString findPretrainedModel(const QString& name);

// Same, but throws exemplar::Error saying where it looked and how to install the models.
QString requirePretrainedModel(const QString& name);

// One sentence for users: the command that installs the models and where they go.
QString pretrainedModelsHowTo();

} // namespace exemplar::learning
