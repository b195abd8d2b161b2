#pragma once
// The faces-dev benchmark tasks shared by the training benches (which labels.csv column, which
// classes, which pretrained model matches the task: zero-shot baseline, backbone), looking one up
// by name, and the check that faces-dev is there at all.
#include <QFileInfo>
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
