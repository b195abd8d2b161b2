#pragma once
// Checks of a real pretrained model on faces-dev images of one expression.
#include "core/learning/tfjs/FaceModelInput.h"
#include "core/learning/tfjs/TfjsModel.h"

#include <QFile>
#include <QString>
#include <QStringList>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <vector>

namespace exemplar::test {

// Paths of the first `count` images labelled `expression` in faces-dev's labels.csv (fewer if
// there are fewer; none when the file cannot be read).
inline QStringList facesDevImagesOf(const QString& facesDev, const QString& expression, int count)
{
    QStringList paths;
    QFile labels(facesDev + QStringLiteral("/labels.csv"));
    if (!labels.open(QIODevice::ReadOnly | QIODevice::Text)) return paths;
    labels.readLine(); // header: file,expression,...
    while (!labels.atEnd() && paths.size() < count) {
        const QStringList f = QString::fromUtf8(labels.readLine()).trimmed().split(QLatin1Char(','));
        if (f.size() >= 2 && f[1] == expression) paths << facesDev + QStringLiteral("/images/") + f[0];
    }
    return paths;
}

// How many of the images at `files` the model classifies as its output `classIndex`, each fed as the
// model's library feeds it (faceModelInput at `size`, gray or RGB; RGB times rgbScale). -1 when an
// image cannot be decoded.
inline int countClassifiedAs(const QString& modelFile, const QStringList& files, int size, bool gray, float rgbScale,
                             int classIndex)
{
    std::vector<float> input;
    for (const QString& file : files) {
        const cv::Mat image = cv::imread(file.toStdString());
        if (image.empty()) return -1;
        for (float v : learning::faceModelInput(image, size, gray)) input.push_back(gray ? v : v * rgbScale);
    }
    const learning::TfjsOutput out = learning::TfjsModel::load(modelFile).predict(input, int(files.size()), size, size);
    const int classes = int(out.shape.back());
    int count = 0;
    for (int i = 0; i < int(files.size()); ++i) {
        const auto row = out.values.begin() + i * classes;
        count += std::max_element(row, row + classes) - row == classIndex;
    }
    return count;
}

} // namespace exemplar::test
