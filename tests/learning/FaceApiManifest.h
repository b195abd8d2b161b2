#pragma once
// A small weights manifest with face-api's expression network's weight names and known weights,
// written as face-api ships its models (test_faceapi_graph, test_ensemble_graph).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace exemplar::test::faceapi {

using Vec = std::vector<double>;
using Mat = std::vector<Vec>; // [in][out]

inline const int kChannels[4] = {4, 5, 3, 6}; // dense0..dense3 (face-api: 32, 64, 128, 256)
constexpr int kClasses = 7;

struct Weight {
    std::vector<int> shape;
    std::vector<double> values;
};

// face-api's weight names and shapes, with values from `seed`: multiples of 1/256 (exact in
// float32) and only the centre tap of each 3x3 kernel set.
inline std::map<QString, Weight> manifestWeights(int seed)
{
    std::map<QString, Weight> w;
    int counter = seed * 1000;
    auto values = [&](int n) {
        Vec v;
        for (int i = 0; i < n; ++i) v.push_back(std::round(std::sin(0.77 * ++counter) * 0.6 * 256.0) / 256.0);
        return v;
    };
    auto centreOnly = [&](int in, int out) { // [3, 3, in, out], only [1][1] set
        Weight k{{3, 3, in, out}, Vec(size_t(9 * in * out), 0.0)};
        const Vec centre = values(in * out);
        std::copy(centre.begin(), centre.end(), k.values.begin() + 4 * in * out);
        return k;
    };
    int in = 3;
    for (int b = 0; b < 4; ++b) {
        const QString d = QStringLiteral("dense%1").arg(b);
        const int c = kChannels[b];
        for (int k = 0; k < 4; ++k) {
            const QString p = QStringLiteral("%1/conv%2").arg(d).arg(k);
            const int from = k == 0 ? in : c;
            if (b == 0 && k == 0) {
                w[p + "/filters"] = centreOnly(from, c);
            } else {
                w[p + "/depthwise_filter"] = centreOnly(from, 1);
                w[p + "/pointwise_filter"] = Weight{{1, 1, from, c}, values(from * c)};
            }
            w[p + "/bias"] = Weight{{c}, values(c)};
        }
        in = c;
    }
    w["fc/weights"] = Weight{{in, kClasses}, values(in * kClasses)};
    w["fc/bias"] = Weight{{kClasses}, values(kClasses)};
    return w;
}

// Writes the weights as face-api ships them: a manifest list and one shard. `skip`: a weight left
// out; `chop`: bytes cut off the shard.
inline QString writeManifest(const QString& dir, const std::map<QString, Weight>& weights, const QString& skip = {}, int chop = 0)
{
    QJsonArray entries;
    QByteArray bytes;
    for (const auto& [name, w] : weights) {
        if (name == skip) continue;
        QJsonArray shape;
        for (int d : w.shape) shape.append(d);
        entries.append(QJsonObject{{"name", name}, {"shape", shape}, {"dtype", "float32"}});
        for (double v : w.values) {
            char le[4];
            qToLittleEndian<float>(float(v), le);
            bytes.append(le, 4);
        }
    }
    bytes.chop(chop);
    QFile bin(dir + "/face_expression_model.bin");
    if (!bin.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(bin.fileName()));
    bin.write(bytes);
    const QString path = dir + "/face_expression_model-weights_manifest.json";
    QFile json(path);
    if (!json.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    json.write(QJsonDocument(QJsonArray{QJsonObject{{"paths", QJsonArray{"face_expression_model.bin"}}, {"weights", entries}}})
                   .toJson());
    return path;
}

} // namespace exemplar::test::faceapi
