#include "core/import/Importers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace exemplar {

QString ImportReport::toJson() const
{
    QJsonArray list;
    for (const auto& issue : issues)
        list.append(QJsonObject{{QStringLiteral("file"), issue.file}, {QStringLiteral("problem"), issue.problem}});
    const QJsonObject o{
        {QStringLiteral("scanned"), scanned},
        {QStringLiteral("added"), added},
        {QStringLiteral("alreadyPresent"), alreadyPresent},
        {QStringLiteral("duplicates"), duplicates},
        {QStringLiteral("labelsSet"), labelsSet},
        {QStringLiteral("attributesSet"), attributesSet},
        {QStringLiteral("tasksCreated"), tasksCreated},
        {QStringLiteral("skipped"), skipped},
        {QStringLiteral("faces"), QJsonObject{{QStringLiteral("tight_crop"), facesTightCrop},
                                              {QStringLiteral("found"), facesFound},
                                              {QStringLiteral("none"), facesNone},
                                              {QStringLiteral("failed"), facesFailed}}},
        {QStringLiteral("cancelled"), cancelled},
        {QStringLiteral("seconds"), seconds},
        {QStringLiteral("issues"), list},
    };
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace exemplar
