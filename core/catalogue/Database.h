#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// Every SQLite failure becomes an exemplar::Error that names the catalogue file and says what went
// wrong in words a curator can act on (locked, damaged, read-only, ...).
#include "core/util/Error.h"

#include <QByteArray>
#include <QString>
#include <QVariant>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace exemplar {

class Database;

class Statement {
public:
    Statement(Database& db, const char* sql);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    // Binding is 1-based, like SQLite. Returns *this so calls chain.
    Statement& bind(int index, qint64 value);
    Statement& bind(int index, int value) { return bind(index, static_cast<qint64>(value)); }
    Statement& bind(int index, bool value) { return bind(index, static_cast<qint64>(value ? 1 : 0)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const QString& value);
    Statement& bind(int index, const QByteArray& blob);
    Statement& bind(int index, std::optional<qint64> value);
    Statement& bindNull(int index);

    bool step(); // true while a row is available; throws on error
    void run();  // step() to completion for statements that return no rows
    void reset();

    bool isNull(int column) const;
    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    std::optional<qint64> optionalInt64(int column) const;
    std::optional<double> optionalReal(int column) const;

private:
    Database* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
public:
    struct Options {
        bool readOnly = false;
        bool create = false;
    };
    Database(const QString& path, Options options); // throws
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const QString& path() const { return path_; }
    bool isReadOnly() const { return readOnly_; }
    sqlite3* handle() const { return db_; }

    void exec(const char* sql); // one or more statements, no results
    Statement prepare(const char* sql) { return Statement(*this, sql); }
    qint64 lastInsertRowId() const;
    int changes() const;
    qint64 pragmaInt(const char* name); // e.g. "user_version"
    void setBusyTimeoutMs(int ms);
    int busyTimeoutMs() const { return busyTimeoutMs_; }

    // Turns an SQLite result code into a user-facing exemplar::Error.
    [[noreturn]] void fail(int rc, const QString& context) const;

private:
    QString path_;
    sqlite3* db_ = nullptr;
    bool readOnly_ = false;
    int busyTimeoutMs_ = 30000;
};

// BEGIN IMMEDIATE on construction (so a writer waits for the lock up front instead of failing at
// COMMIT), ROLLBACK on destruction unless commit() was called. Inside another Transaction it is a
// SAVEPOINT instead: its commit() releases the savepoint and only the outer commit() writes, so an
// operation made of several catalogue calls (a labels import, a relink) can be all or nothing.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& db_;
    bool done_ = false;
    bool nested_ = false;
};

} // namespace exemplar
