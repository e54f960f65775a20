// SPDX-License-Identifier: GPL-3.0-or-later
// DatabaseConfig: the "database" object of aisbf.json, and the AISBF_TEST_MYSQL form.
#include "store/DatabaseConfig.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using aisbf::store::DatabaseConfig;

class TestStoreConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void paths_data();
    void paths();
    void mysql();
    void mysqlPasswordFromEnvironment();
    void originalConfigLoads();
    void mistakes_data();
    void mistakes();
    void mysqlSpec_data();
    void mysqlSpec();
};

namespace {

const QString kConfigDir = QStringLiteral("/etc/aisbf");
const QString kHome = QStringLiteral("/home/op");
const QString kSecret = QStringLiteral("hunter2-Secret");

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

} // namespace

void TestStoreConfig::defaults()
{
    aisbf::config::Diagnostics diagnostics;
    const auto c = DatabaseConfig::fromServerJson({}, kConfigDir, kHome, diagnostics);
    QVERIFY(c);
    QVERIFY(diagnostics.isEmpty());
    QVERIFY(c->isSqlite());
    QCOMPARE(c->sqlitePath, QStringLiteral("/etc/aisbf/aisbf.db"));
    QCOMPARE(c->driverName(), QStringLiteral("QSQLITE"));
}

void TestStoreConfig::paths_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");
    QTest::newRow("tilde") << QByteArray(R"({"database":{"sqlite_path":"~/.aisbf/aisbf.db"}})")
                           << QStringLiteral("/home/op/.aisbf/aisbf.db");
    QTest::newRow("relative") << QByteArray(R"({"database":{"sqlite_path":"data/x.db"}})")
                              << QStringLiteral("/etc/aisbf/data/x.db");
    QTest::newRow("absolute") << QByteArray(R"({"database":{"sqlite_path":"/var/lib/a.db"}})")
                              << QStringLiteral("/var/lib/a.db");
    QTest::newRow("type only") << QByteArray(R"({"database":{"type":"sqlite"}})")
                               << QStringLiteral("/etc/aisbf/aisbf.db");
    QTest::newRow("nulls") << QByteArray(R"({"database":{"type":null,"sqlite_path":null}})")
                           << QStringLiteral("/etc/aisbf/aisbf.db");
}

void TestStoreConfig::paths()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    aisbf::config::Diagnostics diagnostics;
    const auto c = DatabaseConfig::fromServerJson(parse(json), kConfigDir, kHome, diagnostics);
    QVERIFY(c);
    QCOMPARE(c->sqlitePath, path);
}

void TestStoreConfig::mysql()
{
    aisbf::config::Diagnostics diagnostics;
    const auto c = DatabaseConfig::fromServerJson(
        parse(R"({"database":{"type":"mysql","mysql_host":"db.internal","mysql_port":"3307",
                  "mysql_user":"gw","mysql_password":"hunter2-Secret","mysql_database":"prod"}})"),
        kConfigDir, kHome, diagnostics);
    QVERIFY(c);
    QVERIFY(!c->isSqlite());
    QCOMPARE(c->driverName(), QStringLiteral("QMYSQL"));
    QCOMPARE(c->host, QStringLiteral("db.internal"));
    QCOMPARE(c->port, 3307);
    QCOMPARE(c->user, QStringLiteral("gw"));
    QCOMPARE(c->password, kSecret);
    QCOMPARE(c->database, QStringLiteral("prod"));
    QCOMPARE(c->describe(), QStringLiteral("mysql gw@db.internal:3307/prod"));
    QVERIFY(!c->describe().contains(kSecret));
}

void TestStoreConfig::mysqlPasswordFromEnvironment()
{
    const QByteArray json =
        R"({"database":{"type":"mysql","mysql_host":"db","mysql_user":"gw",
             "mysql_password":"$AISBF_DB_PASSWORD","mysql_database":"prod"}})";
    QProcessEnvironment env;
    env.insert(QStringLiteral("AISBF_DB_PASSWORD"), kSecret);
    aisbf::config::Diagnostics diagnostics;
    const auto c = DatabaseConfig::fromServerJson(parse(json), kConfigDir, kHome, diagnostics, env);
    QVERIFY(c);
    QCOMPARE(c->password, kSecret);

    // Unset: an error at the key's JSON path naming the variable, never a guess.
    aisbf::config::Diagnostics missing;
    QVERIFY(!DatabaseConfig::fromServerJson(parse(json), kConfigDir, kHome, missing,
                                            QProcessEnvironment()));
    QCOMPARE(missing.size(), 1);
    QCOMPARE(missing.first().path, QStringLiteral("/database/mysql_password"));
    QVERIFY(missing.first().message.contains(QLatin1String("AISBF_DB_PASSWORD")));
}

void TestStoreConfig::originalConfigLoads()
{
    QFile file(QStringLiteral(AISBF_TEST_DATA_DIR "/original-aisbf-config/aisbf.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    aisbf::config::Diagnostics diagnostics;
    const auto c = DatabaseConfig::fromServerJson(QJsonDocument::fromJson(file.readAll()).object(),
                                                  kConfigDir, kHome, diagnostics);
    QVERIFY(c);
    QVERIFY(diagnostics.isEmpty());
    QVERIFY(c->isSqlite());
    QCOMPARE(c->sqlitePath, QStringLiteral("/home/op/.aisbf/aisbf.db"));
    QCOMPARE(c->port, 3306); // read even though unused with sqlite
}

void TestStoreConfig::mistakes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("says");
    QTest::newRow("not an object") << QByteArray(R"({"database":"sqlite"})")
                                   << QStringLiteral("/database") << QStringLiteral("object");
    QTest::newRow("unknown type") << QByteArray(R"({"database":{"type":"postgres"}})")
                                  << QStringLiteral("/database/type")
                                  << QStringLiteral("\"sqlite\" (one node) or \"mysql\"");
    QTest::newRow("type not string")
        << QByteArray(R"({"database":{"type":1}})") << QStringLiteral("/database/type")
        << QStringLiteral("must be a string");
    QTest::newRow("port too big") << QByteArray(R"({"database":{"type":"mysql","mysql_port":70000,
                                                    "mysql_password":"hunter2-Secret"}})")
                                  << QStringLiteral("/database/mysql_port")
                                  << QStringLiteral("1 to 65535");
    QTest::newRow("port fraction")
        << QByteArray(R"({"database":{"mysql_port":3306.5}})")
        << QStringLiteral("/database/mysql_port") << QStringLiteral("port number");
    QTest::newRow("port word") << QByteArray(R"({"database":{"mysql_port":"default"}})")
                               << QStringLiteral("/database/mysql_port")
                               << QStringLiteral("port number");
    QTest::newRow("empty host") << QByteArray(R"({"database":{"type":"mysql","mysql_host":" ",
                                                  "mysql_password":"hunter2-Secret"}})")
                                << QStringLiteral("/database/mysql_host")
                                << QStringLiteral("must not be empty");
    QTest::newRow("path not string")
        << QByteArray(R"({"database":{"sqlite_path":5}})")
        << QStringLiteral("/database/sqlite_path") << QStringLiteral("must be a string");
    QTest::newRow("password not string")
        << QByteArray(R"({"database":{"mysql_password":5}})")
        << QStringLiteral("/database/mysql_password") << QStringLiteral("must be a string");
}

void TestStoreConfig::mistakes()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    QFETCH(QString, says);
    aisbf::config::Diagnostics diagnostics;
    const auto c = DatabaseConfig::fromServerJson(parse(json), kConfigDir, kHome, diagnostics);
    QVERIFY(!c);
    QCOMPARE(diagnostics.size(), 1);
    const auto &d = diagnostics.first();
    QVERIFY(d.isError());
    QCOMPARE(d.file, QStringLiteral("aisbf.json"));
    QCOMPARE(d.path, path);
    QVERIFY2(d.message.contains(says), qPrintable(d.toString()));
    QVERIFY(!d.toString().contains(kSecret));
}

void TestStoreConfig::mysqlSpec_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("valid");
    QTest::newRow("full")
        << QStringLiteral(
               "host=127.0.0.1;port=3307;user=aisbf;password=hunter2-Secret;database=aisbf_test")
        << true;
    QTest::newRow("bad port")
        << QStringLiteral(
               "host=127.0.0.1;port=x;user=aisbf;password=hunter2-Secret;database=aisbf_test")
        << false;
    QTest::newRow("unknown key") << QStringLiteral("host=h;pass=hunter2-Secret;database=d")
                                 << false;
    QTest::newRow("no equals") << QStringLiteral("host=h;hunter2-Secret;database=d") << false;
    QTest::newRow("no database") << QStringLiteral("host=h;user=u;password=hunter2-Secret")
                                 << false;
}

void TestStoreConfig::mysqlSpec()
{
    QFETCH(QString, spec);
    QFETCH(bool, valid);
    QString error;
    const auto c = DatabaseConfig::fromMySqlSpec(spec, &error);
    QCOMPARE(c.has_value(), valid);
    QVERIFY(!error.contains(kSecret));
    if (valid) {
        QCOMPARE(c->host, QStringLiteral("127.0.0.1"));
        QCOMPARE(c->port, 3307);
        QCOMPARE(c->password, kSecret);
        QCOMPARE(c->database, QStringLiteral("aisbf_test"));
    } else {
        QVERIFY(!error.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestStoreConfig)
#include "tst_store_config.moc"
