// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DatabaseConfig.h"
#include "Result.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <optional>

class QSqlError;

namespace aisbf::store {

/**
 * The control plane's database: SQLite (one node) or MySQL/MariaDB (a cluster).
 *
 * One object is shared by every thread; each thread gets its own QSqlDatabase connection, opened
 * on first use (Qt's connections belong to the thread that opened them). SQLite runs in WAL mode
 * with foreign keys on and a busy timeout; MySQL in utf8mb4 with strict SQL, and a statement that
 * finds the link lost (server restart, wait_timeout) reconnects and runs once more, unless it is
 * inside a transaction.
 *
 * Errors come back as values (StoreError) carrying the driver's text but never the password.
 */
class Database
{
public:
    /** Milliseconds since the epoch; every timestamp the stores write comes from here. */
    using Clock = std::function<qint64()>;

    explicit Database(DatabaseConfig config);
    /** Closes every connection this object opened; no thread may be using it any more. */
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    const DatabaseConfig &config() const { return m_config; }
    bool isSqlite() const { return m_config.isSqlite(); }

    /**
     * Connects on this thread and applies the pending migrations up to @p targetVersion (the
     * latest this build knows by default; tests and staged upgrades pass a lower one). Returns
     * how many migrations were applied: 0 when the schema was already up to date.
     */
    Result<int> open(int targetVersion = -1);

    /** This thread's connection, opened on first use. */
    Result<QSqlDatabase> connection();
    /** Closes this thread's connection. A worker thread calls it before it ends. */
    void closeThreadConnection();

    /** Prepares @p sql, binds @p values to its "?" in order, executes it. */
    Result<QSqlQuery> query(const QString &sql, const QVariantList &values = {});
    /** As query(); returns how many rows matched (UPDATE, DELETE) or were inserted. */
    Result<qint64> exec(const QString &sql, const QVariantList &values = {});
    /** As query() for one INSERT; returns the new row's id. */
    Result<qint64> insert(const QString &sql, const QVariantList &values = {});
    /**
     * Prepares @p sql once and runs it for each entry of @p rows (the values for its "?");
     * returns the rows matched or inserted in all. Meant for many rows in a transaction: the
     * statement is parsed once. No reconnect: a lost link fails the call.
     */
    Result<qint64> execEach(const QString &sql, const QList<QVariantList> &rows);
    /**
     * Runs @p body in a transaction on this thread's connection: committed when it returns ok,
     * rolled back otherwise. A transaction() inside another joins the outer one. On SQLite the
     * write lock is taken at the start (BEGIN IMMEDIATE) so two writers wait instead of failing.
     */
    Status transaction(const std::function<Status()> &body);
    bool inTransaction() const;

    /** The highest migration recorded in schema_migrations; 0 for an empty database. */
    Result<int> schemaVersion();
    Result<bool> hasTable(const QString &table);
    Result<bool> hasIndex(const QString &table, const QString &index);

    qint64 nowMs() const { return m_clock(); }
    /** Replaces the clock (tests). Set it before other threads use this object. */
    void setClock(Clock clock) { m_clock = std::move(clock); }

    /** A StoreError for a failed driver call: the kind from the error code, password removed. */
    StoreError sqlError(const QSqlError &error, const QString &message) const;
    /** @p text without the password (for anything that may reach a log or a client). */
    QString scrub(QString text) const;

private:
    struct ThreadState
    {
        QString name; ///< this thread's connection; empty when none is open
        int txDepth = 0;
        int reconnects = 0;
    };
    ThreadState &threadState() const;
    Result<QSqlDatabase> openConnection(const QString &name);
    Status configureConnection(QSqlDatabase &db);
    void dropConnection(const QString &name);

    const DatabaseConfig m_config;
    const quint64 m_serial; ///< tells this object's connections from another's
    Clock m_clock;
    QMutex m_namesMutex;
    QStringList m_connectionNames; ///< every connection opened, for the destructor
};

/** A bind value for a nullable integer column: a typed NULL when @p v is empty. */
QVariant nullableInt(const std::optional<qint64> &v);
/** The value of a nullable integer column. */
std::optional<qint64> optionalInt(const QVariant &v);

} // namespace aisbf::store
