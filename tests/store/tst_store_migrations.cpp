// SPDX-License-Identifier: GPL-3.0-or-later
// Migrations: from empty, from v1 to v2, re-runs, resumption, a newer schema, the SQL dialects.
// Every database test runs on SQLite and on MariaDB (see StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/Database.h"
#include "store/Migrations.h"

#include <QSqlQuery>
#include <QTest>

using namespace aisbf::store;

class TestStoreMigrations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void listIsOrdered();
    void renderSql_data();
    void renderSql();
    void fromEmpty_data() { StoreTestEnv::addBackendRows(); }
    void fromEmpty();
    void rerunAppliesNothing_data() { StoreTestEnv::addBackendRows(); }
    void rerunAppliesNothing();
    void fromV1ToV2_data() { StoreTestEnv::addBackendRows(); }
    void fromV1ToV2();
    void fromV2ToV3_data() { StoreTestEnv::addBackendRows(); }
    void fromV2ToV3();
    void fromV3ToV4_data() { StoreTestEnv::addBackendRows(); }
    void fromV3ToV4();
    void interruptedMigrationResumes_data() { StoreTestEnv::addBackendRows(); }
    void interruptedMigrationResumes();
    void newerSchemaIsRefused_data() { StoreTestEnv::addBackendRows(); }
    void newerSchemaIsRefused();
    void unknownTargetIsRefused();

private:
    StoreTestEnv m_env;
};

namespace {

const QStringList kTables = {
    QStringLiteral("schema_migrations"),
    QStringLiteral("users"),
    QStringLiteral("tiers"),
    QStringLiteral("api_tokens"),
    QStringLiteral("admin_sessions"),
    QStringLiteral("user_routes"),
    QStringLiteral("usage_events"),
    QStringLiteral("usage_batches"),
    QStringLiteral("usage_rollups"),
    QStringLiteral("audit_log"),
};
constexpr qint64 kNow = 1'700'000'000'000;

QList<int> recordedVersions(Database &db)
{
    QList<int> versions;
    auto q = db.query(QStringLiteral("SELECT version, applied_at FROM schema_migrations "
                                     "ORDER BY version"));
    if (!q)
        return {-1};
    while (q->next()) {
        versions.append(q->value(0).toInt());
        if (q->value(1).toLongLong() != kNow)
            versions.append(-2); // applied_at must come from the database's clock
    }
    return versions;
}

} // namespace

void TestStoreMigrations::listIsOrdered()
{
    int expected = 1;
    for (const Migration &m : migrations()) {
        QCOMPARE(m.version, expected++);
        QVERIFY(!m.name.isEmpty());
        QVERIFY(!m.steps.isEmpty());
    }
    QCOMPARE(latestSchemaVersion(), 4);
}

void TestStoreMigrations::renderSql_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("sqlite");
    QTest::addColumn<QString>("mysql");
    QTest::newRow("id") << QStringLiteral("id {ID}")
                        << QStringLiteral("id INTEGER PRIMARY KEY AUTOINCREMENT")
                        << QStringLiteral("id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY");
    QTest::newRow("key") << QStringLiteral("name {KEY} NOT NULL")
                         << QStringLiteral("name TEXT NOT NULL")
                         << QStringLiteral("name VARCHAR(255) NOT NULL");
    QTest::newRow("text") << QStringLiteral("doc {TEXT}") << QStringLiteral("doc TEXT")
                          << QStringLiteral("doc MEDIUMTEXT");
    QTest::newRow("table") << QStringLiteral("CREATE TABLE t (a BIGINT){TABLE}")
                           << QStringLiteral("CREATE TABLE t (a BIGINT)")
                           << QStringLiteral("CREATE TABLE t (a BIGINT) ENGINE=InnoDB DEFAULT "
                                             "CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
}

void TestStoreMigrations::renderSql()
{
    QFETCH(QString, sql);
    QFETCH(QString, sqlite);
    QFETCH(QString, mysql);
    QCOMPARE(aisbf::store::renderSql(sql, DatabaseConfig::Backend::Sqlite), sqlite);
    QCOMPARE(aisbf::store::renderSql(sql, DatabaseConfig::Backend::MySql), mysql);
}

void TestStoreMigrations::fromEmpty()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    Database db(config);
    db.setClock([] { return kNow; });
    QCOMPARE(*db.schemaVersion(), 0);
    auto applied = db.open();
    QVERIFY2(applied, why(applied).constData());
    QCOMPARE(*applied, 4);
    QCOMPARE(*db.schemaVersion(), 4);
    QCOMPARE(recordedVersions(db), (QList<int>{1, 2, 3, 4}));
    QVERIFY(
        *db.hasIndex(QStringLiteral("usage_batches"), QStringLiteral("usage_batches_first_ts")));
    for (const QString &table : kTables)
        QVERIFY2(*db.hasTable(table), qPrintable(table));
    QVERIFY(*db.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_ts")));
    QVERIFY(*db.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_user_ts")));
    // Created by migration 2, dropped by 3: no query reads it (see fromV2ToV3).
    QVERIFY(!*db.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_route_ts")));
    QVERIFY(*db.hasIndex(QStringLiteral("audit_log"), QStringLiteral("audit_log_ts")));
}

void TestStoreMigrations::rerunAppliesNothing()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    {
        Database first(config);
        first.setClock([] { return kNow; });
        QCOMPARE(*first.open(), 4);
        QCOMPARE(*first.open(), 0); // the same object, again
    }
    Database second(config);
    second.setClock([] { return kNow + 1; });
    auto applied = second.open();
    QVERIFY2(applied, why(applied).constData());
    QCOMPARE(*applied, 0);
    QCOMPARE(recordedVersions(second), (QList<int>{1, 2, 3, 4})); // applied_at untouched
}

void TestStoreMigrations::fromV1ToV2()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    {
        Database v1(config);
        v1.setClock([] { return kNow; });
        QCOMPARE(*v1.open(1), 1);
        QCOMPARE(*v1.schemaVersion(), 1);
        QVERIFY(*v1.hasTable(QStringLiteral("usage_events")));
        QVERIFY(
            !*v1.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_route_ts")));
        QVERIFY(v1.exec(QStringLiteral("INSERT INTO users (username, created_at) VALUES (?, ?)"),
                        {QStringLiteral("kept"), kNow}));
        QVERIFY(v1.exec(QStringLiteral("INSERT INTO usage_events (ts, route_kind, route_id) "
                                       "VALUES (?, 'rotation', 'coding')"),
                        {kNow}));
    }
    Database v2(config);
    v2.setClock([] { return kNow; });
    auto applied = v2.open();
    QVERIFY2(applied, why(applied).constData());
    QCOMPARE(*applied, 3);
    QCOMPARE(*v2.schemaVersion(), 4);
    QCOMPARE(recordedVersions(v2), (QList<int>{1, 2, 3, 4}));
    QVERIFY(!*v2.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_route_ts")));
    QVERIFY(*v2.hasIndex(QStringLiteral("audit_log"), QStringLiteral("audit_log_ts")));
    QCOMPARE(scalar(v2, QStringLiteral("SELECT COUNT(*) FROM users WHERE username = 'kept'")), 1);
    QCOMPARE(scalar(v2, QStringLiteral("SELECT COUNT(*) FROM usage_events "
                                       "WHERE route_kind = 'rotation' AND route_id = 'coding'")),
             1);
}

void TestStoreMigrations::fromV2ToV3()
{
    // SQLite's usage table is rebuilt (no AUTOINCREMENT, a partial per-user index): rows and
    // their ids survive, new ids continue after them. MySQL's is left as it is.
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    const QString insertUsage = QStringLiteral("INSERT INTO usage_events (ts, user_id, route_kind, "
                                               "route_id) VALUES (?, ?, 'rotation', ?)");
    {
        Database v2(config);
        v2.setClock([] { return kNow; });
        QCOMPARE(*v2.open(2), 2);
        QVERIFY(v2.exec(insertUsage, {kNow, QVariant(), QStringLiteral("anonymous")}));
        QVERIFY(v2.exec(insertUsage, {kNow + 1, 7, QStringLiteral("of-user-7")}));
    }
    Database v3(config);
    v3.setClock([] { return kNow; });
    auto applied = v3.open(3);
    QVERIFY2(applied, why(applied).constData());
    QCOMPARE(*applied, 1);
    QCOMPARE(*v3.schemaVersion(), 3);
    QCOMPARE(scalar(v3, QStringLiteral("SELECT id FROM usage_events WHERE route_id = 'anonymous'")),
             1);
    QCOMPARE(scalar(v3, QStringLiteral("SELECT id FROM usage_events WHERE user_id = 7")), 2);
    auto inserted = v3.insert(insertUsage, {kNow + 2, 8, QStringLiteral("after")});
    QVERIFY2(inserted, why(inserted).constData());
    QCOMPARE(*inserted, 3);
    QVERIFY(*v3.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_ts")));
    QVERIFY(*v3.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_user_ts")));
    QVERIFY(!*v3.hasIndex(QStringLiteral("usage_events"), QStringLiteral("usage_events_route_ts")));
    if (backend != QLatin1String("sqlite"))
        return;
    // Analytics by route read a time range through the ts index, as every analytics query
    // does: the per-route index that migration 3 dropped was never used.
    auto plan = v3.query(QStringLiteral("EXPLAIN QUERY PLAN SELECT e.ts / 3600000 AS b,"
                                        " e.route_kind, e.route_id, COUNT(*) FROM usage_events e"
                                        " WHERE e.ts >= ? AND e.ts < ?"
                                        " GROUP BY b, e.route_kind, e.route_id"),
                         {kNow, kNow + 1000});
    QVERIFY(plan);
    QStringList steps;
    while (plan->next())
        steps.append(plan->value(3).toString());
    QVERIFY2(steps.join(u'\n').contains(QLatin1String("USING INDEX usage_events_ts")),
             qPrintable(steps.join(u'\n')));
    auto table =
        v3.query(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?"),
                 {QStringLiteral("usage_events")});
    QVERIFY(table && table->next());
    QVERIFY2(!table->value(0).toString().contains(QLatin1String("AUTOINCREMENT")),
             qPrintable(table->value(0).toString()));
    auto index =
        v3.query(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?"),
                 {QStringLiteral("usage_events_user_ts")});
    QVERIFY(index && index->next());
    QVERIFY2(index->value(0).toString().contains(QLatin1String("WHERE user_id IS NOT NULL")),
             qPrintable(index->value(0).toString()));
    // The rate counts' query reads users' rows through the partial index.
    QCOMPARE(scalar(v3, QStringLiteral("SELECT COUNT(*) FROM usage_events WHERE ts >= 0 AND "
                                       "user_id IS NOT NULL")),
             2);
}

void TestStoreMigrations::fromV3ToV4()
{
    // Migration 4 adds the batch and rollup tables; the old rows stay in usage_events until a
    // usage writer converts them (tst_usage_writer: convertsOldRows).
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    {
        Database v3(config);
        v3.setClock([] { return kNow; });
        QCOMPARE(*v3.open(3), 3);
        QVERIFY(v3.exec(QStringLiteral("INSERT INTO usage_events (ts, route_kind, route_id) "
                                       "VALUES (?, 'rotation', 'coding')"),
                        {kNow}));
    }
    Database v4(config);
    v4.setClock([] { return kNow; });
    auto applied = v4.open();
    QVERIFY2(applied, why(applied).constData());
    QCOMPARE(*applied, 1);
    QCOMPARE(*v4.schemaVersion(), 4);
    QCOMPARE(scalar(v4, QStringLiteral("SELECT COUNT(*) FROM usage_events")), 1);
    QCOMPARE(scalar(v4, QStringLiteral("SELECT COUNT(*) FROM usage_batches")), 0);
    QCOMPARE(scalar(v4, QStringLiteral("SELECT COUNT(*) FROM usage_rollups")), 0);
    // One row per minute and key: a second row of the same minute and digest is refused.
    const QString rollup = QStringLiteral("INSERT INTO usage_rollups (minute, key_digest) "
                                          "VALUES (?, ?)");
    const QByteArray digest(16, '\x7f');
    QVERIFY(v4.exec(rollup, {kNow, digest}));
    QVERIFY(v4.exec(rollup, {kNow + 60'000, digest}));
    auto twice = v4.exec(rollup, {kNow, digest});
    QVERIFY(!twice);
    QCOMPARE(twice.error().kind, StoreError::Kind::Conflict);
    if (backend != QLatin1String("sqlite"))
        return;
    // The analytics read a minute range through the unique key; the export a first_ts range
    // through its index.
    const auto plan = [&v4](const QString &sql) {
        QStringList steps;
        auto q = v4.query(QStringLiteral("EXPLAIN QUERY PLAN ") + sql, {kNow, kNow + 1000});
        while (q && q->next())
            steps.append(q->value(3).toString());
        return steps.join(u'\n');
    };
    const QString report = plan(QStringLiteral("SELECT e.minute / 3600000 AS b, SUM(requests)"
                                               " FROM usage_rollups e WHERE e.minute >= ?"
                                               " AND e.minute < ? GROUP BY b"));
    QVERIFY2(report.contains(QLatin1String("USING INDEX sqlite_autoindex_usage_rollups_1")),
             qPrintable(report));
    const QString batches = plan(QStringLiteral("SELECT id, data FROM usage_batches"
                                                " WHERE first_ts >= ? AND first_ts < ?"
                                                " ORDER BY first_ts, id"));
    QVERIFY2(batches.contains(QLatin1String("USING INDEX usage_batches_first_ts")),
             qPrintable(batches));
}

void TestStoreMigrations::interruptedMigrationResumes()
{
    // MySQL commits each DDL statement by itself: a migration stopped after its first step leaves
    // that step done but the version unrecorded. Running it again must finish it, not fail.
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    Database db(config);
    db.setClock([] { return kNow; });
    QCOMPARE(*db.open(1), 1);
    QVERIFY(db.exec(QStringLiteral("CREATE INDEX usage_events_route_ts "
                                   "ON usage_events (route_kind, route_id, ts)")));
    auto applied = db.open();
    QVERIFY2(applied, why(applied).constData());
    QCOMPARE(*applied, 3);
    QVERIFY(*db.hasIndex(QStringLiteral("audit_log"), QStringLiteral("audit_log_ts")));
    QCOMPARE(recordedVersions(db), (QList<int>{1, 2, 3, 4}));
}

void TestStoreMigrations::newerSchemaIsRefused()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, config);
    Database db(config);
    QVERIFY(db.open());
    QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_migrations (version, applied_at) "
                                   "VALUES (99, 0)")));
    Database older(config);
    auto opened = older.open();
    QVERIFY(!opened);
    QCOMPARE(opened.error().kind, StoreError::Kind::Migration);
    QVERIFY2(opened.error().message.contains(QLatin1String("version 99")), why(opened).constData());
}

void TestStoreMigrations::unknownTargetIsRefused()
{
    STORE_FRESH_CONFIG(m_env, QStringLiteral("sqlite"), config);
    Database db(config);
    auto opened = db.open(latestSchemaVersion() + 1);
    QVERIFY(!opened);
    QCOMPARE(opened.error().kind, StoreError::Kind::Migration);
}

QTEST_GUILESS_MAIN(TestStoreMigrations)
#include "tst_store_migrations.moc"
