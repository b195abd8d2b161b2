#pragma once
// Where a folder lives among the catalogue's image roots. A catalogue grows folder by folder;
// importing a folder inside an existing root reuses that root (relative paths get the subfolder
// as prefix) instead of cataloguing the same files under two roots.
#include "core/catalogue/Catalogue.h"

#include <QString>
#include <optional>

namespace exemplar {

struct RootLocation {
    qint64 rootId = 0;
    QString rootPath; // canonical absolute directory of the root
    QString prefix;   // the folder relative to the root, '/'-terminated, empty when it is the root
};

// Canonical absolute path of an existing directory; throws exemplar::Error naming it otherwise.
QString canonicalDirectory(const QString& dir);

std::optional<RootLocation> findRootContaining(const Catalogue& catalogue, const QString& canonicalDir);

// The root that contains `folder`, created for `folder` itself when none does.
RootLocation rootForImport(Catalogue& catalogue, const QString& folder);

// The root that contains `imageRoot`; throws exemplar::Error when no root does (nothing imported there).
RootLocation rootForLabels(const Catalogue& catalogue, const QString& imageRoot);

} // namespace exemplar
