#pragma once
// Appends nodes and constants to a TfjsGraphFile in TF.js's model.json attribute encoding, so a
// graph Exemplar builds itself (FaceApiExpressionGraph.h, EnsembleGraph.h) is read exactly as a
// converted graph's would be.
#include "core/learning/tfjs/TfjsGraphFile.h"

#include <QJsonArray>
#include <QJsonObject>

#include <vector>

namespace exemplar::learning {

class TfjsGraphBuilder {
public:
    explicit TfjsGraphBuilder(TfjsGraphFile& graph) : graph_(graph) {}

    QString node(const QString& name, const QString& op, const QStringList& inputs, const QJsonObject& attr = {})
    {
        graph_.nodes.push_back(TfjsNode{name, op, inputs, attr});
        return name;
    }
    // A float constant as a Const node and its weight; a scalar when `shape` is empty.
    QString constant(const QString& name, std::vector<qint64> shape, std::vector<float> values)
    {
        graph_.weights.push_back(TfjsWeight{name, QStringLiteral("float32"), std::move(shape), std::move(values), {}});
        return node(name, QStringLiteral("Const"), {});
    }
    // An int32 vector constant (axes, sizes).
    QString intConstant(const QString& name, std::vector<qint32> values)
    {
        const qint64 count = qint64(values.size());
        graph_.weights.push_back(TfjsWeight{name, QStringLiteral("int32"), {count}, {}, std::move(values)});
        return node(name, QStringLiteral("Const"), {});
    }
    // A Placeholder of NHWC shape [-1, side, side, channels].
    QString input(const QString& name, int side, int channels)
    {
        QJsonArray dims;
        for (const QString& size : {QStringLiteral("-1"), QString::number(side), QString::number(side), QString::number(channels)})
            dims.append(QJsonObject{{QStringLiteral("size"), size}});
        return node(name, QStringLiteral("Placeholder"), {},
                    {{QStringLiteral("shape"), QJsonObject{{QStringLiteral("shape"), QJsonObject{{QStringLiteral("dim"), dims}}}}}});
    }
    // Attributes of a 2-D convolution: strides [1, s, s, 1] and SAME or VALID padding.
    static QJsonObject convAttr(int stride, bool same)
    {
        const QString s = QString::number(stride);
        return {{QStringLiteral("strides"), QJsonObject{{QStringLiteral("list"), QJsonObject{{QStringLiteral("i"), QJsonArray{"1", s, s, "1"}}}}}},
                {QStringLiteral("padding"), QJsonObject{{QStringLiteral("s"), QString::fromLatin1(QByteArray(same ? "SAME" : "VALID").toBase64())}}}};
    }

    TfjsGraphFile& graph() { return graph_; }
    const TfjsGraphFile& graph() const { return graph_; }

private:
    TfjsGraphFile& graph_;
};

} // namespace exemplar::learning
