#pragma once
// Pieces of a TF.js model.json written by tests that generate tiny graph models with known weights
// (test_tfjs_loader, test_tfjs_ops, test_backbone_training, test_backbone_faceres).
#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <initializer_list>

namespace exemplar::test::tfjs_json {

// A string attribute: TF.js stores attribute strings base64-encoded.
inline QJsonObject attrString(const QString& s)
{
    return QJsonObject{{QStringLiteral("s"), QString::fromLatin1(s.toUtf8().toBase64())}};
}

// An int64 list as TF.js writes it: each value as a string.
inline QJsonArray ints(std::initializer_list<int> v)
{
    QJsonArray a;
    for (int i : v) a.append(QString::number(i));
    return a;
}

// A graph node of float type.
inline QJsonObject node(const QString& name, const QString& op, const QStringList& inputs, QJsonObject attr = {})
{
    QJsonObject n{{QStringLiteral("name"), name}, {QStringLiteral("op"), op}};
    if (!inputs.isEmpty()) n.insert(QStringLiteral("input"), QJsonArray::fromStringList(inputs));
    attr.insert(QStringLiteral("T"), QJsonObject{{QStringLiteral("type"), QStringLiteral("DT_FLOAT")}});
    n.insert(QStringLiteral("attr"), attr);
    return n;
}

} // namespace exemplar::test::tfjs_json
