#pragma once
// The image-adding part of importFolder, shared with importClassFolders.
#include "core/import/ImportRoots.h"
#include "core/import/Importers.h"

namespace exemplar {

// Adds the new images of `folder` to the catalogue, accumulating into `report`; returns where the
// folder lives among the image roots.
RootLocation addFolderImages(Catalogue& catalogue, const QString& folder, const FolderImportOptions& options,
                             const ImportProgressFn& progress, const CancelFlag* cancel, ImportReport& report);

} // namespace exemplar
