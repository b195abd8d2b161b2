#pragma once
// A catalogue of generated smiling/frowning faces (SyntheticFaces.h) for the mining tests, with
// some labels hidden (the haystack to mine) and optionally some flipped (wrong labels to review).
#include "SyntheticFaces.h"
#include "core/catalogue/Catalogue.h"
#include "core/learning/CatalogueTraining.h"
#include "core/learning/TrainingJob.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QSet>

namespace exemplar::test {

struct SyntheticCatalogue {
    learning::TrainingData faces; // the truth, sample i = image id ids[i]
    QVector<qint64> ids;
    TaskInfo task;                // "mouth": smile, frown
    QSet<qint64> hidden;          // images whose label was not stored
    QSet<qint64> flipped;         // images stored with the wrong class
};

// Labels every face with its true class except: `hideFrownTenths` of every ten frowns and every
// `hideSmileEvery`-th smile are left unlabelled; `flip` labelled images get the other class.
inline SyntheticCatalogue makeSyntheticCatalogue(const QString& catalogPath, const QString& imageDir, int count,
                                                 unsigned seed, int hideFrownTenths, int hideSmileEvery,
                                                 int flip = 0)
{
    SyntheticCatalogue out;
    out.faces = writeSyntheticFaces(imageDir, count, seed);
    Catalogue c = Catalogue::open(catalogPath);
    const qint64 root = c.ensureRoot(imageDir);
    std::vector<NewImage> images;
    for (const auto& s : out.faces.samples) {
        QFile f(s.path);
        f.open(QIODevice::ReadOnly);
        NewImage n;
        n.rootId = root;
        n.relativePath = QFileInfo(s.path).fileName();
        n.contentHash = QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
        n.width = n.height = 72;
        n.identity = s.identity;
        images.push_back(n);
    }
    const auto added = c.addImages(images);
    out.task = c.ensureTask("mouth", {"smile", "frown"});
    QVector<LabelEdit> edits;
    int frowns = 0, smiles = 0, flippedSoFar = 0;
    for (size_t i = 0; i < added.size(); ++i) {
        const qint64 id = added[i].imageId;
        out.ids << id;
        out.faces.samples[i].imageId = id;
        int label = out.faces.samples[i].label;
        const bool hide = label == 1 ? (frowns++ % 10 < hideFrownTenths)
                                     : (hideSmileEvery > 0 && smiles++ % hideSmileEvery == 0);
        if (hide) {
            out.hidden.insert(id);
            continue;
        }
        if (flippedSoFar < flip && i % 7 == 3) {
            label = 1 - label;
            out.flipped.insert(id);
            ++flippedSoFar;
        }
        LabelEdit e;
        e.imageId = id;
        e.taskId = out.task.id;
        e.classId = out.task.classes[label].id;
        e.provenance = Provenance::Imported;
        edits << e;
    }
    c.applyLabelEdits(edits, "synthetic labels");
    return out;
}

// Labels `imageIds` with one class of a task, as a curator would (one undoable edit).
inline void labelAs(Catalogue& c, qint64 taskId, qint64 classId, const QVector<qint64>& imageIds, const QString& why)
{
    QVector<LabelEdit> edits;
    for (qint64 id : imageIds) {
        LabelEdit e;
        e.imageId = id;
        e.taskId = taskId;
        e.classId = classId;
        edits << e;
    }
    c.applyLabelEdits(edits, why);
}

// A small, quick network for the synthetic faces (as in test_training).
inline learning::TrainingConfig quickSyntheticConfig(int epochs = 12)
{
    learning::TrainingConfig c;
    c.imageSize = 32;
    c.width = 8;
    c.depth = 3;
    c.epochs = epochs;
    c.batchSize = 32;
    c.learningRate = 3e-3;
    c.patience = 0;
    c.validationFraction = 0.2;
    c.testFraction = 0.1;
    c.seed = 17;
    return c;
}

// Trains on the catalogue's labels and records the run, so "the latest model of the task" exists.
inline learning::TrainingResult trainRecorded(const QString& catalogPath, const QString& workDir,
                                              const learning::TrainingConfig& config)
{
    Catalogue c = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);
    const auto dataset = learning::trainingDataFromCatalogue(c, {"mouth", {}, false});
    learning::RunRecorder recorder(c, dataset, config, workDir);
    learning::TrainingCallbacks cb;
    cb.onEpoch = [&](const learning::EpochProgress& e) { recorder.recordEpoch(e); };
    learning::TrainingJob job(dataset.data, config, workDir, cb, learning::TrainingJob::Resume::Never);
    auto result = job.run();
    recorder.finish(result);
    return result;
}

} // namespace exemplar::test
