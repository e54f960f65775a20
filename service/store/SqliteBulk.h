// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QVariantList>

#include <optional>

namespace aisbf::store {

/**
 * One prepared statement run once per row of @p rows, straight through the sqlite3 C API on
 * the connection Qt's QSQLITE driver opened (QSqlDriver::handle()). QSqlQuery spends ~10 µs of
 * CPU per row on binding and bookkeeping; this path ~1 µs, which is what the usage writer pays
 * per request. nullopt when @p db is not a QSQLITE connection (the caller uses QSqlQuery).
 */
std::optional<Result<qint64>> sqliteExecEach(QSqlDatabase &db, const QString &sql,
                                             const QList<QVariantList> &rows);

} // namespace aisbf::store
