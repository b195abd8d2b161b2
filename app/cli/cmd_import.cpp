// exemplar-cli import: a folder of images, then optionally a labels CSV and/or a 10k US Adult Faces
// annotation file, into a catalogue. Ctrl-C stops at a safe point; what was committed stays.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"

#include "core/util/Counted.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QMap>
#include <QRegularExpression>
#include <algorithm>
#include <memory>
#include <optional>

namespace exemplar::cli {

namespace {

constexpr int kIssuesShown = 20;

void printReport(const QString& what, const ImportReport& r)
{
    QStringList parts;
    parts << QStringLiteral("%1 looked at").arg(r.scanned);
    if (r.added || r.alreadyPresent || r.duplicates)
        parts << QStringLiteral("%1 added").arg(r.added) << QStringLiteral("%1 already catalogued").arg(r.alreadyPresent)
              << QStringLiteral("%1 duplicate(s) of catalogued images").arg(r.duplicates);
    if (r.labelsSet)
        parts << QStringLiteral("%1 labels set").arg(r.labelsSet);
    if (r.attributesSet)
        parts << QStringLiteral("%1 attribute values").arg(r.attributesSet);
    parts << QStringLiteral("%1 skipped").arg(r.skipped);
    if (r.facesTightCrop + r.facesFound + r.facesNone + r.facesFailed > 0)
        parts << QStringLiteral("faces: %1 face crops, %2 with faces found, %3 without a face (flagged), %4 failed")
                     .arg(r.facesTightCrop).arg(r.facesFound).arg(r.facesNone).arg(r.facesFailed);
    printOut(QStringLiteral("%1: %2 (%3 s)%4").arg(what, parts.join(QStringLiteral(", "))).arg(r.seconds, 0, 'f', 1)
                 .arg(r.cancelled ? QStringLiteral(" -- CANCELLED") : QString()));
    for (int i = 0; i < r.issues.size() && i < kIssuesShown; ++i)
        printOut(QStringLiteral("  skipped %1: %2").arg(r.issues[i].file, r.issues[i].problem));
    if (r.issues.size() > kIssuesShown)
        printOut(QStringLiteral("  ... and %1 more (use --json for the full list)").arg(r.issues.size() - kIssuesShown));
}

QJsonObject reportJson(const ImportReport& r) { return QJsonDocument::fromJson(r.toJson().toUtf8()).object(); }

// One progress line per import step, named by the step; a step whose total is not known yet
// (scanning) shows a count.
class StepProgress {
public:
    explicit StepProgress(bool detectFaces) : detectFaces_(detectFaces) {}
    void operator()(const ImportProgress& p)
    {
        if (!line_ || step_ != p.step) {
            finish();
            step_ = p.step;
            line_ = std::make_unique<ProgressLine>(labelOf(p.step), unitOf(p.step));
        }
        line_->update(p.done, p.total, p.currentFile);
    }
    void finish()
    {
        if (line_) line_->finish();
        line_.reset();
    }

private:
    QString labelOf(ImportStep step) const
    {
        if (step == ImportStep::Images)
            return detectFaces_ ? QStringLiteral("Reading images (thumbnails, face detection)") : QStringLiteral("Reading images (thumbnails)");
        return importStepName(step);
    }
    static QString unitOf(ImportStep step)
    {
        return step == ImportStep::Labels || step == ImportStep::Annotations ? QStringLiteral("rows") : QStringLiteral("images");
    }

    bool detectFaces_;
    std::optional<ImportStep> step_;
    std::unique_ptr<ProgressLine> line_;
};

// An issue's reason without its particulars (file names, values), so that skips can be counted
// by reason: "\"x.jpg\" is not in the catalogue under /a" -> "\"...\" is not in the catalogue under /a".
QString reasonOf(const QString& problem)
{
    static const QRegularExpression quoted(QStringLiteral("\"[^\"]*\""));
    QString reason = problem;
    reason.replace(quoted, QStringLiteral("\"...\""));
    const qsizetype cut = reason.indexOf(QStringLiteral(" ("));
    return cut > 0 ? reason.left(cut) : reason;
}

// The whole command's outcome: what every step did, added up, and skips counted by reason.
struct Summary {
    ImportReport total;
    QMap<QString, int> reasons;
    void add(const ImportReport& r)
    {
        total.scanned += r.scanned;
        total.added += r.added;
        total.alreadyPresent += r.alreadyPresent;
        total.duplicates += r.duplicates;
        total.labelsSet += r.labelsSet;
        total.attributesSet += r.attributesSet;
        total.tasksCreated += r.tasksCreated;
        total.skipped += r.skipped + r.duplicates;
        for (const auto& issue : r.issues)
            ++reasons[reasonOf(issue.problem)];
    }
    QJsonObject json(double seconds) const
    {
        QJsonObject byReason;
        for (auto it = reasons.cbegin(); it != reasons.cend(); ++it)
            byReason.insert(it.key(), it.value());
        return {{QStringLiteral("images_added"), total.added},
                {QStringLiteral("already_catalogued"), total.alreadyPresent},
                {QStringLiteral("skipped"), total.skipped},
                {QStringLiteral("skipped_by_reason"), byReason},
                {QStringLiteral("labels_set"), total.labelsSet},
                {QStringLiteral("tasks_created"), total.tasksCreated},
                {QStringLiteral("seconds"), seconds}};
    }
    void print(double seconds) const
    {
        printOut(QStringLiteral("Summary: %1 imported, %2 already catalogued, %3 skipped, %4 set, %5 created, %6")
                     .arg(counted(total.added, u"image")).arg(total.alreadyPresent).arg(total.skipped)
                     .arg(counted(total.labelsSet, u"label"), counted(total.tasksCreated, u"task"),
                          ProgressLine::durationText(seconds)));
        QVector<QPair<int, QString>> sorted;
        for (auto it = reasons.cbegin(); it != reasons.cend(); ++it)
            sorted.append({it.value(), it.key()});
        std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [count, reason] : sorted)
            printOut(QStringLiteral("  %1 x %2").arg(count, 5).arg(reason));
    }
};

} // namespace

int runImport(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file (created if missing)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("images"), QStringLiteral("Folder of images, imported recursively."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("labels"), QStringLiteral("Labels file: CSV or .xlsx with file,<task>,...[,identity] (file relative to --images), "
                                                                "or an export-labels CSV/JSON, read back exactly (each label keeps its provenance)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("annotations"), QStringLiteral("10k US Adult Faces annotation file (.xlsx or .csv)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("mapping"), QStringLiteral("Value->class mapping file for --annotations (see README)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("round-codes"), QStringLiteral("Round non-integer annotation codes to the nearest class instead of leaving them unlabelled.")});
    parser.addOption({QStringLiteral("preview"), QStringLiteral("Show how --annotations values map to classes, then stop without importing.")});
    parser.addOption({QStringLiteral("class-folders"), QStringLiteral("--images is laid out as <class>/<file>: label them for TASK."), QStringLiteral("TASK")});
    parser.addOption({QStringLiteral("add-unknown-classes"), QStringLiteral("Add label values that are not classes of an existing task as new classes (default: report and skip).")});
    parser.addOption({QStringLiteral("attribute-columns"), QStringLiteral("Comma-separated --labels columns stored as attributes, not tasks (default: labeler)."), QStringLiteral("COLUMNS")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Decoding threads (default: all cores)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("no-detect-faces"), QStringLiteral("Do not detect faces while importing (exemplar-cli detect-faces can do it later).")});
    parser.addOption({QStringLiteral("author"), QStringLiteral("Recorded with the imported labels (default: $USER)."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON for scripts.")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("import"),
                        QStringLiteral("Imports images (with thumbnails and content hashes; re-running adds only what "
                                       "is new) and labels, showing each step's progress, and ends with a summary "
                                       "(imported, skipped by reason, labels set, tasks created, time). Bad files are "
                                       "skipped and reported, never fatal; a labels file that cannot be read is refused "
                                       "before anything is imported."),
                        args, code))
        return code;
    const bool json = parser.isSet(QStringLiteral("json"));
    const QString annotations = parser.value(QStringLiteral("annotations"));

    AdultFacesOptions adultOptions;
    if (parser.isSet(QStringLiteral("mapping")))
        adultOptions.mapping = parseValueMapping(parser.value(QStringLiteral("mapping")));
    adultOptions.roundCodes = parser.isSet(QStringLiteral("round-codes"));
    const QString author = parser.isSet(QStringLiteral("author")) ? parser.value(QStringLiteral("author")) : qEnvironmentVariable("USER");
    adultOptions.author = author;

    if (parser.isSet(QStringLiteral("preview"))) {
        if (annotations.isEmpty()) {
            printError(QStringLiteral("--preview needs --annotations FILE"));
            return kExitUsage;
        }
        printOut(previewAdultFaces(annotations, adultOptions).toText());
        return kExitOk;
    }

    const QString catalogPath = requireCatalogPath(parser);
    const QString images = parser.value(QStringLiteral("images"));
    if (catalogPath.isEmpty())
        return kExitUsage;
    if (images.isEmpty()) {
        printError(QStringLiteral("missing --images DIR (label files name images relative to it)"));
        return kExitUsage;
    }
    if (!QFileInfo(images).isDir())
        throw Error(QStringLiteral("%1: not a folder").arg(images));

    FolderImportOptions folderOptions;
    if (parser.isSet(QStringLiteral("threads")))
        folderOptions.threads = parser.value(QStringLiteral("threads")).toInt();
    folderOptions.detectFaces = !parser.isSet(QStringLiteral("no-detect-faces"));

    // A label or annotation file that cannot be imported is refused before anything is written.
    if (parser.isSet(QStringLiteral("labels")))
        validateLabelsFile(parser.value(QStringLiteral("labels")));
    if (!annotations.isEmpty())
        previewAdultFaces(annotations, adultOptions);

    QElapsedTimer timer;
    timer.start();
    Catalogue catalogue = Catalogue::open(catalogPath, Catalogue::OpenMode::CreateIfMissing);
    CancelFlag cancel;
    const InterruptGuard guard(cancel);
    QJsonObject out{{QStringLiteral("catalog"), catalogPath}};
    Summary summary;

    auto runPhase = [&](const QString& label, const QString& key, auto&& importer) -> bool {
        StepProgress progress(folderOptions.detectFaces);
        const ImportReport report = importer([&](const ImportProgress& p) { progress(p); });
        progress.finish();
        out.insert(key, reportJson(report));
        summary.add(report);
        if (!json)
            printReport(label, report);
        return !report.cancelled;
    };

    bool completed = true;
    const QString classTask = parser.value(QStringLiteral("class-folders"));
    if (!classTask.isEmpty())
        completed = runPhase(QStringLiteral("images"), QStringLiteral("images"), [&](const ImportProgressFn& fn) {
            return importClassFolders(catalogue, images, classTask, folderOptions, fn, &cancel);
        });
    else
        completed = runPhase(QStringLiteral("images"), QStringLiteral("images"), [&](const ImportProgressFn& fn) {
            return importFolder(catalogue, images, folderOptions, fn, &cancel);
        });

    if (completed && parser.isSet(QStringLiteral("labels"))) {
        LabelsCsvOptions labelOptions;
        labelOptions.addUnknownClasses = parser.isSet(QStringLiteral("add-unknown-classes"));
        labelOptions.author = author;
        if (parser.isSet(QStringLiteral("attribute-columns")))
            labelOptions.attributeColumns = parser.value(QStringLiteral("attribute-columns")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        completed = runPhase(QStringLiteral("labels"), QStringLiteral("labels"), [&](const ImportProgressFn& fn) {
            return importLabelsCsv(catalogue, parser.value(QStringLiteral("labels")), images, labelOptions, fn, &cancel);
        });
    }
    if (completed && !annotations.isEmpty())
        completed = runPhase(QStringLiteral("annotations"), QStringLiteral("annotations"), [&](const ImportProgressFn& fn) {
            return importAdultFaces(catalogue, annotations, images, adultOptions, fn, &cancel);
        });

    const double seconds = timer.nsecsElapsed() / 1e9;
    out.insert(QStringLiteral("cancelled"), !completed);
    out.insert(QStringLiteral("summary"), summary.json(seconds));
    if (json)
        printJson(out);
    else
        summary.print(seconds);
    if (!json && !completed)
        printOut(QStringLiteral("Interrupted: everything imported before Ctrl-C is saved; run the same command again to continue."));
    return completed ? kExitOk : kExitCancelled;
}

} // namespace exemplar::cli
