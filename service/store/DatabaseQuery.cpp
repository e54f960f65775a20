// SPDX-License-Identifier: GPL-3.0-or-later
// Database: statements and transactions (connections are in Database.cpp).
#include "Database.h"
#include "SqliteBulk.h"

#include "StoreLog.h"

#include <QSqlError>

namespace aisbf::store {

namespace {

// The link is gone but the server may well be back: worth one reconnect outside a transaction.
bool isLostLink(const QSqlError &e)
{
    switch (e.nativeErrorCode().toInt()) {
    case 2006: // CR_SERVER_GONE_ERROR
    case 2013: // CR_SERVER_LOST
    case 2055: // CR_SERVER_LOST_EXTENDED
    case 1927: // MariaDB: ER_CONNECTION_KILLED
    case 4031: // MySQL: disconnected by the server after wait_timeout
        return true;
    default:
        return false;
    }
}

// One attempt. Every Qt handle on the connection is gone when this returns, so the caller may
// close the connection after a failure.
std::optional<QSqlQuery> attempt(Database &database, const QString &sql, const QVariantList &values,
                                 bool prepared, QSqlError *error, StoreError *connectError)
{
    auto db = database.connection();
    if (!db) {
        *connectError = db.error();
        return std::nullopt;
    }
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    bool ok = false;
    if (prepared) {
        ok = q.prepare(sql);
        if (ok) {
            for (const QVariant &v : values)
                q.addBindValue(v);
            ok = q.exec();
        }
    } else {
        ok = q.exec(sql);
    }
    if (ok)
        return std::optional<QSqlQuery>(std::move(q));
    *error = q.lastError();
    return std::nullopt;
}

Result<QSqlQuery> run(Database &database, const QString &sql, const QVariantList &values,
                      bool prepared)
{
    for (int round = 1;; ++round) {
        QSqlError error;
        StoreError connectError;
        if (auto q = attempt(database, sql, values, prepared, &error, &connectError))
            return std::move(*q);
        if (!connectError.message.isEmpty())
            return connectError;
        if (round == 1 && !database.isSqlite() && !database.inTransaction() && isLostLink(error)) {
            qCInfo(lcStore).noquote() << "lost the link to" << database.config().describe() << "("
                                      << database.scrub(error.text()) << "); reconnecting";
            database.closeThreadConnection();
            continue;
        }
        // Returned, not logged above debug: the caller knows whether it matters.
        StoreError e = database.sqlError(error, QStringLiteral("a statement failed"));
        qCDebug(lcStore).noquote() << e.toString() << "in:" << sql.left(160);
        return e;
    }
}

} // namespace

Result<QSqlQuery> Database::query(const QString &sql, const QVariantList &values)
{
    return run(*this, sql, values, true);
}

Result<qint64> Database::exec(const QString &sql, const QVariantList &values)
{
    auto q = query(sql, values);
    if (!q)
        return q.error();
    return static_cast<qint64>(q->numRowsAffected());
}

Result<qint64> Database::insert(const QString &sql, const QVariantList &values)
{
    auto q = query(sql, values);
    if (!q)
        return q.error();
    return q->lastInsertId().toLongLong();
}

Result<qint64> Database::execEach(const QString &sql, const QList<QVariantList> &rows)
{
    auto db = connection();
    if (!db)
        return db.error();
    if (isSqlite()) {
        if (std::optional<Result<qint64>> done = sqliteExecEach(*db, sql, rows)) {
            if (!*done)
                qCDebug(lcStore).noquote() << done->error().toString() << "in:" << sql.left(160);
            return std::move(*done);
        }
    }
    QSqlQuery q(*db);
    if (!q.prepare(sql))
        return sqlError(q.lastError(), QStringLiteral("a statement failed"));
    qint64 affected = 0;
    for (const QVariantList &values : rows) {
        for (qsizetype i = 0; i < values.size(); ++i)
            q.bindValue(int(i), values.at(i));
        if (!q.exec()) {
            StoreError e = sqlError(q.lastError(), QStringLiteral("a statement failed"));
            qCDebug(lcStore).noquote() << e.toString() << "in:" << sql.left(160);
            return e;
        }
        affected += q.numRowsAffected();
    }
    return affected;
}

bool Database::inTransaction() const
{
    return threadState().txDepth > 0;
}

Status Database::transaction(const std::function<Status()> &body)
{
    ThreadState &state = threadState();
    if (state.txDepth > 0) {
        ++state.txDepth;
        Status result = body();
        --state.txDepth;
        return result;
    }
    // Not prepared: MySQL does not take START TRANSACTION as a prepared statement.
    const QString begin =
        isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("START TRANSACTION");
    if (auto begun = run(*this, begin, {}, false); !begun)
        return begun.error();
    state.txDepth = 1;
    Status result = body();
    state.txDepth = 0;
    if (result) {
        auto committed = run(*this, QStringLiteral("COMMIT"), {}, false);
        if (committed)
            return {};
        result = committed.error();
    }
    if (auto rolledBack = run(*this, QStringLiteral("ROLLBACK"), {}, false); !rolledBack)
        qCWarning(lcStore).noquote() << "rollback failed:" << rolledBack.error().toString();
    return result;
}

Result<bool> Database::hasTable(const QString &table)
{
    const QString sql =
        isSqlite() ? QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
                   : QStringLiteral("SELECT 1 FROM information_schema.tables "
                                    "WHERE table_schema = DATABASE() AND table_name = ?");
    auto q = query(sql, {table});
    if (!q)
        return q.error();
    return q->next();
}

Result<bool> Database::hasIndex(const QString &table, const QString &index)
{
    const QString sql = isSqlite()
                            ? QStringLiteral("SELECT 1 FROM sqlite_master "
                                             "WHERE type = 'index' AND tbl_name = ? AND name = ?")
                            : QStringLiteral("SELECT 1 FROM information_schema.statistics "
                                             "WHERE table_schema = DATABASE() AND table_name = ? "
                                             "AND index_name = ?");
    auto q = query(sql, {table, index});
    if (!q)
        return q.error();
    return q->next();
}

Result<int> Database::schemaVersion()
{
    auto exists = hasTable(QStringLiteral("schema_migrations"));
    if (!exists)
        return exists.error();
    if (!*exists)
        return 0;
    auto q = query(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toInt() : 0;
}

} // namespace aisbf::store
