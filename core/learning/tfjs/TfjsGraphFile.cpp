#include "core/learning/tfjs/TfjsGraphFile.h"

#include "core/learning/tfjs/EnsembleGraph.h"
#include "core/learning/tfjs/FaceApiExpressionGraph.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFloat16>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>

#include <cmath>
#include <cstring>

namespace exemplar::learning {

namespace {

QJsonObject attrValue(const QJsonObject& attr, const QString& key)
{
    return attr.value(key).toObject();
}

// TF.js stores 64-bit integers as JSON strings ("3"); older converters wrote numbers.
qint64 jsonInt(const QJsonValue& v, bool* ok)
{
    if (v.isDouble()) {
        *ok = true;
        return qint64(v.toDouble());
    }
    return v.toString().toLongLong(ok);
}

int elementBytes(const QString& storedDtype)
{
    if (storedDtype == QLatin1String("float32") || storedDtype == QLatin1String("int32")) return 4;
    if (storedDtype == QLatin1String("float16") || storedDtype == QLatin1String("uint16")) return 2;
    if (storedDtype == QLatin1String("uint8") || storedDtype == QLatin1String("bool")) return 1;
    return 0;
}

QString entryLabel(const QJsonObject& entry)
{
    return QStringLiteral("weight '%1'").arg(entry.value(QStringLiteral("name")).toString());
}

std::vector<qint64> entryShape(const QJsonObject& entry)
{
    std::vector<qint64> shape;
    for (const QJsonValue& d : entry.value(QStringLiteral("shape")).toArray()) {
        if (!d.isDouble() || d.toDouble() < 0 || d.toDouble() != std::floor(d.toDouble()))
            throw Error(QStringLiteral("%1 has an invalid shape").arg(entryLabel(entry)));
        shape.push_back(qint64(d.toDouble()));
    }
    return shape;
}

qint64 product(const std::vector<qint64>& shape)
{
    qint64 n = 1;
    for (qint64 d : shape) n *= d;
    return n;
}

// The dtype of the stored bytes: the quantisation dtype when quantised, else the declared one.
QString storedDtype(const QJsonObject& entry)
{
    const QJsonObject q = entry.value(QStringLiteral("quantization")).toObject();
    return q.isEmpty() ? entry.value(QStringLiteral("dtype")).toString()
                       : q.value(QStringLiteral("dtype")).toString();
}

QByteArray readWholeFile(const QString& path, const QString& what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("%1: cannot read %2 (%3)").arg(path, what, file.errorString()));
    return file.readAll();
}

TfjsNode parseNode(const QJsonObject& json, const QString& path)
{
    TfjsNode node;
    node.name = json.value(QStringLiteral("name")).toString();
    node.op = json.value(QStringLiteral("op")).toString();
    if (node.name.isEmpty() || node.op.isEmpty())
        throw Error(QStringLiteral("%1: a graph node has no name or op").arg(path));
    for (const QJsonValue& in : json.value(QStringLiteral("input")).toArray()) {
        QString name = in.toString();
        if (name.startsWith(QLatin1Char('^'))) continue; // control dependency: no data flows
        if (name.endsWith(QLatin1String(":0"))) name.chop(2);
        node.inputs << name;
    }
    node.attr = json.value(QStringLiteral("attr")).toObject();
    return node;
}

} // namespace

QString TfjsNode::stringAttr(const QString& key) const
{
    return QString::fromUtf8(QByteArray::fromBase64(
        attrValue(attr, key).value(QStringLiteral("s")).toString().toLatin1()));
}

QStringList TfjsNode::stringListAttr(const QString& key) const
{
    QStringList out;
    const QJsonObject list = attrValue(attr, key).value(QStringLiteral("list")).toObject();
    for (const QJsonValue& s : list.value(QStringLiteral("s")).toArray())
        out << QString::fromUtf8(QByteArray::fromBase64(s.toString().toLatin1()));
    return out;
}

std::vector<qint64> TfjsNode::intListAttr(const QString& key) const
{
    std::vector<qint64> out;
    const QJsonObject list = attrValue(attr, key).value(QStringLiteral("list")).toObject();
    for (const QJsonValue& v : list.value(QStringLiteral("i")).toArray()) {
        bool ok = false;
        out.push_back(jsonInt(v, &ok));
        if (!ok)
            throw Error(QStringLiteral("node '%1': attribute '%2' holds a non-integer").arg(name, key));
    }
    return out;
}

bool TfjsNode::boolAttr(const QString& key, bool fallback) const
{
    const QJsonObject v = attrValue(attr, key);
    return v.contains(QStringLiteral("b")) ? v.value(QStringLiteral("b")).toBool() : fallback;
}

qint64 TfjsWeight::elementCount() const
{
    return product(shape);
}

const TfjsWeight* TfjsGraphFile::weight(const QString& name) const
{
    for (const TfjsWeight& w : weights)
        if (w.name == name) return &w;
    return nullptr;
}

const TfjsNode* TfjsGraphFile::node(const QString& name) const
{
    for (const TfjsNode& n : nodes)
        if (n.name == name) return &n;
    return nullptr;
}

QString TfjsGraphFile::headConvolution() const
{
    static const QStringList passThrough{QStringLiteral("Identity"), QStringLiteral("BiasAdd"), QStringLiteral("Relu"),
                                         QStringLiteral("Relu6")};
    static const QStringList convolutions{QStringLiteral("_FusedConv2D"), QStringLiteral("Conv2D"),
                                          QStringLiteral("DepthwiseConv2dNative")};
    for (const TfjsNode& mean : nodes) {
        if (mean.op != QLatin1String("Mean") || mean.inputs.isEmpty()) continue;
        const TfjsNode* n = node(mean.inputs.front());
        while (n && passThrough.contains(n->op) && !n->inputs.isEmpty()) n = node(n->inputs.front());
        if (n && convolutions.contains(n->op)) return n->name;
    }
    return {};
}

QString TfjsGraphFile::headInput() const
{
    const TfjsNode* head = node(headConvolution());
    return head && !head->inputs.isEmpty() ? head->inputs.front() : QString();
}

qint64 tfjsWeightByteSize(const QJsonObject& entry)
{
    const QString stored = storedDtype(entry);
    const int bytes = elementBytes(stored);
    if (bytes == 0)
        throw Error(QStringLiteral("%1 has dtype '%2', which Exemplar cannot decode "
                                   "(supported: float32, int32, bool, float16/uint8/uint16 quantised)")
                        .arg(entryLabel(entry), stored));
    return product(entryShape(entry)) * bytes;
}

TfjsWeight decodeTfjsWeight(const QJsonObject& entry, const QByteArray& bytes)
{
    TfjsWeight w;
    w.name = entry.value(QStringLiteral("name")).toString();
    w.shape = entryShape(entry);
    const QString declared = entry.value(QStringLiteral("dtype")).toString();
    const QJsonObject q = entry.value(QStringLiteral("quantization")).toObject();
    const QString stored = storedDtype(entry);
    const qint64 n = product(w.shape);
    if (bytes.size() != tfjsWeightByteSize(entry))
        throw Error(QStringLiteral("%1: expected %2 bytes, got %3")
                        .arg(entryLabel(entry)).arg(tfjsWeightByteSize(entry)).arg(bytes.size()));
    const auto* raw = reinterpret_cast<const uchar*>(bytes.constData());

    // TF.js writes little-endian bytes (it copies typed arrays on little-endian hosts).
    std::vector<double> values(static_cast<size_t>(n));
    if (stored == QLatin1String("float32")) {
        for (qint64 i = 0; i < n; ++i) values[i] = qFromLittleEndian<float>(raw + 4 * i);
    } else if (stored == QLatin1String("int32")) {
        for (qint64 i = 0; i < n; ++i) values[i] = qFromLittleEndian<qint32>(raw + 4 * i);
    } else if (stored == QLatin1String("bool")) {
        for (qint64 i = 0; i < n; ++i) values[i] = raw[i] ? 1 : 0;
    } else if (stored == QLatin1String("float16")) {
        for (qint64 i = 0; i < n; ++i) {
            const quint16 bits = qFromLittleEndian<quint16>(raw + 2 * i);
            qfloat16 h;
            std::memcpy(&h, &bits, sizeof bits);
            values[i] = float(h);
        }
    } else { // uint8 / uint16 affine quantisation: value = q * scale + min
        if (!q.contains(QStringLiteral("scale")) || !q.contains(QStringLiteral("min")))
            throw Error(QStringLiteral("%1 is %2-quantised but lacks 'scale' or 'min'")
                            .arg(entryLabel(entry), stored));
        const double scale = q.value(QStringLiteral("scale")).toDouble();
        const double min = q.value(QStringLiteral("min")).toDouble();
        for (qint64 i = 0; i < n; ++i) {
            const double code = stored == QLatin1String("uint8")
                                    ? double(raw[i])
                                    : double(qFromLittleEndian<quint16>(raw + 2 * i));
            // TF.js computes this in float32 (a Float32Array); match its rounding.
            values[i] = float(float(code) * float(scale) + float(min));
        }
    }

    if (declared == QLatin1String("float32")) {
        w.dtype = declared;
        w.floats.assign(values.begin(), values.end());
    } else if (declared == QLatin1String("int32") || declared == QLatin1String("bool")) {
        w.dtype = QStringLiteral("int32");
        w.ints.reserve(size_t(n));
        for (double v : values) w.ints.push_back(qint32(std::lround(v)));
    } else {
        throw Error(QStringLiteral("%1 has dtype '%2', which Exemplar cannot use").arg(entryLabel(entry), declared));
    }
    return w;
}

std::vector<TfjsWeight> readTfjsWeights(const QJsonArray& manifest, const QString& manifestFile)
{
    std::vector<TfjsWeight> weights;
    const QDir base = QFileInfo(manifestFile).absoluteDir();
    for (const QJsonValue& groupValue : manifest) {
        const QJsonObject group = groupValue.toObject();
        // A group's weights are one byte stream split across its shard files.
        QByteArray buffer;
        QStringList shardPaths;
        for (const QJsonValue& p : group.value(QStringLiteral("paths")).toArray()) {
            const QString shard = base.filePath(p.toString());
            shardPaths << shard;
            buffer += readWholeFile(shard, QStringLiteral("a weight file of %1").arg(manifestFile));
        }
        qint64 offset = 0;
        for (const QJsonValue& e : group.value(QStringLiteral("weights")).toArray()) {
            const QJsonObject entry = e.toObject();
            try {
                const qint64 size = tfjsWeightByteSize(entry);
                if (offset + size > buffer.size())
                    throw Error(QStringLiteral("%1 needs bytes %2..%3 but the weight data has only %4 bytes "
                                               "(truncated or mismatched file)")
                                    .arg(entryLabel(entry)).arg(offset).arg(offset + size).arg(buffer.size()));
                weights.push_back(decodeTfjsWeight(entry, buffer.mid(offset, size)));
                offset += size;
            } catch (const Error& error) {
                throw Error(QStringLiteral("%1 (weights %2): %3")
                                .arg(manifestFile, shardPaths.join(QStringLiteral(", ")), error.message()));
            }
        }
        if (offset != buffer.size())
            throw Error(QStringLiteral("%1: weight files %2 hold %3 bytes but the manifest describes %4")
                            .arg(manifestFile, shardPaths.join(QStringLiteral(", ")))
                            .arg(buffer.size()).arg(offset));
    }
    return weights;
}

TfjsGraphFile readTfjsGraphModel(const QString& modelJsonPath)
{
    TfjsGraphFile model;
    model.path = modelJsonPath;
    const QByteArray text = readWholeFile(modelJsonPath, QStringLiteral("the model description"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
    if (doc.isNull())
        throw Error(QStringLiteral("%1: not valid JSON (%2 at offset %3)")
                        .arg(modelJsonPath, parseError.errorString()).arg(parseError.offset));
    // A bare weights manifest (a list, no graph) is how face-api ships its models; the one whose
    // network Exemplar knows is given its graph there.
    if (doc.isArray()) return faceApiExpressionGraph(modelJsonPath, doc.array());
    const QJsonObject root = doc.object();
    const QString format = root.value(QStringLiteral("format")).toString();
    if (format == QLatin1String(kEnsembleFormat)) return ensembleGraph(modelJsonPath, root);
    if (!format.isEmpty() && format != QLatin1String("graph-model"))
        throw Error(QStringLiteral("%1: a TF.js '%2', not a graph model").arg(modelJsonPath, format));
    const QJsonArray nodes =
        root.value(QStringLiteral("modelTopology")).toObject().value(QStringLiteral("node")).toArray();
    if (nodes.isEmpty())
        throw Error(QStringLiteral("%1: no modelTopology.node list (not a TF.js graph model)").arg(modelJsonPath));
    for (const QJsonValue& n : nodes) model.nodes.push_back(parseNode(n.toObject(), modelJsonPath));

    const QJsonValue manifest = root.value(QStringLiteral("weightsManifest"));
    if (!manifest.isArray())
        throw Error(QStringLiteral("%1: no weightsManifest list").arg(modelJsonPath));
    model.weights = readTfjsWeights(manifest.toArray(), modelJsonPath);
    return model;
}

} // namespace exemplar::learning
