#include "core/learning/tfjs/EnsembleGraph.h"

#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/ModelLocator.h"
#include "core/learning/tfjs/TfjsGraphBuilder.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>

#include <functional>

namespace exemplar::learning {

namespace {

struct MemberOutputs {
    QString features; // pooled, [N, F]
    QString logProbabilities; // [N, classes] in the first member's class order
};

class EnsembleBuilder : public TfjsGraphBuilder {
public:
    EnsembleBuilder(TfjsGraphFile& graph, PretrainedModelInfo lead) : TfjsGraphBuilder(graph), lead_(std::move(lead)) {}

    // The ensemble's input as the first member takes it, and the same image in [0, 1].
    void addInput()
    {
        input_ = input(QStringLiteral("ensemble/input"), lead_.inputSize, lead_.grayscale ? 1 : 3);
        image_ = input_;
        if (lead_.inputShift != 0)
            image_ = node(QStringLiteral("ensemble/image/unshifted"), QStringLiteral("AddV2"),
                          {image_, constant(QStringLiteral("ensemble/image/minus_shift"), {}, {float(-lead_.inputShift)})});
        if (lead_.inputScale != 1)
            image_ = node(QStringLiteral("ensemble/image"), QStringLiteral("Mul"),
                          {image_, constant(QStringLiteral("ensemble/image/one_over_scale"), {}, {float(1.0 / lead_.inputScale)})});
    }

    // Copies `member`'s graph under "<name>/", fed the ensemble's image as its library feeds it.
    MemberOutputs addMember(const PretrainedModelInfo& info, const TfjsGraphFile& member)
    {
        const QString prefix = info.name + QLatin1Char('/');
        const QString fed = info.name == lead_.name ? input_ : adapt(info, prefix);
        for (const TfjsNode& n : member.nodes) {
            TfjsNode copy = n;
            copy.name = prefix + n.name;
            for (QString& in : copy.inputs) in.prepend(prefix);
            if (n.op == QLatin1String("Placeholder")) {
                copy.op = QStringLiteral("Identity");
                copy.inputs = QStringList{fed};
                copy.attr = {};
            }
            graph().nodes.push_back(copy);
        }
        for (TfjsWeight w : member.weights) {
            w.name.prepend(prefix);
            graph().weights.push_back(std::move(w));
        }

        // As BackboneNet reads a single model: the named nodes, else the head convolution's input
        // and output, spatially pooled.
        const QString featureNode = info.featureNode.isEmpty() ? member.headInput() : info.featureNode;
        const QString logitsNode = info.logitsNode.isEmpty() ? member.headConvolution() : info.logitsNode;
        if (featureNode.isEmpty() || logitsNode.isEmpty() || !member.node(featureNode) || !member.node(logitsNode))
            throw Error(QStringLiteral("%1: no classifier and features to read").arg(member.path));
        MemberOutputs out;
        out.features = info.featureNode.isEmpty() ? pooled(prefix + featureNode, prefix + QStringLiteral("ensemble/features"))
                                                  : prefix + featureNode;
        const QString logits = info.logitsNode.isEmpty() ? pooled(prefix + logitsNode, prefix + QStringLiteral("ensemble/logits"))
                                                         : prefix + logitsNode;
        out.logProbabilities = node(prefix + QStringLiteral("ensemble/log_probabilities"), QStringLiteral("LogSoftmax"), {logits});
        if (info.classes != lead_.classes) out.logProbabilities = reordered(info, out.logProbabilities, prefix);
        return out;
    }

    // Averages the members' log-probabilities and puts their features side by side; drops what the
    // outputs do not need (the members' own softmax), so the probabilities are the graph's output.
    void addOutputs(const std::vector<MemberOutputs>& members)
    {
        QString sum = members.front().logProbabilities;
        QStringList features{members.front().features};
        for (size_t m = 1; m < members.size(); ++m) {
            sum = node(QStringLiteral("ensemble/sum%1").arg(m), QStringLiteral("AddV2"), {sum, members[m].logProbabilities});
            features << members[m].features;
        }
        const QString logits = node(QString::fromLatin1(kEnsembleLogitsNode), QStringLiteral("Mul"),
                                    {sum, constant(QStringLiteral("ensemble/one_over_members"), {}, {1.0f / float(members.size())})});
        // The output first: the executor takes the first node nothing reads as the graph's output.
        node(QString::fromLatin1(kEnsembleOutputNode), QStringLiteral("Softmax"), {logits});
        features << intConstant(QStringLiteral("ensemble/features/axis"), {-1});
        node(QString::fromLatin1(kEnsembleFeatureNode), QStringLiteral("ConcatV2"), features);
        keepOnlyWhatIsRead({QString::fromLatin1(kEnsembleOutputNode), QString::fromLatin1(kEnsembleFeatureNode)});
    }

private:
    // The [0, 1] image as `info`'s library prepares it for its model.
    QString adapt(const PretrainedModelInfo& info, const QString& prefix)
    {
        QString x = image_;
        if (info.inputSize != lead_.inputSize)
            x = node(prefix + QStringLiteral("ensemble/resized"), QStringLiteral("ResizeBilinear"),
                     {x, intConstant(prefix + QStringLiteral("ensemble/size"), {info.inputSize, info.inputSize})});
        if (info.grayscale && !lead_.grayscale)
            x = node(prefix + QStringLiteral("ensemble/gray"), QStringLiteral("Conv2D"),
                     {x, constant(prefix + QStringLiteral("ensemble/luma"), {1, 1, 3, 1},
                                  {kFaceModelLuma[0], kFaceModelLuma[1], kFaceModelLuma[2]})},
                     convAttr(1, false));
        if (info.inputScale != 1)
            x = node(prefix + QStringLiteral("ensemble/scaled"), QStringLiteral("Mul"),
                     {x, constant(prefix + QStringLiteral("ensemble/scale"), {}, {float(info.inputScale)})});
        if (info.inputShift != 0)
            x = node(prefix + QStringLiteral("ensemble/shifted"), QStringLiteral("AddV2"),
                     {x, constant(prefix + QStringLiteral("ensemble/shift"), {}, {float(info.inputShift)})});
        return x;
    }

    QString pooled(const QString& map, const QString& name)
    {
        return node(name, QStringLiteral("Mean"), {map, intConstant(name + QStringLiteral("/axes"), {1, 2})});
    }

    // Log-probabilities in the first member's class order: a permutation as a constant matrix.
    QString reordered(const PretrainedModelInfo& info, const QString& logProbabilities, const QString& prefix)
    {
        const qint64 k = lead_.classes.size();
        std::vector<float> permutation(size_t(k * k), 0.0f); // [member class, lead class]
        for (qint64 from = 0; from < k; ++from)
            permutation[size_t(from * k + lead_.classes.indexOf(info.classes[from]))] = 1.0f;
        return node(prefix + QStringLiteral("ensemble/reordered"), QStringLiteral("MatMul"),
                    {logProbabilities, constant(prefix + QStringLiteral("ensemble/class_order"), {k, k}, permutation)});
    }

    void keepOnlyWhatIsRead(const QStringList& outputs)
    {
        TfjsGraphFile& g = graph();
        QSet<QString> needed;
        std::function<void(const QString&)> mark = [&](const QString& name) {
            if (needed.contains(name)) return;
            needed.insert(name);
            if (const TfjsNode* n = g.node(name))
                for (const QString& in : n->inputs) mark(in);
        };
        for (const QString& out : outputs) mark(out);
        std::erase_if(g.nodes, [&](const TfjsNode& n) { return !needed.contains(n.name); });
        std::erase_if(g.weights, [&](const TfjsWeight& w) { return !needed.contains(w.name); });
    }

    PretrainedModelInfo lead_;
    QString input_, image_;
};

PretrainedModelInfo memberInfo(const QString& path, const QString& name, const PretrainedModelInfo* lead)
{
    if (!knownPretrainedModels().contains(name))
        throw Error(QStringLiteral("%1: unknown member '%2' (known models: %3)")
                        .arg(path, name, knownPretrainedModels().join(QStringLiteral(", "))));
    const PretrainedModelInfo info = pretrainedModelInfo(name);
    if (!info.members.isEmpty()) throw Error(QStringLiteral("%1: member '%2' is itself an ensemble").arg(path, name));
    if (info.binaryLogit || info.classes.size() < 2)
        throw Error(QStringLiteral("%1: member '%2' has no class scores to average (one sigmoid output)").arg(path, name));
    if (lead) {
        QStringList mine = info.classes, theirs = lead->classes;
        mine.sort();
        theirs.sort();
        if (mine != theirs)
            throw Error(QStringLiteral("%1: member '%2' has the classes %3, the first member '%4' has %5: an ensemble "
                                       "averages the same classes")
                            .arg(path, name, info.classes.join(QStringLiteral(", ")), lead->name,
                                 lead->classes.join(QStringLiteral(", "))));
        if (!info.grayscale && lead->grayscale)
            throw Error(QStringLiteral("%1: member '%2' reads colour images, the first member '%3' gray ones: put the colour "
                                       "model first")
                            .arg(path, name, lead->name));
    }
    return info;
}

} // namespace

TfjsGraphFile ensembleGraph(const QString& path, const QJsonObject& root)
{
    QStringList names;
    for (const QJsonValue& m : root.value(QStringLiteral("members")).toArray()) names << m.toString();
    if (names.size() < 2 || names.contains(QString()))
        throw Error(QStringLiteral("%1: an ensemble needs a \"members\" list of at least two model names").arg(path));
    if (QSet<QString>(names.cbegin(), names.cend()).size() != names.size())
        throw Error(QStringLiteral("%1: a member is listed twice").arg(path));

    const PretrainedModelInfo lead = memberInfo(path, names.front(), nullptr);
    TfjsGraphFile graph;
    graph.path = path;
    EnsembleBuilder builder(graph, lead);
    builder.addInput();
    std::vector<MemberOutputs> outputs;
    for (const QString& name : names) {
        const PretrainedModelInfo info = memberInfo(path, name, &lead);
        const QString file = QFileInfo(path).dir().filePath(info.fileName);
        TfjsGraphFile member;
        try {
            member = readTfjsGraphModel(file);
        } catch (const Error& error) {
            throw Error(QStringLiteral("%1: member '%2': %3").arg(path, name, error.message()));
        }
        outputs.push_back(builder.addMember(info, member));
    }
    builder.addOutputs(outputs);
    return graph;
}

} // namespace exemplar::learning
