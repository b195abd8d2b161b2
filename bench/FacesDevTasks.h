#pragma once
// The faces-dev benchmark tasks shared by the training benches (which labels.csv column, which
// classes, which pretrained model matches the task: zero-shot baseline, backbone), looking one up
// by name, and the check that faces-dev is there at all.
#include "core/learning/TrainingData.h"
#include "core/util/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <optional>
#include <vector>

struct FacesDevTask {
    QString key;        // expression4, expression6, sex
    QString column;     // labels.csv column
    QString pretrained; // the pretrained face model for this task
    QStringList classes;
};

inline std::vector<FacesDevTask> facesDevTasks()
{
    const QStringList four{"happiness", "sadness", "anger", "surprise"};
    return {{"expression4", "expression", "emotion", four},
            {"expression6", "expression", "emotion", four + QStringList{"neutral", "disgust"}},
            {"sex", "sex", "gender", {"female", "male"}}};
}

// The task called `key`, or nothing (the known keys printed) when there is none.
inline std::optional<FacesDevTask> facesDevTask(const QString& key)
{
    QStringList known;
    for (const FacesDevTask& task : facesDevTasks()) {
        if (task.key == key) return task;
        known << task.key;
    }
    std::printf("unknown task '%s' (known: %s)\n", qPrintable(key), qPrintable(known.join(", ")));
    return std::nullopt;
}

// faces-dev's labels.csv exists in `dir`; otherwise says so (nothing to measure).
inline bool facesDevPresent(const QString& dir)
{
    if (QFileInfo::exists(dir + "/labels.csv")) return true;
    std::printf("faces-dev not found at %s; nothing to measure\n", qPrintable(dir));
    return false;
}

// Which samples are faces-dev's film stills (labeller jhamski: long series of a few people, where
// most of the rare classes are) rather than its press photos. Throws when labels.csv is unreadable.
inline std::vector<bool> facesDevFilmStills(const QString& dir, const std::vector<exemplar::learning::TrainingSample>& samples)
{
    QFile csv(dir + "/labels.csv");
    if (!csv.open(QIODevice::ReadOnly)) throw exemplar::Error(csv.fileName() + ": cannot be read");
    QSet<QString> jhamski;
    while (!csv.atEnd()) {
        const QStringList cells = QString::fromUtf8(csv.readLine()).trimmed().split(',');
        if (cells.size() >= 5 && cells[4] == QLatin1String("jhamski")) jhamski.insert(cells[0]);
    }
    std::vector<bool> film;
    for (const auto& s : samples) film.push_back(jhamski.contains(QFileInfo(s.path).fileName()));
    return film;
}
