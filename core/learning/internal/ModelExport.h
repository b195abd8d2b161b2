#pragma once
// INTERNAL (includes torch): writes an exported model directory: model.pt (TorchScript) and
// model.json (sidecar: classes, input, preprocessing, metrics), replacing any previous export
// only once the new one is complete.
#include "core/learning/internal/Network.h"

#include <QJsonObject>
#include <QStringList>

namespace exemplar::learning {

struct ModelCard {
    QString task;
    QStringList classes;
    QJsonObject config;
    QJsonObject network;
    QJsonObject validation;
    QJsonObject test;
    int bestEpoch = 0;
    QJsonObject software;
};

// Writes ConvNets and BackboneNets (each with its own TorchScript export).
void exportModel(const std::shared_ptr<ClassifierNet>& net, const ModelCard& card, const QString& dir);

} // namespace exemplar::learning
