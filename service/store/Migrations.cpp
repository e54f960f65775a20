// SPDX-License-Identifier: GPL-3.0-or-later
#include "Migrations.h"

#include "Database.h"
#include "StoreLog.h"

namespace aisbf::store {

namespace {

StoreError migrationError(const Migration &m, const QString &what, const StoreError &cause)
{
    return {StoreError::Kind::Migration,
            QStringLiteral("schema migration %1 (%2) %3: %4")
                .arg(QString::number(m.version), m.name, what, cause.message),
            cause.sqlError};
}

Status applyOne(Database &db, const Migration &m, bool *skipped)
{
    return db.transaction([&]() -> Status {
        // Another node may have applied it between our version check and our lock.
        auto done = db.query(QStringLiteral("SELECT 1 FROM schema_migrations WHERE version = ?"),
                             {m.version});
        if (!done)
            return migrationError(m, QStringLiteral("could not be checked"), done.error());
        if (done->next()) {
            *skipped = true;
            return {};
        }
        for (qsizetype i = 0; i < m.steps.size(); ++i) {
            const MigrationStep &step = m.steps.at(i);
            if (step.onlyOn && *step.onlyOn != db.config().backend)
                continue;
            if (!step.index.isEmpty()) {
                auto exists = db.hasIndex(step.table, step.index);
                if (!exists)
                    return migrationError(m, QStringLiteral("could not be checked"),
                                          exists.error());
                if (*exists != step.dropsIndex)
                    continue; // created already, or dropped already
            }
            auto ran = db.exec(renderSql(step.sql, db.config().backend));
            if (!ran)
                return migrationError(m, QStringLiteral("failed at step %1").arg(i + 1),
                                      ran.error());
        }
        auto recorded = db.exec(
            QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
            {m.version, db.nowMs()});
        if (!recorded)
            return migrationError(m, QStringLiteral("could not be recorded"), recorded.error());
        return {};
    });
}

// MySQL: one node migrates at a time (DDL is not transactional there). Released on scope exit.
class MigrationLock
{
public:
    explicit MigrationLock(Database &db) : m_db(db) {}
    ~MigrationLock()
    {
        if (m_held)
            (void)m_db.query(QStringLiteral("SELECT RELEASE_LOCK(LEFT(CONCAT('aisbf.migrate.', "
                                            "DATABASE()), 64))"));
    }
    Q_DISABLE_COPY_MOVE(MigrationLock)

    Status acquire()
    {
        auto q = m_db.query(
            QStringLiteral("SELECT GET_LOCK(LEFT(CONCAT('aisbf.migrate.', DATABASE()), 64), 60)"));
        if (!q)
            return q.error();
        m_held = q->next() && q->value(0).toInt() == 1;
        if (!m_held)
            return StoreError{StoreError::Kind::Migration,
                              QStringLiteral("another node has been migrating the schema for "
                                             "60 s; check its log, then start this one again"),
                              {}};
        return {};
    }

private:
    Database &m_db;
    bool m_held = false;
};

} // namespace

int latestSchemaVersion()
{
    return migrations().constLast().version;
}

QString renderSql(const QString &sql, DatabaseConfig::Backend backend)
{
    const bool sqlite = backend == DatabaseConfig::Backend::Sqlite;
    QString out = sql;
    out.replace(QLatin1String("{ID}"), sqlite ? QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT")
                                              : QLatin1String("BIGINT NOT NULL AUTO_INCREMENT "
                                                              "PRIMARY KEY"));
    out.replace(QLatin1String("{KEY}"),
                sqlite ? QLatin1String("TEXT") : QLatin1String("VARCHAR(255)"));
    out.replace(QLatin1String("{TEXT}"),
                sqlite ? QLatin1String("TEXT") : QLatin1String("MEDIUMTEXT"));
    out.replace(QLatin1String("{BLOB}"),
                sqlite ? QLatin1String("BLOB") : QLatin1String("LONGBLOB"));
    out.replace(QLatin1String("{DIGEST}"),
                sqlite ? QLatin1String("BLOB") : QLatin1String("BINARY(16)"));
    out.replace(QLatin1String("{TABLE}"),
                sqlite ? QLatin1String("")
                       : QLatin1String(" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
                                       "COLLATE=utf8mb4_bin"));
    return out;
}

Result<int> applyMigrations(Database &db, int targetVersion)
{
    const int latest = latestSchemaVersion();
    if (targetVersion < 0 || targetVersion > latest)
        return StoreError{StoreError::Kind::Migration,
                          QStringLiteral("schema version %1 is unknown; this build knows 1 to %2")
                              .arg(targetVersion)
                              .arg(latest),
                          {}};
    MigrationLock lock(db);
    if (!db.isSqlite())
        if (Status locked = lock.acquire(); !locked)
            return locked.error();

    auto created = db.exec(renderSql(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                    "version INTEGER NOT NULL PRIMARY KEY, "
                                                    "applied_at BIGINT NOT NULL){TABLE}"),
                                     db.config().backend));
    if (!created)
        return StoreError{StoreError::Kind::Migration,
                          QStringLiteral("cannot create schema_migrations: ") %
                              created.error().message,
                          created.error().sqlError};
    auto current = db.schemaVersion();
    if (!current)
        return current.error();
    if (*current > latest)
        return StoreError{StoreError::Kind::Migration,
                          QStringLiteral("the database is at schema version %1, newer than this "
                                         "build knows (%2): run a newer aisbf, or restore a "
                                         "backup made before the upgrade")
                              .arg(*current)
                              .arg(latest),
                          {}};
    int applied = 0;
    for (const Migration &m : migrations()) {
        if (m.version <= *current || m.version > targetVersion)
            continue;
        bool skipped = false;
        if (Status ok = applyOne(db, m, &skipped); !ok)
            return ok.error();
        if (!skipped) {
            ++applied;
            qCInfo(lcStore).noquote() << "applied schema migration" << m.version << m.name << "to"
                                      << db.config().describe();
        }
    }
    return applied;
}

} // namespace aisbf::store
