#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar::test {

QString facesDevDir()
{
    const QString dir = QStringLiteral(EXEMPLAR_FACES_DEV_DIR);
    if (QFileInfo::exists(dir + QStringLiteral("/labels.csv")) && QFileInfo(dir + QStringLiteral("/images")).isDir())
        return QDir(dir).absolutePath();
    return {};
}

QString cliPath() { return QStringLiteral(EXEMPLAR_BINARY_DIR "/app/exemplar-cli"); }

void writeSyntheticImage(const QString& path, int width, int height, int seed)
{
    cv::Mat img(height, width, CV_8UC3);
    cv::RNG rng(static_cast<uint64_t>(seed) * 7919u + 17u);
    rng.fill(img, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::circle(img, {width / 2, height / 2}, std::max(2, std::min(width, height) / 3),
               cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), -1);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QVERIFY2(cv::imwrite(path.toStdString(), img), qPrintable(QStringLiteral("cannot write ") + path));
}

void writeTextFile(const QString& path, const QByteArray& contents)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(QStringLiteral("cannot write ") + path));
    f.write(contents);
}

} // namespace exemplar::test
