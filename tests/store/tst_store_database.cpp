// SPDX-License-Identifier: GPL-3.0-or-later
// Database: connection setup, the query helper, transactions, threads, errors, reconnects.
// Every test runs on SQLite and on MariaDB (see StoreTestEnv).
#include "StoreTestEnv.h"

#include "store/Database.h"

#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace aisbf::store;

class TestStoreDatabase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { m_env.dropAll(); }

    void connectionSettings_data() { StoreTestEnv::addBackendRows(); }
    void connectionSettings();
    void valuesRoundTrip_data() { StoreTestEnv::addBackendRows(); }
    void valuesRoundTrip();
    void transactions_data() { StoreTestEnv::addBackendRows(); }
    void transactions();
    void connectionPerThread_data() { StoreTestEnv::addBackendRows(); }
    void connectionPerThread();
    void errorsNeverCarryThePassword_data() { StoreTestEnv::addBackendRows(); }
    void errorsNeverCarryThePassword();
    void unreachableServer();
    void reconnectsAfterLostLink();

private:
    StoreTestEnv m_env;
};

namespace {

Status createScratch(Database &db)
{
    auto made =
        db.exec(QStringLiteral("CREATE TABLE scratch (n BIGINT NULL, s VARCHAR(255) NULL)"));
    if (!made)
        return made.error();
    return {};
}

} // namespace

void TestStoreDatabase::connectionSettings()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    if (db.isSqlite()) {
        auto q = db.query(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(q && q->next());
        QCOMPARE(q->value(0).toString(), QStringLiteral("wal"));
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")), 1);
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA busy_timeout")), db.config().busyTimeoutMs);
    } else {
        auto q = db.query(QStringLiteral("SELECT @@character_set_connection, @@sql_mode"));
        QVERIFY(q && q->next());
        QCOMPARE(q->value(0).toString(), QStringLiteral("utf8mb4"));
        QVERIFY(q->value(1).toString().contains(QLatin1String("STRICT_ALL_TABLES")));
    }
}

void TestStoreDatabase::valuesRoundTrip()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    QVERIFY(createScratch(db));
    const QString text = QStringLiteral("naïve 😀 ünïcödé");
    const qint64 big = Q_INT64_C(1) << 50;
    QCOMPARE(*db.exec(QStringLiteral("INSERT INTO scratch (n, s) VALUES (?, ?), (?, ?)"),
                      {big, text, nullableInt(std::nullopt), QVariant()}),
             2);
    auto q = db.query(QStringLiteral("SELECT n, s FROM scratch ORDER BY n IS NULL, n"));
    QVERIFY(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toLongLong(), big);
    QCOMPARE(q->value(1).toString(), text);
    QVERIFY(q->next());
    QCOMPARE(optionalInt(q->value(0)), std::nullopt);
    QVERIFY(q->value(1).isNull());
    QVERIFY(!q->next());

    // insert() gives the new id.
    QVERIFY(db.exec(QStringLiteral("CREATE TABLE ids (id %1, v BIGINT)")
                        .arg(db.isSqlite() ? QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT")
                                           : QLatin1String("BIGINT AUTO_INCREMENT PRIMARY KEY"))));
    QCOMPARE(*db.insert(QStringLiteral("INSERT INTO ids (v) VALUES (?)"), {7}), 1);
    QCOMPARE(*db.insert(QStringLiteral("INSERT INTO ids (v) VALUES (?)"), {8}), 2);
    // An UPDATE that changes nothing still reports the row it matched (MySQL: CLIENT_FOUND_ROWS).
    QCOMPARE(*db.exec(QStringLiteral("UPDATE ids SET v = 8 WHERE id = 2")), 1);
}

void TestStoreDatabase::transactions()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    QVERIFY(createScratch(db));
    auto insert = [&db](int n) -> Status {
        auto r = db.exec(QStringLiteral("INSERT INTO scratch (n) VALUES (?)"), {n});
        if (!r)
            return r.error();
        return {};
    };
    QVERIFY(!db.inTransaction());
    QVERIFY(db.transaction([&]() -> Status {
        [&] {
            QVERIFY(db.inTransaction());
        }();
        return insert(1);
    }));
    const Status failed = db.transaction([&]() -> Status {
        if (Status s = insert(2); !s)
            return s;
        // A nested transaction joins the outer one: its failure rolls back both inserts.
        return db.transaction([&]() -> Status {
            if (Status s = insert(3); !s)
                return s;
            return StoreError{StoreError::Kind::Query, QStringLiteral("changed my mind"), {}};
        });
    });
    QVERIFY(!failed);
    QCOMPARE(failed.error().message, QStringLiteral("changed my mind"));
    QVERIFY(!db.inTransaction());
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM scratch")), 1);
    QCOMPARE(scalar(db, QStringLiteral("SELECT n FROM scratch")), 1);

    // A failing statement inside rolls back what came before it.
    const Status bad = db.transaction([&]() -> Status {
        if (Status s = insert(4); !s)
            return s;
        auto r = db.exec(QStringLiteral("INSERT INTO no_such_table VALUES (1)"));
        return r ? Status{} : Status{r.error()};
    });
    QVERIFY(!bad);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM scratch")), 1);
}

void TestStoreDatabase::connectionPerThread()
{
    QFETCH(QString, backend);
    STORE_OPEN_DB(m_env, backend, db);
    QVERIFY(createScratch(db));
    // Four threads write at once, in transactions; SQLite's writers wait for the lock.
    constexpr int threads = 4;
    constexpr int rows = 100;
    std::vector<std::unique_ptr<QThread>> workers;
    QAtomicInt failures = 0;
    QStringList names;
    QMutex namesMutex;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back(QThread::create([&, t] {
            for (int i = 0; i < rows; ++i) {
                const Status s = db.transaction([&]() -> Status {
                    auto r = db.exec(QStringLiteral("INSERT INTO scratch (n) VALUES (?)"),
                                     {t * rows + i});
                    return r ? Status{} : Status{r.error()};
                });
                if (!s) {
                    qWarning("%s", why(s).constData());
                    failures.fetchAndAddRelaxed(1);
                }
            }
            if (auto c = db.connection()) {
                QMutexLocker lock(&namesMutex);
                names.append(c->connectionName());
            }
            db.closeThreadConnection();
        }));
        workers.back()->start();
    }
    for (auto &w : workers)
        QVERIFY(w->wait(120'000));
    QCOMPARE(failures.loadRelaxed(), 0);
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(DISTINCT n) FROM scratch")), threads * rows);
    names.removeDuplicates();
    QCOMPARE(names.size(), threads);
    QVERIFY(!names.contains(db.connection()->connectionName()));
}

void TestStoreDatabase::errorsNeverCarryThePassword()
{
    QFETCH(QString, backend);
    STORE_FRESH_CONFIG(m_env, backend, base);
    DatabaseConfig config = base;
    if (config.isSqlite())
        config.password = QStringLiteral("Pa55wordXYZ"); // unused by SQLite; scrubbed all the same
    Database db(config);
    QVERIFY(db.open());
    // A statement whose error text would repeat the password.
    auto r = db.query(QLatin1String("SELECT * FROM t_") % config.password);
    QVERIFY(!r);
    QCOMPARE(r.error().kind, StoreError::Kind::Query);
    QVERIFY2(!r.error().toString().contains(config.password), why(r).constData());
    QVERIFY(r.error().toString().contains(QLatin1String("t_***")));

    if (!config.isSqlite()) {
        DatabaseConfig wrong = config;
        wrong.password = QStringLiteral("not-the-Pa55word");
        Database denied(wrong);
        auto opened = denied.open();
        QVERIFY(!opened);
        QCOMPARE(opened.error().kind, StoreError::Kind::Connection);
        QVERIFY(opened.error().toString().contains(wrong.describe()));
        QVERIFY(!opened.error().toString().contains(wrong.password));
        QVERIFY(!opened.error().toString().contains(config.password));
    }
}

void TestStoreDatabase::unreachableServer()
{
    DatabaseConfig config;
    config.backend = DatabaseConfig::Backend::MySql;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 1; // nothing listens there
    config.password = QStringLiteral("Pa55wordXYZ");
    config.connectTimeoutSec = 2;
    Database db(config);
    auto opened = db.open();
    QVERIFY(!opened);
    QCOMPARE(opened.error().kind, StoreError::Kind::Connection);
    QVERIFY2(opened.error().message.contains(QLatin1String("127.0.0.1:1")),
             why(opened).constData());
    QVERIFY(opened.error().message.contains(QLatin1String("mysql_host")));
    QVERIFY(!opened.error().toString().contains(config.password));
}

void TestStoreDatabase::reconnectsAfterLostLink()
{
    STORE_OPEN_DB(m_env, QStringLiteral("mariadb"), db);
    const qint64 before = scalar(db, QStringLiteral("SELECT CONNECTION_ID()"));
    QVERIFY(before > 0);
    {
        Database other(dbConfig);
        QVERIFY(other.exec(QStringLiteral("KILL CONNECTION %1").arg(before)));
    }
    // The next statement finds the link gone, reconnects and runs.
    const qint64 after = scalar(db, QStringLiteral("SELECT CONNECTION_ID()"));
    QVERIFY(after > 0);
    QVERIFY(after != before);
}

QTEST_GUILESS_MAIN(TestStoreDatabase)
#include "tst_store_database.moc"
