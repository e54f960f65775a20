// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QVariantList>

#include <functional>
#include <optional>

struct sqlite3_stmt;

namespace aisbf::store {

/**
 * One prepared statement run once per row of @p rows, straight through the sqlite3 C API on
 * the connection Qt's QSQLITE driver opened (QSqlDriver::handle()). QSqlQuery spends ~10 µs of
 * CPU per row on binding and bookkeeping; this path ~1 µs. A QByteArray binds as a BLOB.
 * nullopt when @p db is not a QSQLITE connection (the caller uses QSqlQuery).
 */
std::optional<Result<qint64>> sqliteExecEach(QSqlDatabase &db, const QString &sql,
                                             const QList<QVariantList> &rows);

/** Binds row @p row's values to @p statement ("?" numbered from 1); returns an SQLite code. */
using SqliteRowBinder = std::function<int(sqlite3_stmt *statement, qsizetype row)>;

/**
 * As sqliteExecEach(), for @p rowCount rows whose values @p bindRow binds straight from the
 * caller's own types: no QVariant per value. Every parameter must be bound for every row.
 */
std::optional<Result<qint64>> sqliteExecRows(QSqlDatabase &db, const QString &sql,
                                             qsizetype rowCount, const SqliteRowBinder &bindRow);

} // namespace aisbf::store
