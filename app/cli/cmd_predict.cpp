// exemplar-cli predict: classifies image files with an exported model (no catalogue needed).
// Photos that are not face crops are searched for faces (core/imaging/FaceDetector): one prediction
// per face, with its box, framed as the model was trained (sidecar config "face"). A face crop, or
// an image where no face is found, gets one prediction through ExportedModel::predictFiles, the
// pipeline of training and evaluation.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/learning/ExportedModel.h"
#include "core/learning/FaceImage.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar::cli {

using namespace exemplar::learning;

namespace {

struct FacePrediction {
    QString file;
    std::optional<cv::Rect> box; // none: the whole image was classified
    FaceStatus status = FaceStatus::None;
    ExportedModel::Prediction prediction;
};

cv::Mat readImage(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = f.readAll();
    if (bytes.isEmpty()) return {};
    try {
        return cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.constData())), cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
        return {};
    }
}

// Boxes and "class 0.93" labels drawn on the photo, line widths scaled to its size.
void writeAnnotated(const cv::Mat& image, const std::vector<FacePrediction>& faces, const QString& out)
{
    cv::Mat canvas = image.clone();
    const double unit = std::max(1.0, std::max(canvas.cols, canvas.rows) / 600.0);
    for (const FacePrediction& f : faces) {
        const cv::Rect box = f.box.value_or(cv::Rect(0, 0, canvas.cols, canvas.rows));
        const cv::Scalar colour(60, 220, 60);
        cv::rectangle(canvas, box, colour, int(std::lround(2 * unit)));
        const std::string text = QStringLiteral("%1 %2")
                                     .arg(f.prediction.className)
                                     .arg(f.prediction.probabilities[f.prediction.classIndex], 0, 'f', 2)
                                     .toStdString();
        int baseline = 0;
        const double scale = 0.6 * unit;
        const int thickness = int(std::lround(1.5 * unit));
        const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
        const int top = box.y > size.height + 6 ? box.y - size.height - 6 : box.y;
        cv::rectangle(canvas, cv::Rect(box.x, top, size.width + 8, size.height + 6 + baseline / 2), colour, cv::FILLED);
        cv::putText(canvas, text, cv::Point(box.x + 4, top + size.height + 3), cv::FONT_HERSHEY_SIMPLEX, scale,
                    cv::Scalar(0, 0, 0), thickness, cv::LINE_AA);
    }
    std::vector<uchar> png;
    cv::imencode(".png", canvas, png);
    QFile f(out);
    if (!f.open(QIODevice::WriteOnly) || f.write(reinterpret_cast<const char*>(png.data()), qint64(png.size())) < 0)
        throw Error(QStringLiteral("%1: cannot write the annotated image").arg(out));
}

} // namespace

int runPredict(const QStringList& args)
{
    QCommandLineParser p;
    const QCommandLineOption modelDir("model", kModelOptionHelp, "DIR");
    const QCommandLineOption threads("threads", "Threads (default: all cores).", "N");
    const QCommandLineOption json("json", "Print the predictions as JSON.");
    const QCommandLineOption annotate("annotate",
                                      "Draw the face boxes and predicted classes: into this PNG file (one FILE) or "
                                      "into this folder as <name>.png (several FILEs).",
                                      "OUT");
    const QCommandLineOption noDetect("no-detect-faces", "Classify each whole image, without looking for faces.");
    p.addOptions({modelDir, threads, json, annotate, noDetect});
    p.addPositionalArgument("files", "Image files to classify.", "FILE...");
    int code = kExitOk;
    if (!parseArguments(p, "predict",
                        "Classify image files with an exported model. In photos that are not face crops each "
                        "face found is classified, with its box.",
                        args, code))
        return code;
    const QStringList files = p.positionalArguments();
    if (!p.isSet(modelDir) || files.isEmpty()) {
        printError("exemplar-cli predict: --model DIR and at least one FILE are required");
        return kExitUsage;
    }
    ExportedModel model = ExportedModel::load(p.value(modelDir));
    model.setThreads(p.value(threads).toInt());
    const FaceFraming framing = faceFramingOfSidecar(model.sidecar());
    const QString annotateOut = p.value(annotate);
    const bool annotateIntoDir = !annotateOut.isEmpty() && (files.size() > 1 || QFileInfo(annotateOut).isDir());
    if (annotateIntoDir && !QDir().mkpath(annotateOut))
        throw Error(QStringLiteral("%1: cannot create the folder").arg(annotateOut));
    std::unique_ptr<FaceDetectorPool> detectors;
    if (!p.isSet(noDetect)) detectors = std::make_unique<FaceDetectorPool>();

    CancelFlag cancel;
    InterruptGuard guard(cancel);
    std::vector<Issue> issues;
    std::vector<FacePrediction> results;
    for (const QString& file : files) {
        if (cancel.isCancelled()) return kExitCancelled;
        const cv::Mat image = readImage(file);
        if (image.empty()) {
            issues.push_back({file, QStringLiteral("cannot be read as an image")});
            continue;
        }
        const FaceDetection detection = detectors ? detectors->detect(image) : FaceDetection{};
        // The crops, in BGR (predictImages scales and converts like training did).
        std::vector<cv::Mat> crops;
        std::vector<FacePrediction> here;
        const bool perFace = detection.status == FaceStatus::Found || detection.status == FaceStatus::Several;
        if (perFace) {
            for (const DetectedFace& face : detection.faces) {
                crops.push_back(cropDetectedFace(image, face, model.imageSize(), framing, model.faceSampling()));
                here.push_back({file, face.box, detection.status, {}});
            }
        } else if (detectors) {
            // A face crop, or no face found: the file goes through exactly the training pipeline
            // (decoding scale, detection, framing, resizing), so predict equals the run's evaluation.
            here.push_back({file, std::nullopt, detection.status, {}});
        } else {
            crops.push_back(image); // --no-detect-faces: the whole image, centre square
            here.push_back({file, std::nullopt, detection.status, {}});
        }
        std::vector<ExportedModel::Prediction> predictions;
        if (perFace || !detectors) {
            predictions = model.predictImages(crops);
        } else {
            std::vector<Issue> fileIssues;
            predictions = model.predictFiles({file}, &fileIssues);
            issues.insert(issues.end(), fileIssues.begin(), fileIssues.end());
            if (predictions.empty()) continue;
        }
        for (size_t i = 0; i < here.size() && i < predictions.size(); ++i) {
            here[i].prediction = predictions[i];
            here[i].prediction.file = file;
        }
        if (!annotateOut.isEmpty())
            writeAnnotated(image, here,
                           annotateIntoDir ? QDir(annotateOut).filePath(QFileInfo(file).completeBaseName() + ".png") : annotateOut);
        results.insert(results.end(), here.begin(), here.end());
    }
    const QStringList classes = model.classes();
    if (p.isSet(json)) {
        QJsonArray items;
        for (const auto& r : results) {
            const auto& pred = r.prediction;
            QJsonObject probs;
            for (int k = 0; k < classes.size(); ++k) probs[classes[k]] = double(pred.probabilities[k]);
            QJsonObject item{{"file", pred.file}, {"class", pred.className},
                             {"probability", double(pred.probabilities[pred.classIndex])},
                             {"probabilities", probs}, {"faces", faceStatusName(r.status)}};
            if (!detectors) item.remove("faces");
            if (r.box) item.insert("box", QJsonObject{{"x", r.box->x}, {"y", r.box->y}, {"w", r.box->width}, {"h", r.box->height}});
            items.append(item);
        }
        QJsonArray problems;
        for (const auto& i : issues) problems.append(QJsonObject{{"file", i.file}, {"problem", i.problem}});
        printJson(QJsonObject{{"classes", QJsonArray::fromStringList(classes)}, {"face", faceFramingName(framing)},
                              {"predictions", items}, {"issues", problems}});
    } else {
        for (const auto& r : results) {
            QString line = QStringLiteral("%1\t%2\t%3").arg(r.prediction.file, r.prediction.className)
                               .arg(r.prediction.probabilities[r.prediction.classIndex], 0, 'f', 3);
            if (r.box) line += QStringLiteral("\tface %1,%2 %3x%4").arg(r.box->x).arg(r.box->y).arg(r.box->width).arg(r.box->height);
            else if (r.status == FaceStatus::None && detectors) line += QStringLiteral("\tno face found: whole image");
            printOut(line);
        }
        for (const auto& i : issues) printError(QStringLiteral("%1: %2").arg(i.file, i.problem));
    }
    return issues.empty() ? kExitOk : kExitError;
}

} // namespace exemplar::cli
