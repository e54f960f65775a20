// SPDX-License-Identifier: GPL-3.0-or-later
// The schema, as migrations. Append a migration; never edit one that has shipped.
// Placeholders ({ID}, {KEY}, {TEXT}, {BLOB}, {DIGEST}, {TABLE}) are filled per backend by
// renderSql(). Conventions: timestamps are BIGINT ms since the epoch; NULL in a limit means
// unlimited; booleans are INTEGER 0/1; foreign keys and CHECKs are table constraints (MySQL ignores
// column-level REFERENCES).
#include "Migrations.h"

namespace aisbf::store {

namespace {

MigrationStep sql(const char *text)
{
    MigrationStep step;
    step.sql = QString::fromLatin1(text);
    return step;
}

MigrationStep index(const char *name, const char *table, const char *columns)
{
    MigrationStep step;
    step.sql = QStringLiteral("CREATE INDEX %1 ON %2 (%3)")
                   .arg(QLatin1String(name), QLatin1String(table), QLatin1String(columns));
    step.table = QString::fromLatin1(table);
    step.index = QString::fromLatin1(name);
    return step;
}

MigrationStep sqliteOnly(const char *text)
{
    return {QString::fromLatin1(text), {}, {}, false, DatabaseConfig::Backend::Sqlite};
}

MigrationStep mysqlDropIndex(const char *name, const char *table)
{
    return {QStringLiteral("DROP INDEX %1 ON %2").arg(QLatin1String(name), QLatin1String(table)),
            QString::fromLatin1(table), QString::fromLatin1(name), true,
            DatabaseConfig::Backend::MySql};
}

QList<Migration> build()
{
    QList<Migration> all;

    all.append({1,
                QStringLiteral("users, tiers, tokens, sessions, user routes, usage, audit"),
                {
                    sql("CREATE TABLE IF NOT EXISTS tiers ("
                        " id {ID},"
                        " name {KEY} NOT NULL UNIQUE,"
                        " requests_per_minute BIGINT NULL,"
                        " requests_per_day BIGINT NULL,"
                        " requests_per_month BIGINT NULL,"
                        " tokens_per_minute BIGINT NULL,"
                        " max_routes BIGINT NULL"
                        "){TABLE}"),
                    sql("CREATE TABLE IF NOT EXISTS users ("
                        " id {ID},"
                        " username {KEY} NOT NULL UNIQUE,"
                        " role {KEY} NOT NULL DEFAULT 'user',"
                        " password_hash {KEY} NOT NULL DEFAULT '',"
                        " tier_id BIGINT NULL,"
                        " disabled INTEGER NOT NULL DEFAULT 0,"
                        " created_at BIGINT NOT NULL,"
                        " CONSTRAINT users_role CHECK (role IN ('admin', 'user')),"
                        " CONSTRAINT users_tier FOREIGN KEY (tier_id) REFERENCES tiers (id)"
                        "  ON DELETE SET NULL"
                        "){TABLE}"),
                    index("users_tier", "users", "tier_id"),
                    sql("CREATE TABLE IF NOT EXISTS api_tokens ("
                        " id {ID},"
                        " user_id BIGINT NOT NULL,"
                        " name {KEY} NOT NULL DEFAULT '',"
                        " token_hash {KEY} NOT NULL UNIQUE," // SHA-256 hex of the secret
                        " last4 {KEY} NOT NULL,"
                        " scope {KEY} NOT NULL DEFAULT 'api',"
                        " expires_at BIGINT NULL,"
                        " revoked_at BIGINT NULL,"
                        " created_at BIGINT NOT NULL,"
                        " last_used_at BIGINT NULL,"
                        " requests_per_minute BIGINT NULL,"
                        " CONSTRAINT api_tokens_scope CHECK (scope IN ('api', 'admin')),"
                        " CONSTRAINT api_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)"
                        "  ON DELETE CASCADE"
                        "){TABLE}"),
                    index("api_tokens_user", "api_tokens", "user_id"),
                    sql("CREATE TABLE IF NOT EXISTS admin_sessions ("
                        " token_hash {KEY} NOT NULL PRIMARY KEY,"
                        " user_id BIGINT NOT NULL,"
                        " expires_at BIGINT NOT NULL,"
                        " CONSTRAINT admin_sessions_user FOREIGN KEY (user_id)"
                        "  REFERENCES users (id) ON DELETE CASCADE"
                        "){TABLE}"),
                    index("admin_sessions_user", "admin_sessions", "user_id"),
                    index("admin_sessions_expires", "admin_sessions", "expires_at"),
                    sql("CREATE TABLE IF NOT EXISTS user_routes ("
                        " id {ID},"
                        " user_id BIGINT NOT NULL,"
                        " kind {KEY} NOT NULL,"
                        " route_id {KEY} NOT NULL,"
                        " document {TEXT} NOT NULL," // the route as JSON
                        " updated_at BIGINT NOT NULL,"
                        " CONSTRAINT user_routes_key UNIQUE (user_id, kind, route_id),"
                        " CONSTRAINT user_routes_kind"
                        "  CHECK (kind IN ('provider', 'rotation', 'autoselect')),"
                        " CONSTRAINT user_routes_user FOREIGN KEY (user_id) REFERENCES users (id)"
                        "  ON DELETE CASCADE"
                        "){TABLE}"),
                    // No foreign keys: usage outlives users and tokens, and batch inserts stay
                    // cheap.
                    sql("CREATE TABLE IF NOT EXISTS usage_events ("
                        " id {ID},"
                        " ts BIGINT NOT NULL,"
                        " user_id BIGINT NULL,"
                        " token_id BIGINT NULL,"
                        " route_kind {KEY} NOT NULL DEFAULT '',"
                        " route_id {KEY} NOT NULL DEFAULT '',"
                        " provider {KEY} NOT NULL DEFAULT '',"
                        " model {KEY} NOT NULL DEFAULT '',"
                        " prompt_tokens BIGINT NOT NULL DEFAULT 0,"
                        " completion_tokens BIGINT NOT NULL DEFAULT 0,"
                        " latency_ms BIGINT NOT NULL DEFAULT 0,"
                        " ttft_ms BIGINT NULL,"
                        " status INTEGER NOT NULL DEFAULT 0," // HTTP status sent to the client
                        " failovers INTEGER NOT NULL DEFAULT 0,"
                        " cache_hit INTEGER NOT NULL DEFAULT 0"
                        "){TABLE}"),
                    index("usage_events_ts", "usage_events", "ts"),
                    index("usage_events_user_ts", "usage_events", "user_id, ts"),
                    sql("CREATE TABLE IF NOT EXISTS audit_log ("
                        " id {ID},"
                        " ts BIGINT NOT NULL,"
                        " actor {KEY} NOT NULL,"
                        " action {KEY} NOT NULL,"
                        " target {KEY} NOT NULL DEFAULT '',"
                        " detail {TEXT} NULL"
                        "){TABLE}"),
                }});

    // Analytics by route ("traffic of rotation/coding this week") and the audit view, newest
    // first, without scanning the tables.
    all.append({2,
                QStringLiteral("indexes for usage by route and audit by time"),
                {
                    index("usage_events_route_ts", "usage_events", "route_kind, route_id, ts"),
                    index("audit_log_ts", "audit_log", "ts"),
                }});

    // A usage row is written per request; on SQLite it cost ~31k instructions (callgrind), and
    // the writer thread's share of the two cores showed in the gateway's p99. Three things
    // cost without serving anyone: AUTOINCREMENT updates sqlite_sequence with every INSERT
    // (~10 % of a row); the per-user index took an entry for anonymous rows too (auth off:
    // every row), though only users' rate counts read it; and no query reads the per-route
    // index at all (the analytics group by route within a time range, which the ts index
    // serves; EXPLAIN QUERY PLAN in tst_store_migrations checks it). On SQLite the table is
    // rebuilt with a plain rowid key (ids stay as they were; new ones continue from the
    // largest), the partial per-user index and no per-route index. MySQL has no partial
    // indexes and AUTO_INCREMENT costs nothing there: it only loses the per-route index.
    all.append({3,
                QStringLiteral("usage rows cheaper to insert on SQLite"),
                {
                    sqliteOnly("CREATE TABLE usage_events_v3 ("
                               " id INTEGER PRIMARY KEY,"
                               " ts BIGINT NOT NULL,"
                               " user_id BIGINT NULL,"
                               " token_id BIGINT NULL,"
                               " route_kind TEXT NOT NULL DEFAULT '',"
                               " route_id TEXT NOT NULL DEFAULT '',"
                               " provider TEXT NOT NULL DEFAULT '',"
                               " model TEXT NOT NULL DEFAULT '',"
                               " prompt_tokens BIGINT NOT NULL DEFAULT 0,"
                               " completion_tokens BIGINT NOT NULL DEFAULT 0,"
                               " latency_ms BIGINT NOT NULL DEFAULT 0,"
                               " ttft_ms BIGINT NULL,"
                               " status INTEGER NOT NULL DEFAULT 0,"
                               " failovers INTEGER NOT NULL DEFAULT 0,"
                               " cache_hit INTEGER NOT NULL DEFAULT 0)"),
                    sqliteOnly("INSERT INTO usage_events_v3 (id, ts, user_id, token_id,"
                               " route_kind, route_id, provider, model, prompt_tokens,"
                               " completion_tokens, latency_ms, ttft_ms, status, failovers,"
                               " cache_hit)"
                               " SELECT id, ts, user_id, token_id, route_kind, route_id,"
                               " provider, model, prompt_tokens, completion_tokens, latency_ms,"
                               " ttft_ms, status, failovers, cache_hit FROM usage_events"),
                    sqliteOnly("DROP TABLE usage_events"),
                    sqliteOnly("ALTER TABLE usage_events_v3 RENAME TO usage_events"),
                    sqliteOnly("DELETE FROM sqlite_sequence WHERE name = 'usage_events'"),
                    sqliteOnly("CREATE INDEX usage_events_ts ON usage_events (ts)"),
                    sqliteOnly("CREATE INDEX usage_events_user_ts ON usage_events (user_id, ts)"
                               " WHERE user_id IS NOT NULL"),
                    mysqlDropIndex("usage_events_route_ts", "usage_events"),
                }});

    // Usage as batches and rollups (UsageBatch.h, UsageRollup.h): a row per request cost the
    // writer thread ~18k instructions on SQLite, and that thread's share of the two cores
    // showed in the gateway's p99. Events are packed a write at a time into usage_batches (read
    // back for export; found by first_ts, a batch spans at most a minute), and the analytics
    // read per-minute sums from usage_rollups, one row per minute and key (user, token, route,
    // provider, model; key_digest stands for the key in the unique constraint). The old rows
    // stay in usage_events until the usage writer converts them, at its start.
    all.append({4,
                QStringLiteral("usage as batches of events and per-minute rollups"),
                {
                    sql("CREATE TABLE IF NOT EXISTS usage_batches ("
                        " id {ID},"
                        " first_ts BIGINT NOT NULL,"
                        " last_ts BIGINT NOT NULL,"
                        " events INTEGER NOT NULL,"
                        " data {BLOB} NOT NULL"
                        "){TABLE}"),
                    index("usage_batches_first_ts", "usage_batches", "first_ts"),
                    sql("CREATE TABLE IF NOT EXISTS usage_rollups ("
                        " minute BIGINT NOT NULL,"
                        " key_digest {DIGEST} NOT NULL,"
                        " user_id BIGINT NULL,"
                        " token_id BIGINT NULL,"
                        " route_kind {KEY} NOT NULL DEFAULT '',"
                        " route_id {KEY} NOT NULL DEFAULT '',"
                        " provider {KEY} NOT NULL DEFAULT '',"
                        " model {KEY} NOT NULL DEFAULT '',"
                        " requests BIGINT NOT NULL DEFAULT 0,"
                        " errors BIGINT NOT NULL DEFAULT 0,"     // status >= 400
                        " status_429 BIGINT NOT NULL DEFAULT 0," // not counted by rate limits
                        " prompt_tokens BIGINT NOT NULL DEFAULT 0,"
                        " completion_tokens BIGINT NOT NULL DEFAULT 0,"
                        " latency_sum_ms BIGINT NOT NULL DEFAULT 0,"
                        " latency_max_ms BIGINT NOT NULL DEFAULT 0,"
                        " ttft_count BIGINT NOT NULL DEFAULT 0,"
                        " ttft_sum_ms BIGINT NOT NULL DEFAULT 0,"
                        " CONSTRAINT usage_rollups_key UNIQUE (minute, key_digest)"
                        "){TABLE}"),
                }});

    return all;
}

} // namespace

const QList<Migration> &migrations()
{
    static const QList<Migration> all = build();
    return all;
}

} // namespace aisbf::store
