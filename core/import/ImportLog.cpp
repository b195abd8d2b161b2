#include "core/import/ImportLog.h"

namespace exemplar {

ImportLog::ImportLog(QString kind, QString source)
    : kind_(std::move(kind)), source_(std::move(source)), startedAt_(QDateTime::currentDateTimeUtc())
{
    timer_.start();
}

void ImportLog::record(Catalogue& catalogue, ImportReport& report, int added) const
{
    report.seconds = timer_.nsecsElapsed() / 1e9;
    ImportRecord r;
    r.kind = kind_;
    r.source = source_;
    r.startedAt = startedAt_;
    r.finishedAt = QDateTime::currentDateTimeUtc();
    r.added = added;
    r.skipped = report.skipped;
    r.reportJson = report.toJson();
    catalogue.recordImport(r);
}

void ProgressThrottle::operator()(int done, int total, const QString& file, bool force)
{
    if (!fn_) return;
    const qint64 now = timer_.elapsed();
    if (!force && done < total && now - lastMs_ < 100) return;
    lastMs_ = now;
    fn_(ImportProgress{done, total, file});
}

} // namespace exemplar
