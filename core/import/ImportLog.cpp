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
    if (!force && (done < total || total <= 0) && now - lastMs_ < 100) return;
    lastMs_ = now;
    fn_(ImportProgress{done, total, file, step_});
}

QString importStepName(ImportStep step)
{
    switch (step) {
    case ImportStep::Scanning: return QStringLiteral("Scanning folder");
    case ImportStep::Images: return QStringLiteral("Reading images");
    case ImportStep::Labels: return QStringLiteral("Reading labels");
    case ImportStep::Annotations: return QStringLiteral("Reading annotations");
    }
    return {};
}

} // namespace exemplar
