// exemplar-cli detect-faces: finds the faces of catalogued images that were imported without
// detection (or all of them again with --redo) and stores the boxes. Curator boxes are kept.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/FaceStore.h"
#include "core/imaging/FaceDetectionPass.h"
#include "core/util/Counted.h"

#include <QJsonArray>

namespace exemplar::cli {

int runDetectFaces(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("catalog"), QStringLiteral("The catalogue file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("redo"), QStringLiteral("Detect again in images already checked (curator boxes are kept).")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Decoding threads (default: all cores)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON for scripts.")});
    int code = kExitOk;
    if (!parseArguments(parser, QStringLiteral("detect-faces"),
                        QStringLiteral("Detect faces (OpenCV cascades) in the catalogued images not checked yet, "
                                       "such as those imported with --no-detect-faces, and store the boxes and each image's "
                                       "status (tight_crop, found, several, none, failed). Images without a face are "
                                       "flagged, never removed; curator boxes are kept."),
                        args, code))
        return code;
    const QString catalogPath = requireCatalogPath(parser);
    if (catalogPath.isEmpty()) return kExitUsage;
    Catalogue catalogue = Catalogue::open(catalogPath, Catalogue::OpenMode::MustExist);

    FaceDetectionPassOptions options;
    options.redo = parser.isSet(QStringLiteral("redo"));
    if (parser.isSet(QStringLiteral("threads"))) options.threads = parser.value(QStringLiteral("threads")).toInt();
    CancelFlag cancel;
    const InterruptGuard guard(cancel);
    ProgressLine progress(QStringLiteral("Detecting faces"), QStringLiteral("images"));
    const FaceDetectionPassReport report =
        detectCatalogueFaces(catalogue, options, [&](int done, int total) { progress.update(done, total); }, &cancel);
    progress.finish();

    const QHash<QString, int> totals = FaceStore(catalogue).statusCounts();
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject pass, all;
        for (auto it = report.statuses.begin(); it != report.statuses.end(); ++it) pass.insert(it.key(), it.value());
        for (auto it = totals.begin(); it != totals.end(); ++it) all.insert(it.key(), it.value());
        QJsonArray issues;
        for (const Issue& i : report.issues) issues.append(QJsonObject{{"file", i.file}, {"problem", i.problem}});
        printJson(QJsonObject{{"checked", report.checked}, {"statuses", pass}, {"catalogue", all},
                              {"issues", issues}, {"cancelled", report.cancelled}, {"seconds", report.seconds}});
    } else {
        QStringList parts;
        for (const char* s : {"tight_crop", "found", "several", "none", "failed"})
            parts << QStringLiteral("%1 %2").arg(report.statuses.value(QString::fromLatin1(s))).arg(QString::fromLatin1(s));
        printOut(QStringLiteral("faces: %1 checked: %2 (%3 s)%4")
                     .arg(counted(report.checked, u"image"), parts.join(QStringLiteral(", ")))
                     .arg(report.seconds, 0, 'f', 1)
                     .arg(report.cancelled ? QStringLiteral(" -- CANCELLED") : QString()));
        for (const Issue& i : report.issues) printOut(QStringLiteral("  failed %1: %2").arg(i.file, i.problem));
        printOut(QStringLiteral("catalogue: %1 without a face, %2 never checked")
                     .arg(counted(totals.value(QStringLiteral("none")), u"image"))
                     .arg(totals.value(QString::fromLatin1(FaceStore::kUnchecked))));
    }
    return report.cancelled ? kExitCancelled : kExitOk;
}

} // namespace exemplar::cli
