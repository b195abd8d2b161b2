#pragma once
// The options with which train and review say how to train (--config, --epochs, --model,
// --backbone, --backbone-fit, --distill-from, --[no-]auxiliary-classes, --size, --color, --threads,
// --max-minutes, --imbalance, --select-on, --face), and the configuration they make.
#include "core/learning/TrainingConfig.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <optional>

namespace exemplar::cli {

// What a command's defaults differ in: its help words them.
struct TrainingOptionHelp {
    QString epochs;
    QString size;
    QString maxMinutes;
};

class TrainingOptions {
public:
    explicit TrainingOptions(const TrainingOptionHelp& help);

    // Public so that each command lists them among its own options in its addOptions call: the
    // order of its --help stays its own.
    const QCommandLineOption configFile, epochs, model, backbone, backboneFit, distillFrom, auxiliary, noAuxiliary, size,
        color, threads, maxMinutes, imbalance, selectOn, face;

    // The options given, over --config's file over `defaults`, validated. A pretrained model named
    // (--backbone, --distill-from) must be installed. nullopt after printing a usage error naming
    // `command`; throws exemplar::Error for an unreadable --config or an invalid combination.
    std::optional<learning::TrainingConfig> config(const QCommandLineParser& parser, learning::TrainingConfig defaults,
                                                   const QString& command) const;
};

} // namespace exemplar::cli
