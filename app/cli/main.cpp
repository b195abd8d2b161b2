// exemplar-cli: the catalogue and training from a terminal or a script. Dispatch only; each
// command lives in its own cmd_*.cpp.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/util/Error.h"

#include <QCoreApplication>

namespace {

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const QStringList&);
};

constexpr Command kCommands[] = {
    {"import", "import a folder of images and label/annotation files into a catalogue", exemplar::cli::runImport},
    {"stats", "images, labels per task and class, exemplars, unlabelled count", exemplar::cli::runStats},
    {"label", "set or clear the label of images, by file", exemplar::cli::runLabel},
    {"export-labels", "write the labels as CSV or JSON (import --labels reads them back)", exemplar::cli::runExportLabels},
    {"check", "check the catalogue's integrity and advise on repairs", exemplar::cli::runCheck},
    {"detect-faces", "find the faces of images imported without face detection", exemplar::cli::runDetectFaces},
    {"relink", "point the images of a moved folder to its new place", exemplar::cli::runRelink},
    {"train", "train a classifier for a task and export it", exemplar::cli::runTrain},
    {"eval", "evaluate an exported model on a labelled folder", exemplar::cli::runEval},
    {"predict", "classify image files with an exported model", exemplar::cli::runPredict},
    {"baseline", "record the zero-shot score of a pretrained face model as a run", exemplar::cli::runBaseline},
    {"score", "score a catalogue's faces with a model (for suggest, review and the studio)", exemplar::cli::runScore},
    {"suggest", "faces to label: most likely of a class, uncertain, different, near-duplicates", exemplar::cli::runSuggest},
    {"review", "labels that cross-validated models dispute most", exemplar::cli::runReview},
};

void printUsage()
{
    QString text = QStringLiteral("Usage: exemplar-cli <command> [options]   (exemplar-cli <command> --help for details)\n\nCommands:\n");
    for (const Command& c : kCommands)
        text += QStringLiteral("  %1%2\n").arg(QString::fromLatin1(c.name).leftJustified(15), QString::fromLatin1(c.summary));
    exemplar::cli::printOut(text + QStringLiteral("\nEvery command in detail: docs/cli.md"));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("exemplar-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EXEMPLAR_VERSION));
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.front() == QLatin1String("--help") || args.front() == QLatin1String("-h")) {
        printUsage();
        return args.isEmpty() ? exemplar::cli::kExitUsage : exemplar::cli::kExitOk;
    }
    if (args.front() == QLatin1String("--version")) {
        exemplar::cli::printOut(QStringLiteral("exemplar-cli " EXEMPLAR_VERSION));
        return exemplar::cli::kExitOk;
    }
    const QString name = args.takeFirst();
    for (const Command& c : kCommands) {
        if (name == QLatin1String(c.name)) {
            try {
                return c.run(args);
            } catch (const exemplar::Error& e) {
                exemplar::cli::printError(QStringLiteral("exemplar-cli %1: %2").arg(name, e.message()));
                return exemplar::cli::kExitError;
            } catch (const std::exception& e) {
                exemplar::cli::printError(QStringLiteral("exemplar-cli %1: unexpected error: %2").arg(name, QString::fromUtf8(e.what())));
                return exemplar::cli::kExitError;
            }
        }
    }
    exemplar::cli::printError(QStringLiteral("exemplar-cli: unknown command '%1'").arg(name));
    printUsage();
    return exemplar::cli::kExitUsage;
}
