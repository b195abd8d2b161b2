#include "app/cli/DatasetOptions.h"

#include "core/util/Error.h"

namespace exemplar::cli {

using namespace exemplar::learning;

namespace {

std::optional<QCommandLineOption> exemplarsOption(const QString& help)
{
    if (help.isEmpty()) return std::nullopt;
    return QCommandLineOption(QStringLiteral("exemplars-only"), help);
}

} // namespace

DatasetOptions::DatasetOptions(const DatasetOptionHelp& help)
    : catalog(QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")),
      task(QStringLiteral("task"), help.task, QStringLiteral("NAME")),
      classes(QStringLiteral("classes"), QStringLiteral("Comma-separated classes (default: all with images)."),
              QStringLiteral("LIST")),
      seed(QStringLiteral("seed"), help.seed, QStringLiteral("S")),
      exemplarsOnly(exemplarsOption(help.exemplarsOnly))
{
}

Catalogue DatasetOptions::openCatalogue(const QCommandLineParser& parser) const
{
    return Catalogue::open(parser.value(catalog), Catalogue::OpenMode::MustExist);
}

DatasetSelection DatasetOptions::selection(const QCommandLineParser& parser) const
{
    DatasetSelection selection;
    selection.task = parser.value(task);
    if (parser.isSet(classes)) selection.classes = parser.value(classes).split(',', Qt::SkipEmptyParts);
    // Only asked when the option was added: the parser warns about options it does not know.
    selection.exemplarsOnly = exemplarsOnly && parser.isSet(*exemplarsOnly);
    return selection;
}

void DatasetOptions::applySeed(const QCommandLineParser& parser, TrainingConfig& config) const
{
    if (parser.isSet(seed)) config.seed = parser.value(seed).toULongLong();
}

TaskInfo DatasetOptions::requireTask(const Catalogue& catalogue, const QCommandLineParser& parser) const
{
    const auto info = catalogue.task(parser.value(task));
    if (!info)
        throw Error(QStringLiteral("%1: no task named '%2'").arg(parser.value(catalog), parser.value(task)));
    return *info;
}

CatalogueDataset DatasetOptions::dataset(const Catalogue& catalogue, const QCommandLineParser& parser) const
{
    return trainingDataFromCatalogue(catalogue, selection(parser));
}

} // namespace exemplar::cli
