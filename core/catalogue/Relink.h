#pragma once
// Relinking a moved image folder: the catalogue keeps each image as (image folder, path relative
// to it), so after a folder moved only the folder part changes. Image ids stay the same, so labels,
// their history, identities, attributes, face boxes, scores and training runs stay attached.
#include "core/catalogue/Catalogue.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace exemplar {

struct RelinkPlan {
    QString from; // the old folder, as given (cleaned, absolute)
    QString to;   // the new folder (canonical)

    // An image folder (root) of the catalogue that is OLD or inside it: its path is rewritten.
    struct RootChange {
        qint64 rootId = 0;
        QString oldPath;
        QString newPath;
        int images = 0;
        qint64 mergeInto = 0; // the new path is already another root: its images move there
    };
    QVector<RootChange> roots;
    // Images of a root that contains OLD (OLD is a subfolder of an image folder): they move to the
    // image folder that holds NEW (created for NEW when none does).
    int imagesMovedBetweenRoots = 0;

    int images = 0;  // images whose location changes
    int found = 0;   // of those, files that exist at the new location
    int missing = 0; // files that don't (yet)
    QStringList missingExamples; // a few new absolute paths that don't exist

    QString toText() const; // what changes, one line each, for --dry-run and reports
};

// What relinkImages would do, without changing anything. Throws exemplar::Error when `to` is not
// a readable folder, or when no catalogued image is under `from` (the message lists the
// catalogue's image folders).
RelinkPlan planRelink(const Catalogue& catalogue, const QString& from, const QString& to);

// Rewrites the paths of every image under `from` to the same place under `to`, in ONE
// transaction (a failed relink changes nothing), and records it in the import log (kind "relink").
// Refuses (exemplar::Error naming both folders) when none of the files is found under `to`,
// unless `force`; when some are missing it goes on and the plan says how many
// ('exemplar-cli check' lists them). Also throws what planRelink throws, and when two images would
// end up at the same path.
RelinkPlan relinkImages(Catalogue& catalogue, const QString& from, const QString& to, bool force = false);

} // namespace exemplar
