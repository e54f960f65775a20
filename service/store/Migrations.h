// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DatabaseConfig.h"
#include "Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace aisbf::store {

class Database;

/** One statement of a migration, written once for both backends (see renderSql()). */
struct MigrationStep
{
    QString sql;
    /**
     * For a CREATE INDEX: its table and name, so that the step is skipped when the index exists.
     * MySQL commits each DDL statement on its own, so a migration stopped halfway must be able
     * to run again from its first step; tables use CREATE TABLE IF NOT EXISTS for the same reason
     * (MySQL 8 has no CREATE INDEX IF NOT EXISTS).
     */
    QString table;
    QString index;
    /** The step drops that index: it is skipped when the index is already gone. */
    bool dropsIndex = false;
    /** Run on this backend only (a change only one of them needs); unset: on both. */
    std::optional<DatabaseConfig::Backend> onlyOn;
};

struct Migration
{
    int version = 0;
    QString name;
    QList<MigrationStep> steps;
};

/** Every migration, oldest first: one list for SQLite and MySQL. */
const QList<Migration> &migrations();
int latestSchemaVersion();

/**
 * @p sql with the type placeholders filled in for @p backend — the one place where the two
 * schemas differ. Timestamps are BIGINT milliseconds since the epoch on both.
 *
 * | placeholder | SQLite                            | MySQL / MariaDB                          |
 * |-------------|-----------------------------------|------------------------------------------|
 * | {ID}        | INTEGER PRIMARY KEY AUTOINCREMENT | BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY|
 * | {KEY}       | TEXT                              | VARCHAR(255) (indexable)                 |
 * | {TEXT}      | TEXT                              | MEDIUMTEXT (JSON documents, up to 16 MB) |
 * | {BLOB}      | BLOB                              | LONGBLOB                                 |
 * | {DIGEST}    | BLOB                              | BINARY(16) (an MD5, in a unique key)     |
 * | {TABLE}     | (nothing)                         | ENGINE=InnoDB, utf8mb4, binary collation |
 *
 * The binary collation makes MySQL compare text as SQLite does: "Bob" and "bob" are two names.
 */
QString renderSql(const QString &sql, DatabaseConfig::Backend backend);

/**
 * Applies, in order, each migration above the database's version up to @p targetVersion, each
 * in its own transaction, recording it in schema_migrations(version, applied_at). Returns how
 * many were applied (0 when up to date). Safe when two nodes start at once: MySQL takes a named
 * lock, SQLite the write lock, and a version found recorded inside the transaction is skipped.
 */
Result<int> applyMigrations(Database &db, int targetVersion);

} // namespace aisbf::store
