#pragma once
// The options with which train, baseline and review name the images they learn from: --catalog,
// --task, --classes, --seed and (train, baseline) --exemplars-only, and the dataset they select.
#include "core/learning/CatalogueTraining.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <optional>

namespace exemplar::cli {

// Each command words the task, the seed and the exemplar filter for what it does with them.
struct DatasetOptionHelp {
    QString task;
    QString seed;
    QString exemplarsOnly; // empty: the command has no --exemplars-only
};

class DatasetOptions {
public:
    explicit DatasetOptions(const DatasetOptionHelp& help);

    // Public so that each command lists them among its own options in its addOptions call: the
    // order of its --help stays as it was.
    const QCommandLineOption catalog;
    const QCommandLineOption task;
    const QCommandLineOption classes;
    const QCommandLineOption seed;
    const std::optional<QCommandLineOption> exemplarsOnly;

    // The catalogue named by --catalog, which must exist.
    Catalogue openCatalogue(const QCommandLineParser& parser) const;
    // Task, classes and the exemplar filter as given.
    learning::DatasetSelection selection(const QCommandLineParser& parser) const;
    // Overrides config.seed when --seed is given.
    void applySeed(const QCommandLineParser& parser, learning::TrainingConfig& config) const;
    // The task named by --task; throws exemplar::Error naming the catalogue when it has no such task.
    TaskInfo requireTask(const Catalogue& catalogue, const QCommandLineParser& parser) const;
    // The selected training data; throws exemplar::Error when the task or a class does not exist,
    // or fewer than two classes have images.
    learning::CatalogueDataset dataset(const Catalogue& catalogue, const QCommandLineParser& parser) const;
};

} // namespace exemplar::cli
