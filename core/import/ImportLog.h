#pragma once
// Times an import and records it in the catalogue's import log when it ends.
#include "core/catalogue/Catalogue.h"
#include "core/import/Importers.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace exemplar {

class ImportLog {
public:
    ImportLog(QString kind, QString source);
    // Sets report.seconds and records the import; `added` is what the import added (images for
    // folder imports, labels for label files).
    void record(Catalogue& catalogue, ImportReport& report, int added) const;

private:
    QString kind_;
    QString source_;
    QDateTime startedAt_;
    QElapsedTimer timer_;
};

// Calls the progress function at most every 100 ms (and always for the last item, or when forced
// e.g. after each committed batch), so that a GUI isn't flooded by thousands of updates a second.
class ProgressThrottle {
public:
    explicit ProgressThrottle(const ImportProgressFn& fn, ImportStep step = ImportStep::Images) : fn_(fn), step_(step)
    {
        timer_.start();
    }
    // total 0: unknown (a count without a bar).
    void operator()(int done, int total, const QString& file, bool force = false);

private:
    const ImportProgressFn& fn_;
    ImportStep step_;
    QElapsedTimer timer_;
    qint64 lastMs_ = -1000;
};

} // namespace exemplar
