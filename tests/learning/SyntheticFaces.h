#pragma once
// Generated face-like pictures for the learning tests (no real data needed): a face ellipse at a
// random position and scale, two eyes, and a mouth that smiles (class 0) or frowns (class 1),
// over noise. Each identity keeps its face shape and skin tone across its images.
#include "core/learning/TrainingData.h"

#include <QDir>
#include <QString>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <random>

namespace exemplar::test {

inline learning::TrainingData writeSyntheticFaces(const QString& dir, int count, unsigned seed,
                                                  int imagesPerIdentity = 3, int side = 72)
{
    QDir().mkpath(dir);
    std::mt19937 rng(seed);
    auto uni = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
    learning::TrainingData data;
    data.task = QStringLiteral("mouth");
    data.classNames = {QStringLiteral("smile"), QStringLiteral("frown")};
    double tone = 0, faceW = 0, faceH = 0;
    for (int i = 0; i < count; ++i) {
        if (i % imagesPerIdentity == 0) {
            tone = uni(140, 220);
            faceW = uni(0.30, 0.38);
            faceH = uni(0.38, 0.46);
        }
        const int label = int(rng() % 2);
        cv::Mat img(side, side, CV_8UC1);
        cv::randu(img, cv::Scalar(0), cv::Scalar(90));
        const double scale = uni(0.85, 1.1);
        const cv::Point2d c(side * (0.5 + uni(-0.06, 0.06)), side * (0.5 + uni(-0.06, 0.06)));
        const cv::Size axes(int(side * faceW * scale), int(side * faceH * scale));
        cv::ellipse(img, c, axes, 0, 0, 360, cv::Scalar(tone), cv::FILLED, cv::LINE_AA);
        const double ex = axes.width * 0.45, ey = axes.height * 0.3;
        const int eyeR = std::max(2, int(side * 0.035 * scale));
        cv::circle(img, c + cv::Point2d(-ex, -ey), eyeR, cv::Scalar(30), cv::FILLED, cv::LINE_AA);
        cv::circle(img, c + cv::Point2d(ex, -ey), eyeR, cv::Scalar(30), cv::FILLED, cv::LINE_AA);
        const cv::Size mouth(int(axes.width * 0.5), int(axes.height * 0.25));
        const int thickness = std::max(2, int(side * 0.04));
        if (label == 0) // smile: lower half of an ellipse
            cv::ellipse(img, c + cv::Point2d(0, axes.height * 0.25), mouth, 0, 0, 180, cv::Scalar(20),
                        thickness, cv::LINE_AA);
        else // frown: upper half, lower on the face
            cv::ellipse(img, c + cv::Point2d(0, axes.height * 0.6), mouth, 0, 180, 360, cv::Scalar(20),
                        thickness, cv::LINE_AA);
        cv::Mat noise(side, side, CV_16SC1);
        cv::randn(noise, 0, 12);
        cv::Mat noisy;
        img.convertTo(noisy, CV_16SC1);
        noisy += noise;
        noisy.convertTo(img, CV_8UC1);
        const QString path = QDir(dir).filePath(QStringLiteral("face_%1.png").arg(i, 4, 10, QLatin1Char('0')));
        cv::imwrite(path.toStdString(), img);
        data.samples.push_back({path, label, QStringLiteral("person%1").arg(i / imagesPerIdentity), i + 1});
    }
    return data;
}

} // namespace exemplar::test
