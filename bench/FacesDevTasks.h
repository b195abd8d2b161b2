#pragma once
// The faces-dev benchmark tasks shared by the training benches: which labels.csv column, which
// classes, and which pretrained model matches the task (zero-shot baseline, backbone).
#include <QString>
#include <QStringList>

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
