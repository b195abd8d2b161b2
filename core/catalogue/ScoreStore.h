#pragma once
// Model scores kept in the catalogue (tables `scorings` and `image_scores`): one scoring is one pass
// of a model over images of a task (kind "model"), or the cross-validated predictions of k models
// over the labelled images, each image scored by the model that did not train on it (kind
// "out_of_fold"). Per image: the class probabilities (in the scoring's class order) and, when the
// model has one, an embedding (its penultimate features), for similarity searches.
//
// Uses Catalogue::database(): same one-thread rule as the catalogue.
#include "core/catalogue/Catalogue.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>
#include <QVector>
#include <optional>

namespace exemplar {

struct Scoring {
    qint64 id = 0;
    qint64 taskId = 0;
    std::optional<qint64> runId; // the run whose model scored (model kind), when known
    QString kind = QStringLiteral("model"); // "model" or "out_of_fold"
    QString modelPath;
    QStringList classes; // probability order
    QDateTime createdAt;
    QJsonObject info; // free-form: embedding availability, folds, epochs, issues...
};

struct ImageScore {
    qint64 imageId = 0;
    QVector<float> probabilities; // in Scoring::classes order
    QVector<float> embedding;     // empty when the model has none
};

class ScoreStore {
public:
    static constexpr const char* kModelKind = "model";
    static constexpr const char* kOutOfFoldKind = "out_of_fold";

    explicit ScoreStore(const Catalogue& catalogue);

    // Creates the scoring and stores its scores in ONE transaction (a cancelled or failed pass
    // leaves nothing behind). Returns the new scoring id.
    qint64 addScoring(const Scoring& scoring, const QVector<ImageScore>& scores);
    void deleteScoring(qint64 scoringId);

    std::optional<Scoring> scoring(qint64 scoringId) const;
    QVector<Scoring> scorings(qint64 taskId) const; // newest first
    // The newest scoring of a task of that kind.
    std::optional<Scoring> latest(qint64 taskId, const QString& kind) const;
    QVector<ImageScore> scores(qint64 scoringId) const; // by image id
    int scoreCount(qint64 scoringId) const;

private:
    const Catalogue& catalogue_;
};

// Little-endian float32 arrays, as stored in the BLOB columns.
QByteArray packFloats(const QVector<float>& values);
QVector<float> unpackFloats(const QByteArray& blob);

} // namespace exemplar
