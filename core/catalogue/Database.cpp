#include "core/catalogue/Database.h"

#include <sqlite3.h>

namespace exemplar {

namespace {

QString describe(int rc, sqlite3* db)
{
    const int primary = rc & 0xff;
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return QStringLiteral("the catalogue is locked by another process (it kept a write lock "
                              "longer than the wait time); try again when it has finished");
    case SQLITE_CORRUPT:
        return QStringLiteral("the catalogue file is damaged (%1); run 'exemplar-cli check' and "
                              "restore it from a backup")
            .arg(QString::fromUtf8(sqlite3_errstr(rc)));
    case SQLITE_NOTADB:
        return QStringLiteral("the file is not an Exemplar catalogue (not an SQLite database, or "
                              "damaged beyond repair)");
    case SQLITE_READONLY:
        return QStringLiteral("the catalogue is read-only here (file permissions or read-only mode)");
    case SQLITE_CANTOPEN:
        return QStringLiteral("cannot open the file (missing folder or no permission)");
    case SQLITE_FULL:
        return QStringLiteral("the disk is full");
    case SQLITE_IOERR:
        return QStringLiteral("disk I/O error (%1)").arg(QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    default:
        return QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
}

} // namespace

// ---- Database -----------------------------------------------------------------------------------

Database::Database(const QString& path, Options options) : path_(path), readOnly_(options.readOnly)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    if (options.readOnly)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString why = describe(rc, db_);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw Error(QStringLiteral("%1: %2").arg(path, why));
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busyTimeoutMs_);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::fail(int rc, const QString& context) const
{
    QString message = QStringLiteral("%1: %2").arg(path_, describe(rc, db_));
    if (!context.isEmpty())
        message += QStringLiteral(" (while %1)").arg(context);
    throw Error(message);
}

void Database::exec(const char* sql)
{
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK)
        fail(rc, QString::fromUtf8(sql).left(60).simplified());
}

qint64 Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

qint64 Database::pragmaInt(const char* name)
{
    const QByteArray sql = QByteArray("PRAGMA ") + name;
    Statement st(*this, sql.constData());
    return st.step() ? st.int64(0) : 0;
}

void Database::setBusyTimeoutMs(int ms)
{
    busyTimeoutMs_ = ms;
    sqlite3_busy_timeout(db_, ms);
}

// ---- Statement ----------------------------------------------------------------------------------

Statement::Statement(Database& db, const char* sql) : db_(&db)
{
    const int rc = sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK)
        db.fail(rc, QStringLiteral("preparing '%1'").arg(QString::fromUtf8(sql).simplified().left(80)));
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    sqlite3_bind_double(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(stmt_, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, const QByteArray& blob)
{
    sqlite3_bind_blob(stmt_, index, blob.constData(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, std::optional<qint64> value)
{
    return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index)
{
    sqlite3_bind_null(stmt_, index);
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const QString sql = QString::fromUtf8(sqlite3_sql(stmt_)).simplified().left(80);
    sqlite3_reset(stmt_);
    db_->fail(rc, QStringLiteral("running '%1'").arg(sql));
}

void Statement::run()
{
    while (step()) {
    }
}

void Statement::reset()
{
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
qint64 Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

QString Statement::text(int column) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(stmt_, column)) : QString();
}

QByteArray Statement::blob(int column) const
{
    const void* p = sqlite3_column_blob(stmt_, column);
    return p ? QByteArray(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, column)) : QByteArray();
}

std::optional<qint64> Statement::optionalInt64(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return int64(column);
}

std::optional<double> Statement::optionalReal(int column) const
{
    if (isNull(column))
        return std::nullopt;
    return real(column);
}

// ---- Transaction --------------------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db), nested_(sqlite3_get_autocommit(db.handle()) == 0)
{
    db_.exec(nested_ ? "SAVEPOINT exemplar_nested" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (done_)
        return;
    if (nested_)
        sqlite3_exec(db_.handle(), "ROLLBACK TO exemplar_nested; RELEASE exemplar_nested", nullptr, nullptr, nullptr);
    else
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit()
{
    db_.exec(nested_ ? "RELEASE exemplar_nested" : "COMMIT");
    done_ = true;
}

} // namespace exemplar
