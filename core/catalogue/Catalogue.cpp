// Opening, image roots, images and attributes. Labels, tasks, runs, queries and the integrity check
// live in their own Catalogue*.cpp files.
#include "core/catalogue/Catalogue.h"

#include "core/catalogue/Database.h"
#include "core/catalogue/Schema.h"
#include "core/catalogue/Timestamps.h"

#include <QDir>
#include <QFileInfo>

namespace exemplar {

namespace {

// Reads version and ownership read-only, so that a foreign, damaged or newer file is refused
// before anything could write to it.
void inspectExisting(const QString& path, Catalogue::OpenMode mode)
{
    Database probe(path, {.readOnly = true, .create = false});
    const qint64 appId = probe.pragmaInt("application_id");
    const qint64 version = probe.pragmaInt("user_version");
    Statement tables(probe, "SELECT count(*) FROM sqlite_master");
    const qint64 tableCount = tables.step() ? tables.int64(0) : 0;
    if (appId != schema::kApplicationId && (tableCount > 0 || version > 0))
        throw Error(QStringLiteral("%1: not an Exemplar catalogue (an SQLite database of another "
                                   "program); the file was not changed")
                        .arg(path));
    if (version > schema::currentVersion())
        throw Error(QStringLiteral("%1: written by a newer Exemplar (catalogue schema %2, this "
                                   "build reads up to %3); upgrade Exemplar. The file was not changed")
                        .arg(path)
                        .arg(version)
                        .arg(schema::currentVersion()));
    if (mode == Catalogue::OpenMode::ReadOnly && version < schema::currentVersion())
        throw Error(QStringLiteral("%1: catalogue schema %2 needs an upgrade to %3, which a "
                                   "read-only open cannot do; open it once read-write")
                        .arg(path)
                        .arg(version)
                        .arg(schema::currentVersion()));
}

ImageRecord readImage(const Statement& st, const QHash<qint64, QString>& rootPaths)
{
    ImageRecord r;
    r.id = st.int64(0);
    r.rootId = st.int64(1);
    r.relativePath = st.text(2);
    r.contentHash = st.text(3).toLatin1();
    r.width = static_cast<int>(st.int64(4));
    r.height = static_cast<int>(st.int64(5));
    r.fileSize = st.int64(6);
    r.identity = st.text(7);
    r.importedAt = fromStoredTime(st.text(8));
    r.absolutePath = rootPaths.value(r.rootId) + QLatin1Char('/') + r.relativePath;
    return r;
}

constexpr const char* kImageColumns =
    "SELECT id, root_id, rel_path, content_hash, width, height, file_size, identity, imported_at FROM images";

QHash<qint64, QString> rootPathMap(const QVector<ImageRoot>& roots)
{
    QHash<qint64, QString> map;
    for (const auto& r : roots)
        map.insert(r.id, r.path);
    return map;
}

} // namespace

Catalogue Catalogue::open(const QString& path, OpenMode mode)
{
    const QFileInfo info(path);
    if (info.isDir())
        throw Error(QStringLiteral("%1: is a folder, not a catalogue file").arg(path));
    if (!info.exists()) {
        if (mode != OpenMode::CreateIfMissing)
            throw Error(QStringLiteral("%1: no such catalogue").arg(path));
        if (!info.absoluteDir().exists())
            throw Error(QStringLiteral("%1: the folder %2 does not exist").arg(path, info.absolutePath()));
    } else if (info.size() > 0) {
        inspectExisting(path, mode);
    }

    const bool readOnly = mode == OpenMode::ReadOnly;
    auto db = std::make_unique<Database>(path, Database::Options{.readOnly = readOnly, .create = !readOnly});
    db->exec("PRAGMA foreign_keys = ON");
    if (!readOnly) {
        // WAL lets the GUI read while a training process or the CLI writes; NORMAL sync is safe in WAL.
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = NORMAL");
        schema::migrate(*db, static_cast<int>(db->pragmaInt("user_version")));
    }
    return Catalogue(std::move(db));
}

Catalogue::Catalogue(std::unique_ptr<Database> db) : db_(std::move(db)) {}
Catalogue::Catalogue(Catalogue&&) noexcept = default;
Catalogue& Catalogue::operator=(Catalogue&&) noexcept = default;
Catalogue::~Catalogue() = default;

QString Catalogue::path() const { return db_->path(); }
Database& Catalogue::database() const { return *db_; }

int Catalogue::currentSchemaVersion() { return schema::currentVersion(); }
int Catalogue::schemaVersion() const { return static_cast<int>(db_->pragmaInt("user_version")); }
void Catalogue::setBusyTimeoutMs(int ms) { db_->setBusyTimeoutMs(ms); }

// ---- roots --------------------------------------------------------------------------------------

qint64 Catalogue::ensureRoot(const QString& absoluteDir)
{
    const QString clean = QDir::cleanPath(QDir(absoluteDir).absolutePath());
    Transaction tx(*db_);
    auto find = db_->prepare("SELECT id FROM image_roots WHERE path = ?");
    find.bind(1, clean);
    if (find.step())
        return find.int64(0);
    auto insert = db_->prepare("INSERT INTO image_roots(path, added_at) VALUES(?, ?)");
    insert.bind(1, clean).bind(2, storedNow()).run();
    const qint64 id = db_->lastInsertRowId();
    tx.commit();
    return id;
}

QVector<ImageRoot> Catalogue::roots() const
{
    QVector<ImageRoot> result;
    auto st = db_->prepare("SELECT id, path FROM image_roots ORDER BY id");
    while (st.step())
        result.push_back({st.int64(0), st.text(1)});
    return result;
}

std::optional<ImageRoot> Catalogue::root(qint64 rootId) const
{
    auto st = db_->prepare("SELECT id, path FROM image_roots WHERE id = ?");
    st.bind(1, rootId);
    if (!st.step())
        return std::nullopt;
    return ImageRoot{st.int64(0), st.text(1)};
}

// ---- images -------------------------------------------------------------------------------------

std::vector<AddImageResult> Catalogue::addImages(const std::vector<NewImage>& images)
{
    std::vector<AddImageResult> results;
    results.reserve(images.size());
    Transaction tx(*db_);
    auto byHash = db_->prepare("SELECT id FROM images WHERE content_hash = ?");
    auto byPath = db_->prepare("SELECT id FROM images WHERE root_id = ? AND rel_path = ?");
    auto insert = db_->prepare(
        "INSERT INTO images(root_id, rel_path, content_hash, width, height, file_size, identity, imported_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    auto insertThumb = db_->prepare("INSERT INTO thumbnails(image_id, jpeg) VALUES(?, ?)");
    const QString now = storedNow();
    for (const NewImage& img : images) {
        byHash.reset();
        byHash.bind(1, QString::fromLatin1(img.contentHash));
        if (byHash.step()) {
            results.push_back({byHash.int64(0), false});
            continue;
        }
        byPath.reset();
        byPath.bind(1, img.rootId).bind(2, img.relativePath);
        if (byPath.step()) { // same path, other bytes: the file changed after it was catalogued
            results.push_back({byPath.int64(0), false});
            continue;
        }
        insert.reset();
        insert.bind(1, img.rootId)
            .bind(2, img.relativePath)
            .bind(3, QString::fromLatin1(img.contentHash))
            .bind(4, img.width)
            .bind(5, img.height)
            .bind(6, img.fileSize)
            .bind(7, img.identity)
            .bind(8, now)
            .run();
        const qint64 id = db_->lastInsertRowId();
        if (!img.thumbnailJpeg.isEmpty()) {
            insertThumb.reset();
            insertThumb.bind(1, id).bind(2, img.thumbnailJpeg).run();
        }
        results.push_back({id, true});
    }
    tx.commit();
    return results;
}

std::optional<ImageRecord> Catalogue::image(qint64 imageId) const
{
    const auto list = images({imageId});
    if (list.isEmpty())
        return std::nullopt;
    return list.front();
}

QVector<ImageRecord> Catalogue::images(const QVector<qint64>& imageIds) const
{
    const auto rootsById = rootPathMap(roots());
    QVector<ImageRecord> result;
    result.reserve(imageIds.size());
    auto st = db_->prepare((QByteArray(kImageColumns) + " WHERE id = ?").constData());
    for (qint64 id : imageIds) {
        st.reset();
        st.bind(1, id);
        if (st.step())
            result.push_back(readImage(st, rootsById));
    }
    return result;
}

QHash<qint64, QString> Catalogue::identities(const QVector<qint64>& imageIds) const
{
    QHash<qint64, QString> out;
    for (const ImageRecord& image : images(imageIds))
        if (!image.identity.isEmpty()) out.insert(image.id, image.identity);
    return out;
}

QVector<ImageRecord> Catalogue::allImages() const
{
    const auto rootsById = rootPathMap(roots());
    QVector<ImageRecord> result;
    auto st = db_->prepare((QByteArray(kImageColumns) + " ORDER BY id").constData());
    while (st.step())
        result.push_back(readImage(st, rootsById));
    return result;
}

std::optional<qint64> Catalogue::imageIdByPath(qint64 rootId, const QString& relativePath) const
{
    auto st = db_->prepare("SELECT id FROM images WHERE root_id = ? AND rel_path = ?");
    st.bind(1, rootId).bind(2, relativePath);
    if (!st.step())
        return std::nullopt;
    return st.int64(0);
}

std::optional<qint64> Catalogue::imageIdByHash(const QByteArray& contentHashHex) const
{
    auto st = db_->prepare("SELECT id FROM images WHERE content_hash = ?");
    st.bind(1, QString::fromLatin1(contentHashHex));
    if (!st.step())
        return std::nullopt;
    return st.int64(0);
}

QSet<QString> Catalogue::relativePathsInRoot(qint64 rootId) const
{
    QSet<QString> paths;
    auto st = db_->prepare("SELECT rel_path FROM images WHERE root_id = ?");
    st.bind(1, rootId);
    while (st.step())
        paths.insert(st.text(0));
    return paths;
}

QByteArray Catalogue::thumbnail(qint64 imageId) const
{
    auto st = db_->prepare("SELECT jpeg FROM thumbnails WHERE image_id = ?");
    st.bind(1, imageId);
    return st.step() ? st.blob(0) : QByteArray();
}

int Catalogue::imageCount() const
{
    auto st = db_->prepare("SELECT count(*) FROM images");
    return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

void Catalogue::setIdentities(const QVector<QPair<qint64, QString>>& imageIdentity)
{
    Transaction tx(*db_);
    auto st = db_->prepare("UPDATE images SET identity = ? WHERE id = ?");
    for (const auto& [id, identity] : imageIdentity) {
        st.reset();
        st.bind(1, identity).bind(2, id).run();
    }
    tx.commit();
}

// ---- attributes ---------------------------------------------------------------------------------

void Catalogue::setAttributes(const std::vector<AttributeValue>& values)
{
    Transaction tx(*db_);
    auto st = db_->prepare(
        "INSERT INTO attributes(image_id, name, num_value, text_value, source) VALUES(?, ?, ?, ?, ?) "
        "ON CONFLICT(image_id, name) DO UPDATE SET num_value = excluded.num_value, "
        "text_value = excluded.text_value, source = excluded.source");
    for (const AttributeValue& v : values) {
        st.reset();
        st.bind(1, v.imageId).bind(2, v.name);
        const int type = v.value.typeId();
        const bool numeric = type == QMetaType::Double || type == QMetaType::Float
                             || type == QMetaType::Int || type == QMetaType::LongLong;
        if (numeric)
            st.bind(3, v.value.toDouble()).bindNull(4);
        else
            st.bindNull(3).bind(4, v.value.toString());
        st.bind(5, v.source).run();
    }
    tx.commit();
}

QVector<AttributeValue> Catalogue::attributes(qint64 imageId) const
{
    QVector<AttributeValue> result;
    auto st = db_->prepare(
        "SELECT name, num_value, text_value, source FROM attributes WHERE image_id = ? ORDER BY name");
    st.bind(1, imageId);
    while (st.step()) {
        AttributeValue v;
        v.imageId = imageId;
        v.name = st.text(0);
        v.value = st.isNull(1) ? QVariant(st.text(2)) : QVariant(st.real(1));
        v.source = st.text(3);
        result.push_back(v);
    }
    return result;
}

QStringList Catalogue::attributeNames() const
{
    QStringList names;
    auto st = db_->prepare("SELECT DISTINCT name FROM attributes ORDER BY name");
    while (st.step())
        names << st.text(0);
    return names;
}

std::optional<QPair<double, double>> Catalogue::attributeRange(const QString& name) const
{
    auto st = db_->prepare("SELECT min(num_value), max(num_value) FROM attributes WHERE name = ? AND num_value IS NOT NULL");
    st.bind(1, name);
    if (!st.step() || st.isNull(0))
        return std::nullopt;
    return qMakePair(st.real(0), st.real(1));
}

// ---- imports ------------------------------------------------------------------------------------

qint64 Catalogue::recordImport(const ImportRecord& record)
{
    auto st = db_->prepare(
        "INSERT INTO imports(kind, source, started_at, finished_at, added, skipped, report_json) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, record.kind)
        .bind(2, record.source)
        .bind(3, toStoredTime(record.startedAt))
        .bind(4, toStoredTime(record.finishedAt))
        .bind(5, record.added)
        .bind(6, record.skipped)
        .bind(7, record.reportJson.isEmpty() ? QStringLiteral("{}") : record.reportJson)
        .run();
    return db_->lastInsertRowId();
}

QVector<ImportRecord> Catalogue::importsLog() const
{
    QVector<ImportRecord> result;
    auto st = db_->prepare(
        "SELECT id, kind, source, started_at, finished_at, added, skipped, report_json FROM imports ORDER BY id");
    while (st.step()) {
        ImportRecord r;
        r.id = st.int64(0);
        r.kind = st.text(1);
        r.source = st.text(2);
        r.startedAt = fromStoredTime(st.text(3));
        r.finishedAt = fromStoredTime(st.text(4));
        r.added = static_cast<int>(st.int64(5));
        r.skipped = static_cast<int>(st.int64(6));
        r.reportJson = st.text(7);
        result.push_back(r);
    }
    return result;
}

} // namespace exemplar
