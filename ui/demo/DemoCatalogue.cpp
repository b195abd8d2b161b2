#include "ui/demo/DemoCatalogue.h"

#include "core/catalogue/Catalogue.h"
#include "core/imaging/ContentHash.h"
#include "core/util/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace exemplar::ui {

namespace {

enum Expression { Neutral, Happiness, Sadness, Surprise, Anger, ExpressionCount };

struct Face {
    int expression = Neutral;
    bool glasses = false;
};

cv::Scalar jitter(cv::RNG& rng, cv::Scalar base, int amount)
{
    return {base[0] + rng.uniform(-amount, amount), base[1] + rng.uniform(-amount, amount),
            base[2] + rng.uniform(-amount, amount)};
}

// Everything is drawn in a 256-unit space and scaled, so faces look the same at any side.
cv::Mat drawFace(const Face& face, int side, cv::RNG& rng)
{
    const double s = side / 256.0;
    auto P = [s](double x, double y) { return cv::Point(cvRound(x * s), cvRound(y * s)); };
    auto L = [s](double v) { return std::max(1, cvRound(v * s)); };
    auto Z = [s](double w, double h) { return cv::Size(std::max(1, cvRound(w * s)), std::max(1, cvRound(h * s))); };

    static const cv::Scalar backgrounds[] = {{200, 190, 180}, {170, 200, 215}, {210, 215, 200}, {185, 185, 205}};
    static const cv::Scalar skins[] = {{180, 205, 240}, {140, 175, 220}, {100, 140, 190}, {70, 100, 140}};
    static const cv::Scalar hairs[] = {{30, 30, 30}, {40, 70, 110}, {60, 110, 170}, {150, 150, 150}};
    cv::Mat img(side, side, CV_8UC3, jitter(rng, backgrounds[rng.uniform(0, 4)], 15));

    const double cx = 128 + rng.uniform(-10, 10), cy = 136 + rng.uniform(-8, 8);
    const double fw = 70 + rng.uniform(-8, 8), fh = 92 + rng.uniform(-8, 8);
    const cv::Scalar skin = jitter(rng, skins[rng.uniform(0, 4)], 10);
    const cv::Scalar hair = hairs[rng.uniform(0, 4)];
    const int aa = cv::LINE_AA;

    cv::ellipse(img, P(cx, cy + fh * 0.95), Z(fw * 1.5, 60), 0, 180, 360, jitter(rng, {90, 70, 60}, 40), -1, aa); // shoulders
    cv::ellipse(img, P(cx, cy - fh * 0.25), Z(fw * 1.08, fh * 0.95), 0, 180, 360, hair, -1, aa);
    cv::ellipse(img, P(cx, cy), Z(fw, fh), 0, 0, 360, skin, -1, aa);
    cv::ellipse(img, P(cx, cy - fh * 0.62), Z(fw * 0.95, fh * 0.42), 0, 180, 360, hair, -1, aa); // fringe

    const double eyeY = cy - fh * 0.12, eyeDx = fw * 0.4;
    const bool wide = face.expression == Surprise;
    const bool happy = face.expression == Happiness;
    for (int side_ = -1; side_ <= 1; side_ += 2) {
        const double ex = cx + side_ * eyeDx;
        const double eh = wide ? 11 : happy ? 5 : 8;
        cv::ellipse(img, P(ex, eyeY), Z(13, eh), 0, 0, 360, {250, 250, 250}, -1, aa);
        cv::circle(img, P(ex + rng.uniform(-2, 2), eyeY), L(wide ? 6 : 5), {40, 30, 20}, -1, aa);
        // Brows: raised for surprise, slanted down to the nose for anger, up to the nose for sadness.
        double inner = 0, outer = 0;
        switch (face.expression) {
        case Surprise: inner = outer = -10; break;
        case Anger: inner = 8; outer = -6; break;
        case Sadness: inner = -8; outer = 4; break;
        default: break;
        }
        const double by = eyeY - 20;
        cv::line(img, P(ex - side_ * 14, by + inner), P(ex + side_ * 14, by + outer), hair * 0.7, L(5), aa);
    }
    if (face.glasses) {
        for (int side_ = -1; side_ <= 1; side_ += 2)
            cv::circle(img, P(cx + side_ * eyeDx, eyeY), L(19), {20, 20, 20}, L(3), aa);
        cv::line(img, P(cx - eyeDx + 19, eyeY), P(cx + eyeDx - 19, eyeY), {20, 20, 20}, L(3), aa);
    }
    cv::line(img, P(cx, eyeY + 8), P(cx - 6, cy + fh * 0.22), skin * 0.75, L(3), aa); // nose

    const double my = cy + fh * 0.5;
    const cv::Scalar lips{60, 60, 170};
    switch (face.expression) {
    case Happiness:
        cv::ellipse(img, P(cx, my - 10), Z(30, 20), 0, 0, 180, lips, -1, aa);
        cv::ellipse(img, P(cx, my - 8), Z(24, 10), 0, 0, 180, {240, 240, 240}, -1, aa);
        break;
    case Sadness: cv::ellipse(img, P(cx, my + 12), Z(24, 14), 0, 200, 340, lips, L(5), aa); break;
    case Surprise: cv::ellipse(img, P(cx, my), Z(13, 18), 0, 0, 360, {40, 30, 90}, -1, aa); break;
    case Anger:
        cv::line(img, P(cx - 22, my + 2), P(cx + 22, my + 2), lips, L(6), aa);
        cv::line(img, P(cx - 22, my + 2), P(cx - 28, my + 8), lips, L(4), aa);
        cv::line(img, P(cx + 22, my + 2), P(cx + 28, my + 8), lips, L(4), aa);
        break;
    default: cv::line(img, P(cx - 20, my), P(cx + 20, my), lips, L(5), aa); break;
    }
    // A little sensor noise so that every file (and its content hash) is unique.
    cv::Mat noise(img.size(), img.type());
    rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(4));
    img += noise;
    return img;
}

QByteArray encodeJpeg(const cv::Mat& img, int quality)
{
    std::vector<uchar> buf;
    cv::imencode(".jpg", img, buf, {cv::IMWRITE_JPEG_QUALITY, quality});
    return QByteArray(reinterpret_cast<const char*>(buf.data()), static_cast<qsizetype>(buf.size()));
}

} // namespace

QStringList demoExpressions()
{
    return {QStringLiteral("neutral"), QStringLiteral("happiness"), QStringLiteral("sadness"),
            QStringLiteral("surprise"), QStringLiteral("anger")};
}

DemoSummary generateDemoCatalogue(const QString& cataloguePath, const DemoOptions& opts)
{
    if (QFileInfo::exists(cataloguePath))
        throw Error(QStringLiteral("%1: refusing to generate a demo catalogue over an existing file").arg(cataloguePath));
    const QFileInfo info(cataloguePath);
    QDir().mkpath(info.absolutePath());
    const QString imagesDir = info.absolutePath() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("-images");
    if (!QDir().mkpath(imagesDir))
        throw Error(QStringLiteral("%1: cannot create the demo image folder").arg(imagesDir));

    Catalogue cat = Catalogue::open(cataloguePath, Catalogue::OpenMode::CreateIfMissing);
    const qint64 root = cat.ensureRoot(QDir(imagesDir).absolutePath());
    const TaskInfo expression = cat.ensureTask(QStringLiteral("expression"), demoExpressions());
    const TaskInfo glasses = cat.ensureTask(QStringLiteral("glasses"), {QStringLiteral("glasses"), QStringLiteral("no glasses")});

    cv::RNG rng(opts.seed * 2654435761u + 1);
    // Skewed like real expression data: many neutral and happy faces, few of the rest.
    const double weights[] = {0.38, 0.32, 0.12, 0.1, 0.08};
    static const char* const labelers[] = {"ana", "ben", "chen", "dara"};
    static const char* const people[] = {"Alex_Moreau", "Bea_Lind", "Chidi_Okafor", "Dana_Kowalski", "Eli_Sato",
                                         "Femi_Adeyemi", "Gus_Berg", "Hana_Novak", "Ivo_Petrov", "Jae_Park"};
    DemoSummary summary;
    summary.imagesDir = imagesDir;

    constexpr int batchSize = 500;
    for (int start = 0; start < opts.images; start += batchSize) {
        const int end = std::min(opts.images, start + batchSize);
        std::vector<NewImage> batch;
        std::vector<Face> faces;
        for (int i = start; i < end; ++i) {
            Face face;
            double pick = rng.uniform(0.0, 1.0);
            while (face.expression < ExpressionCount - 1 && pick > weights[face.expression])
                pick -= weights[face.expression++];
            face.glasses = rng.uniform(0.0, 1.0) < 0.25;
            const cv::Mat img = drawFace(face, opts.imageSide, rng);
            cv::Mat thumb;
            const double scale = double(kThumbnailMaxSide) / std::max(img.cols, img.rows);
            if (scale < 1)
                cv::resize(img, thumb, {}, scale, scale, cv::INTER_AREA);
            else
                thumb = img;
            NewImage n;
            n.rootId = root;
            const QString person = QString::fromLatin1(people[i % 10]);
            n.relativePath = QStringLiteral("%1_%2.jpg").arg(person).arg(i / 10 + 1, 4, 10, QLatin1Char('0'));
            n.identity = person;
            n.width = img.cols;
            n.height = img.rows;
            n.thumbnailJpeg = encodeJpeg(thumb, 85);
            if (opts.writeImageFiles) {
                const QByteArray bytes = encodeJpeg(img, 90);
                QFile f(imagesDir + QLatin1Char('/') + n.relativePath);
                if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
                    throw Error(QStringLiteral("%1: cannot write demo image").arg(f.fileName()));
                n.contentHash = contentHashHex(bytes);
                n.fileSize = bytes.size();
            } else {
                n.contentHash = contentHashHex(n.thumbnailJpeg + QByteArray::number(i));
                n.fileSize = n.thumbnailJpeg.size();
            }
            batch.push_back(std::move(n));
            faces.push_back(face);
        }
        const auto added = cat.addImages(batch);

        QVector<LabelEdit> imported;
        QVector<LabelEdit> curated;
        std::vector<AttributeValue> attributes;
        for (size_t k = 0; k < added.size(); ++k) {
            const qint64 id = added[k].imageId;
            const Face& face = faces[k];
            const double roll = rng.uniform(0.0, 1.0);
            const bool exemplar = rng.uniform(0.0, 1.0) < 0.3; // of the curator-labelled faces
            LabelEdit e{id, expression.id, expression.classes[face.expression].id, false, Provenance::Imported,
                        QStringLiteral("demo-labels.csv:expression")};
            if (roll < opts.importedFraction) {
                imported.push_back(e);
            } else if (roll < opts.importedFraction + opts.curatorFraction) {
                e.provenance = Provenance::Curator;
                e.source.clear();
                e.exemplar = exemplar;
                curated.push_back(e);
                summary.exemplars += exemplar;
            }
            if (roll < opts.importedFraction + opts.curatorFraction)
                ++summary.labelled;
            if (rng.uniform(0.0, 1.0) < 0.5)
                imported.push_back({id, glasses.id, glasses.classes[face.glasses ? 0 : 1].id, false,
                                    Provenance::Imported, QStringLiteral("demo-labels.csv:glasses")});
            // Quality drops with noise we did not add; it is a plausible-looking score to filter on.
            attributes.push_back({id, QStringLiteral("quality"), std::round(rng.uniform(0.2, 1.0) * 100) / 100,
                                  QStringLiteral("demo-labels.csv")});
            attributes.push_back({id, QStringLiteral("labeler"), QString::fromLatin1(labelers[rng.uniform(0, 4)]),
                                  QStringLiteral("demo-labels.csv")});
        }
        cat.applyLabelEdits(imported, QStringLiteral("Import demo labels"), QStringLiteral("demo"));
        cat.setAttributes(attributes);
        // Curator labels go in as one change each batch so the demo has a little history to undo.
        if (!curated.isEmpty())
            cat.applyLabelEdits(curated, QStringLiteral("Label %1 faces").arg(curated.size()), QStringLiteral("curator"));
        summary.images += static_cast<int>(added.size());
    }
    return summary;
}

} // namespace exemplar::ui
