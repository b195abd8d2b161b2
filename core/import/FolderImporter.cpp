#include "core/import/FolderImport.h"
#include "core/catalogue/FaceStore.h"
#include "core/imaging/FaceDetectorPool.h"
#include "core/imaging/FaceRecords.h"
#include "core/import/ImagePreparer.h"
#include "core/import/ImportLog.h"
#include "core/import/OrderedParallelMap.h"
#include "core/imaging/ImageProbe.h"

#include <QDir>
#include <QDirIterator>
#include <QHash>
#include <algorithm>
#include <thread>

namespace exemplar {

namespace {

QStringList imageFilesUnder(const QString& dir, const ImportProgressFn& progress, const CancelFlag* cancel)
{
    QStringList files;
    ProgressThrottle tick(progress, ImportStep::Scanning);
    QDirIterator it(dir, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    const QDir base(dir);
    while (it.hasNext()) {
        if (cancel && cancel->isCancelled()) break;
        const QString path = it.next();
        if (hasImageExtension(path)) {
            files.append(base.relativeFilePath(path));
            tick(int(files.size()), 0, files.last());
        }
    }
    tick(int(files.size()), 0, QString(), true);
    std::sort(files.begin(), files.end());
    return files;
}

// Feeds prepared images to the catalogue in batches (one transaction each) and sorts out
// duplicates, which can only be recognised once the bytes are hashed.
class BatchAdder {
public:
    BatchAdder(Catalogue& catalogue, const RootLocation& root, ImportReport& report)
        : catalogue_(catalogue), root_(root), report_(report) {}

    void add(const QString& fileInFolder, PreparedImage&& image)
    {
        if (const auto same = addedHere_.constFind(image.contentHash); same != addedHere_.constEnd()) {
            duplicate(fileInFolder, *same);
            return;
        }
        NewImage n;
        n.rootId = root_.rootId;
        n.relativePath = root_.prefix + fileInFolder;
        n.contentHash = std::move(image.contentHash);
        n.width = image.width;
        n.height = image.height;
        n.thumbnailJpeg = std::move(image.thumbnailJpeg);
        n.fileSize = image.fileSize;
        addedHere_.insert(n.contentHash, n.relativePath);
        pending_.push_back(std::move(n));
        pendingNames_.append(fileInFolder);
        pendingFaces_.push_back(std::move(image.faces));
    }

    int pending() const { return int(pending_.size()); }

    void flush()
    {
        if (pending_.empty()) return;
        const auto results = catalogue_.addImages(pending_);
        QVector<FaceDetectionRecord> faces;
        for (size_t i = 0; i < results.size() && i < pending_.size(); ++i) {
            if (results[i].inserted) {
                ++report_.added;
                if (pendingFaces_[i]) {
                    countFaces(*pendingFaces_[i]);
                    faces.append(toRecord(results[i].imageId, *pendingFaces_[i]));
                }
                continue;
            }
            const auto existing = catalogue_.image(results[i].imageId);
            addedHere_.insert(pending_[i].contentHash, existing ? existing->relativePath : QString());
            duplicate(pendingNames_[int(i)], existing ? existing->relativePath : QString());
        }
        // A second transaction: if it failed, the images would be kept unchecked (detect-faces
        // catches up), which is better than losing the batch.
        FaceStore(catalogue_).recordDetections(faces);
        pending_.clear();
        pendingNames_.clear();
        pendingFaces_.clear();
    }

private:
    void countFaces(const FaceDetection& d)
    {
        switch (d.status) {
        case FaceStatus::TightCrop: ++report_.facesTightCrop; break;
        case FaceStatus::Found:
        case FaceStatus::Several: ++report_.facesFound; break;
        case FaceStatus::None: ++report_.facesNone; break;
        case FaceStatus::Failed: ++report_.facesFailed; break;
        }
    }

    void duplicate(const QString& file, const QString& original)
    {
        ++report_.duplicates;
        report_.issues.append({file, QStringLiteral("duplicate: same bytes as the catalogued image \"%1\"; not added again").arg(original)});
    }

    Catalogue& catalogue_;
    RootLocation root_;
    ImportReport& report_;
    std::vector<NewImage> pending_;
    QStringList pendingNames_;
    std::vector<std::optional<FaceDetection>> pendingFaces_;
    QHash<QByteArray, QString> addedHere_; // content hash -> relative path, for this import
};

} // namespace

RootLocation addFolderImages(Catalogue& catalogue, const QString& folder, const FolderImportOptions& options,
                             const ImportProgressFn& progress, const CancelFlag* cancel, ImportReport& report)
{
    const RootLocation root = rootForImport(catalogue, folder);
    const QString dir = canonicalDirectory(folder);
    const QSet<QString> known = catalogue.relativePathsInRoot(root.rootId);

    QStringList todo;
    for (const QString& file : imageFilesUnder(dir, progress, cancel)) {
        ++report.scanned;
        if (known.contains(root.prefix + file)) ++report.alreadyPresent;
        else todo.append(file);
    }

    if (cancel && cancel->isCancelled()) {
        report.cancelled = true;
        return root;
    }
    ProgressThrottle tick(progress, ImportStep::Images);
    if (!todo.isEmpty()) tick(0, int(todo.size()), QString()); // nothing to read: no "0 of 0" step
    const ImageLimits limits{options.maxPixels, options.maxFileBytes};
    const int threads = options.threads > 0 ? options.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const int batchSize = std::max(1, options.batchSize);
    BatchAdder adder(catalogue, root, report);
    std::unique_ptr<FaceDetectorPool> faces;
    if (options.detectFaces && !todo.isEmpty()) {
        try {
            faces = std::make_unique<FaceDetectorPool>();
        } catch (const Error& e) {
            report.issues.append({folder, QStringLiteral("faces not detected (run exemplar-cli detect-faces later): %1").arg(e.message())});
        }
    }

    const int consumed = orderedParallelMap<PreparedImage>(
        int(todo.size()), threads, std::max(2 * batchSize, 4 * threads),
        [&](int i) { return prepareImage(dir + QLatin1Char('/') + todo[i], limits, faces.get()); },
        [&](int i, PreparedImage&& image) {
            if (!image.problem.isEmpty()) {
                ++report.skipped;
                report.issues.append({todo[i], image.problem});
            } else {
                adder.add(todo[i], std::move(image));
                if (adder.pending() >= batchSize) {
                    adder.flush();
                    tick(i + 1, int(todo.size()), todo[i], true); // committed: always worth telling
                    return true;
                }
            }
            tick(i + 1, int(todo.size()), todo[i]);
            return true;
        },
        cancel);
    if (consumed < todo.size() && cancel && cancel->isCancelled()) report.cancelled = true;
    else adder.flush();
    return root;
}

ImportReport importFolder(Catalogue& catalogue, const QString& folder, const FolderImportOptions& options,
                          const ImportProgressFn& progress, const CancelFlag* cancel)
{
    ImportReport report;
    const ImportLog log(QStringLiteral("folder"), folder);
    addFolderImages(catalogue, folder, options, progress, cancel, report);
    log.record(catalogue, report, report.added);
    return report;
}

} // namespace exemplar
