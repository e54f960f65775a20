// SPDX-License-Identifier: GPL-3.0-or-later
#include <cluster/RedisConfig.h>

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using aisbf::cluster::RedisConfig;
using aisbf::config::Diagnostics;

namespace {

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

QProcessEnvironment environment(const QStringList &assignments)
{
    QProcessEnvironment env;
    for (const QString &assignment : assignments) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        env.insert(assignment.left(eq), assignment.mid(eq + 1));
    }
    return env;
}

QString joined(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const auto &d : diagnostics)
        lines.append(d.toString());
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestRedisConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void notRedis_data();
    void notRedis();
    void errors_data();
    void errors();
    void originalFile();
    void describeHidesPassword();
};

void TestRedisConfig::valid_data()
{
    QTest::addColumn<QByteArray>("cache"); // the "cache" object
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("db");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("prefix");

    QTest::addRow("original shape, type redis")
        << QByteArray(R"({"type": "redis", "sqlite_path": "~/.aisbf/cache.db",
            "redis_host": "localhost", "redis_port": 6379, "redis_db": 0,
            "redis_password": null, "redis_key_prefix": "aisbf:",
            "mysql_host": "localhost", "mysql_port": 3306})")
        << QStringList() << "localhost" << 6379 << 0 << ""
        << "aisbf:";
    QTest::addRow("defaults") << QByteArray(R"({"type": "redis"})") << QStringList() << "localhost"
                              << 6379 << 0 << ""
                              << "aisbf:";
    QTest::addRow("every key")
        << QByteArray(R"({"type": "redis", "redis_host": " redis.internal ", "redis_port": 6380,
            "redis_db": 3, "redis_password": "s3cret", "redis_key_prefix": "prod:"})")
        << QStringList() << "redis.internal" << 6380 << 3 << "s3cret"
        << "prod:";
    QTest::addRow("port and db as strings")
        << QByteArray(R"({"type": "redis", "redis_port": "6381", "redis_db": "2"})")
        << QStringList() << "localhost" << 6381 << 2 << ""
        << "aisbf:";
    QTest::addRow("$VAR password")
        << QByteArray(R"({"type": "redis", "redis_password": "$REDIS_PW"})")
        << QStringList{QStringLiteral("REDIS_PW=from env")} << "localhost" << 6379 << 0
        << "from env"
        << "aisbf:";
    QTest::addRow("${VAR} password")
        << QByteArray(R"({"type": "redis", "redis_password": "${REDIS_PW}"})")
        << QStringList{QStringLiteral("REDIS_PW=braced")} << "localhost" << 6379 << 0 << "braced"
        << "aisbf:";
    QTest::addRow("a $ that names no variable is the password")
        << QByteArray(R"({"type": "redis", "redis_password": "$3cret!"})") << QStringList()
        << "localhost" << 6379 << 0 << "$3cret!"
        << "aisbf:";
    QTest::addRow("empty password: no AUTH")
        << QByteArray(R"({"type": "redis", "redis_password": ""})") << QStringList() << "localhost"
        << 6379 << 0 << ""
        << "aisbf:";
    QTest::addRow("empty prefix") << QByteArray(R"({"type": "redis", "redis_key_prefix": ""})")
                                  << QStringList() << "localhost" << 6379 << 0 << ""
                                  << "";
}

void TestRedisConfig::valid()
{
    QFETCH(QByteArray, cache);
    QFETCH(QStringList, env);
    Diagnostics diagnostics;
    const auto config = RedisConfig::fromServerJson(parse("{\"cache\": " + cache + "}"),
                                                    environment(env), diagnostics);
    QVERIFY2(diagnostics.isEmpty(), qPrintable(joined(diagnostics)));
    QVERIFY(config);
    QTEST(config->host, "host");
    QTEST(config->port, "port");
    QTEST(config->db, "db");
    QTEST(config->password, "password");
    QTEST(config->keyPrefix, "prefix");
}

void TestRedisConfig::notRedis_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("no cache section") << QByteArray("{}");
    QTest::addRow("cache null") << QByteArray(R"({"cache": null})");
    QTest::addRow("no type: memory") << QByteArray(R"({"cache": {"redis_port": 6379}})");
    QTest::addRow("memory") << QByteArray(R"({"cache": {"type": "memory"}})");
    QTest::addRow("sqlite, redis keys ignored")
        << QByteArray(R"({"cache": {"type": "sqlite", "redis_port": "not a port"}})");
}

void TestRedisConfig::notRedis()
{
    QFETCH(QByteArray, json);
    Diagnostics diagnostics;
    QVERIFY(!RedisConfig::fromServerJson(parse(json), {}, diagnostics));
    QVERIFY2(diagnostics.isEmpty(), qPrintable(joined(diagnostics)));
}

void TestRedisConfig::errors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("hint"); // part of the message that says what to do

    QTest::addRow("cache not an object")
        << QByteArray(R"({"cache": "redis"})") << QStringList() << "/cache"
        << "\"type\": \"redis\"";
    QTest::addRow("type not a string")
        << QByteArray(R"({"cache": {"type": 1}})") << QStringList() << "/cache/type"
        << "\"redis\"";
    QTest::addRow("empty host") << QByteArray(R"({"cache": {"type": "redis", "redis_host": " "}})")
                                << QStringList() << "/cache/redis_host"
                                << "localhost";
    QTest::addRow("host not a string")
        << QByteArray(R"({"cache": {"type": "redis", "redis_host": 10}})") << QStringList()
        << "/cache/redis_host"
        << "must be a string";
    QTest::addRow("port out of range")
        << QByteArray(R"({"cache": {"type": "redis", "redis_port": 70000}})") << QStringList()
        << "/cache/redis_port"
        << "1 to 65535";
    QTest::addRow("port not a number")
        << QByteArray(R"({"cache": {"type": "redis", "redis_port": "six"}})") << QStringList()
        << "/cache/redis_port"
        << "e.g. 6379";
    QTest::addRow("port fractional")
        << QByteArray(R"({"cache": {"type": "redis", "redis_port": 6379.5}})") << QStringList()
        << "/cache/redis_port"
        << "1 to 65535";
    QTest::addRow("db negative") << QByteArray(R"({"cache": {"type": "redis", "redis_db": -1}})")
                                 << QStringList() << "/cache/redis_db"
                                 << "0 or more";
    QTest::addRow("db fractional") << QByteArray(R"({"cache": {"type": "redis", "redis_db": 1.5}})")
                                   << QStringList() << "/cache/redis_db"
                                   << "0 or more";
    QTest::addRow("password not a string")
        << QByteArray(R"({"cache": {"type": "redis", "redis_password": 1234}})") << QStringList()
        << "/cache/redis_password"
        << "must be a string";
    QTest::addRow("password variable not set")
        << QByteArray(R"({"cache": {"type": "redis", "redis_password": "$REDIS_PW"}})")
        << QStringList{QStringLiteral("OTHER=1")} << "/cache/redis_password"
        << "REDIS_PW, which is not set";
    QTest::addRow("prefix not a string")
        << QByteArray(R"({"cache": {"type": "redis", "redis_key_prefix": false}})") << QStringList()
        << "/cache/redis_key_prefix"
        << "\"aisbf:\"";
}

void TestRedisConfig::errors()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, env);
    QFETCH(QString, path);
    QFETCH(QString, hint);
    Diagnostics diagnostics;
    QVERIFY(!RedisConfig::fromServerJson(parse(json), environment(env), diagnostics));
    QCOMPARE(diagnostics.size(), 1);
    const auto &d = diagnostics.first();
    QVERIFY(d.isError());
    QCOMPARE(d.file, QStringLiteral("aisbf.json"));
    QCOMPARE(d.path, path);
    QVERIFY2(d.message.contains(hint), qPrintable(d.toString()));
}

void TestRedisConfig::originalFile()
{
    QFile file(QStringLiteral(AISBF_TEST_DATA_DIR "/original-aisbf-config/aisbf.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject aisbf = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(aisbf.contains(QLatin1String("cache")));
    Diagnostics diagnostics;
    // As shipped: a sqlite cache, so no cluster.
    QVERIFY(!RedisConfig::fromServerJson(aisbf, {}, diagnostics));
    QVERIFY(diagnostics.isEmpty());

    // The operator switches the type, and the redis_* keys written there apply.
    QJsonObject cache = aisbf.value(QLatin1String("cache")).toObject();
    cache.insert(QStringLiteral("type"), QStringLiteral("redis"));
    aisbf.insert(QStringLiteral("cache"), cache);
    const auto config = RedisConfig::fromServerJson(aisbf, {}, diagnostics);
    QVERIFY2(config, qPrintable(joined(diagnostics)));
    QCOMPARE(config->host, QStringLiteral("localhost"));
    QCOMPARE(config->port, 6379);
    QCOMPARE(config->db, 0);
    QVERIFY(config->password.isEmpty());
    QCOMPARE(config->keyPrefix, QStringLiteral("aisbf:"));
}

void TestRedisConfig::describeHidesPassword()
{
    Diagnostics diagnostics;
    const auto config = RedisConfig::fromServerJson(
        parse(R"({"cache": {"type": "redis", "redis_password": "hunter2", "redis_port": 7000}})"),
        {}, diagnostics);
    QVERIFY(config);
    const QString text = config->describe();
    QVERIFY2(!text.contains(QLatin1String("hunter2")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("localhost:7000/0")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("with password")), qPrintable(text));

    // A wrong key next to the password: the error does not repeat it either.
    diagnostics.clear();
    QVERIFY(!RedisConfig::fromServerJson(
        parse(R"({"cache": {"type": "redis", "redis_password": "hunter2", "redis_db": -3}})"), {},
        diagnostics));
    QVERIFY(!joined(diagnostics).contains(QLatin1String("hunter2")));
}

QTEST_GUILESS_MAIN(TestRedisConfig)
#include "tst_redis_config.moc"
