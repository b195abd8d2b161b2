// The integrity check behind 'exemplar-cli check': SQLite's own checks plus Exemplar's invariants
// and the image files on disk. It only reads; the advice says how to repair.
#include "core/catalogue/Catalogue.h"
#include "core/catalogue/Database.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace exemplar {

namespace {

// A path as it can be pasted into a shell command.
QString shellQuoted(const QString& path)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./+:=@%-]+$"));
    if (plain.match(path).hasMatch()) return path;
    QString quoted = path;
    quoted.replace(QStringLiteral("'"), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

IntegrityReport Catalogue::check() const
{
    IntegrityReport report;
    auto problem = [&](const QString& what, const QString& advice) {
        report.ok = false;
        report.problems << what;
        if (!advice.isEmpty() && !report.advice.contains(advice))
            report.advice << advice;
    };

    {
        auto st = db_->prepare("PRAGMA integrity_check");
        QStringList messages;
        while (st.step())
            if (st.text(0) != QLatin1String("ok"))
                messages << st.text(0);
        if (!messages.isEmpty()) {
            problem(QStringLiteral("SQLite integrity check failed: %1").arg(messages.mid(0, 5).join(QStringLiteral("; "))),
                    QStringLiteral("The file is damaged. Restore a backup, or recover what is readable with "
                                   "'sqlite3 %1 .recover | sqlite3 recovered.exemplar'.").arg(path()));
            return report; // further queries on a damaged file would only repeat the damage
        }
    }
    {
        auto st = db_->prepare("PRAGMA foreign_key_check");
        int count = 0;
        QString first;
        while (st.step()) {
            if (count++ == 0)
                first = QStringLiteral("%1 row %2 -> %3").arg(st.text(0)).arg(st.int64(1)).arg(st.text(2));
        }
        if (count > 0)
            problem(QStringLiteral("%1 row(s) refer to missing rows (first: %2)").arg(count).arg(first),
                    QStringLiteral("Rows that point at deleted data were written with foreign keys off; "
                                   "export the labels, then re-import into a new catalogue."));
    }
    {
        auto st = db_->prepare(
            "SELECT count(*) FROM labels l JOIN classes c ON c.id = l.class_id WHERE c.task_id != l.task_id");
        if (st.step() && st.int64(0) > 0)
            problem(QStringLiteral("%1 label(s) use a class of another task").arg(st.int64(0)),
                    QStringLiteral("Relabel the affected images (exemplar-cli label) or restore a backup."));
    }
    {
        auto st = db_->prepare("SELECT count(*) FROM images i LEFT JOIN thumbnails t ON t.image_id = i.id WHERE t.image_id IS NULL");
        if (st.step() && st.int64(0) > 0)
            problem(QStringLiteral("%1 image(s) have no thumbnail").arg(st.int64(0)),
                    QStringLiteral("Images without thumbnails show as blank tiles; re-import their folder to rebuild them."));
    }
    for (const ImageRoot& root : roots()) {
        if (!QFileInfo(root.path).isDir()) {
            problem(QStringLiteral("image folder %1 is missing").arg(root.path),
                    QStringLiteral("Reconnect the drive, or if the folder was moved: exemplar-cli relink --catalog %1 "
                                   "--root %2 --to NEW_FOLDER (add --dry-run first to see what changes); labels and "
                                   "history stay attached.").arg(shellQuoted(path()), shellQuoted(root.path)));
            continue;
        }
        auto st = db_->prepare("SELECT rel_path FROM images WHERE root_id = ?");
        st.bind(1, root.id);
        int missing = 0;
        QString example;
        while (st.step()) {
            const QString file = root.path + QLatin1Char('/') + st.text(0);
            if (!QFileInfo::exists(file)) {
                if (missing++ == 0)
                    example = file;
            }
        }
        if (missing > 0) {
            report.missingFiles += missing;
            problem(QStringLiteral("%1 image file(s) under %2 are missing (e.g. %3)").arg(missing).arg(root.path, example),
                    QStringLiteral("Restore the missing files (their labels stay in the catalogue until then), or if a subfolder "
                                   "was moved: exemplar-cli relink --catalog %1 --root OLD_SUBFOLDER --to NEW_FOLDER.")
                        .arg(shellQuoted(path())));
        }
    }
    return report;
}

} // namespace exemplar
