// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisTestEnv.h"

#include <cluster/RedisClient.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace aisbf::cluster;
using namespace aisbf::cluster::test;

namespace {

std::unique_ptr<RedisClient> startClient(const RedisConfig &config)
{
    auto client = std::make_unique<RedisClient>(config);
    client->start();
    return client;
}

bool waitConnected(const RedisClient &client, int timeoutMs = 10'000)
{
    return QTest::qWaitFor([&client] { return client.isConnected(); }, timeoutMs);
}

// "SET {k}a v" -> {"SET", "<prefix>a", "v"}
QList<QByteArray> words(const QString &line, const QString &prefix)
{
    QList<QByteArray> args;
    for (const QString &word : line.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        args.append(QString(word).replace(QLatin1String("{k}"), prefix).toUtf8());
    return args;
}

} // namespace

class TestRedisClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void replies_data();
    void replies();
    void pipelining();
    void binaryValues();
    void errors();
    void selectDb();
    void auth();
    void notConnected();
    void reconnectAfterRestart();
    void pendingGetErrorsOnDisconnect();
    void stopFailsPending();
    void destroyWithCommandsInFlight();
    void destroyFromCallback();
    void contextObjectGone();
    void silentServer();
};

void TestRedisClient::replies_data()
{
    QTest::addColumn<QStringList>("setup");
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("expected"); // prefix of toDebugString()
    using T = RedisReply::Type;
    const auto row = [](const char *name, QStringList setup, const char *command, T type,
                        const char *expected) {
        QTest::addRow("%s", name) << setup << QString::fromLatin1(command) << int(type)
                                  << QByteArray(expected);
    };
    const auto s = [](const char *line) {
        return QString::fromLatin1(line);
    };
    row("status", {}, "SET {k}a v", T::String, "\"OK\"");
    row("bulk string", {s("SET {k}a hello")}, "GET {k}a", T::String, "\"hello\"");
    row("nil", {}, "GET {k}missing", T::Nil, "nil");
    row("integer", {s("SET {k}n 41")}, "INCR {k}n", T::Integer, "42");
    row("array", {s("RPUSH {k}l a b c")}, "LRANGE {k}l 0 -1", T::Array, "[\"a\", \"b\", \"c\"]");
    row("array with nil", {s("SET {k}a x")}, "MGET {k}a {k}missing", T::Array, "[\"x\", nil]");
    row("empty array", {}, "LRANGE {k}none 0 -1", T::Array, "[]");
    row("nested arrays", {s("SET {k}a x")}, "SCAN 0 MATCH {k}a COUNT 1000000", T::Array,
        "[\"0\", [\"");
    row("server error", {s("SET {k}s x")}, "INCR {k}s", T::Error,
        "error: ERR value is not an integer");
    row("wrong type", {s("SET {k}s x")}, "LPUSH {k}s y", T::Error, "error: WRONGTYPE");
    row("unknown command", {}, "NOSUCHCOMMAND x", T::Error, "error: ERR unknown command");
}

void TestRedisClient::replies()
{
    QFETCH(QStringList, setup);
    QFETCH(QString, command);
    QFETCH(int, type);
    QFETCH(QByteArray, expected);
    AISBF_REQUIRE_SHARED_REDIS(config);
    const auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    for (const QString &line : setup) {
        const auto reply = call(*client, words(line, config.keyPrefix));
        QVERIFY2(!reply.isError(), reply.toDebugString());
    }
    const RedisReply reply = call(*client, words(command, config.keyPrefix));
    QCOMPARE(int(reply.type()), type);
    QVERIFY2(reply.toDebugString().startsWith(expected), reply.toDebugString());
    QVERIFY(!reply.isConnectionError());
}

void TestRedisClient::pipelining()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    const auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    const QByteArray key = config.keyPrefix.toUtf8() + "counter";
    constexpr int n = 10'000;
    auto seen = std::make_shared<QList<qint64>>();
    QElapsedTimer clock;
    clock.start();
    // All 10,000 leave in one burst: none of them waits for a reply.
    for (int i = 0; i < n; ++i)
        client->command({"INCR", key},
                        [seen](const RedisReply &r) { seen->append(r.toInteger()); });
    QCOMPARE(client->pendingReplies(), n + 0);
    QVERIFY(seen->isEmpty()); // never answered from inside command()
    QTRY_COMPARE_WITH_TIMEOUT(seen->size(), n, 30'000);
    qInfo("10,000 pipelined INCR in %lld ms", qint64(clock.elapsed()));
    for (int i = 0; i < n; ++i)
        QCOMPARE(seen->at(i), qint64(i + 1)); // in order
    QCOMPARE(client->pendingReplies(), 0);
    QCOMPARE(call(*client, {"GET", key}).toInteger(), qint64(n));
}

void TestRedisClient::binaryValues()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    const auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    QByteArray every;
    for (int i = 0; i < 256; ++i)
        every.append(char(i));
    const QByteArray key = config.keyPrefix.toUtf8() + QByteArray("bin\0\r\n key", 10) + every;
    QByteArray big;
    for (int i = 0; i < 4096; ++i)
        big += every; // 1 MiB, with NULs and CRLFs everywhere
    QCOMPARE(call(*client, {"SET", key, every}).toDebugString(), QByteArray("\"OK\""));
    QCOMPARE(call(*client, {"GET", key}).toByteArray(), every);
    QCOMPARE(call(*client, {"SET", key, big}).toDebugString(), QByteArray("\"OK\""));
    const RedisReply reply = call(*client, {"GET", key});
    QVERIFY(reply.isString());
    QCOMPARE(reply.toByteArray().size(), big.size());
    QVERIFY(reply.toByteArray() == big);
    QCOMPARE(call(*client, {"SET", key, QByteArray()}).toDebugString(), QByteArray("\"OK\""));
    const RedisReply empty = call(*client, {"GET", key});
    QVERIFY(empty.isString() && empty.toByteArray().isEmpty()); // "" is not nil
}

void TestRedisClient::errors()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    const auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    const ReplySlot empty = send(*client, {});
    const ReplySlot subscribe = send(*client, {"SUBSCRIBE", "channel"});
    const ReplySlot monitor = send(*client, {"monitor"});
    QVERIFY(!empty->has_value()); // errors too come from the event loop
    QTRY_VERIFY(empty->has_value() && subscribe->has_value() && monitor->has_value());
    for (const ReplySlot &slot : {empty, subscribe, monitor}) {
        QVERIFY((*slot)->isError());
        QVERIFY(!(*slot)->isConnectionError());
    }
    QVERIFY((*subscribe)->errorMessage().contains("not supported"));
    const RedisReply wrongArity = call(*client, {"GET"});
    QVERIFY(wrongArity.isError() && !wrongArity.isConnectionError());
    // None of that hurt the connection.
    QCOMPARE(call(*client, {"PING"}).toByteArray(), QByteArray("PONG"));
    QVERIFY(client->isConnected());
}

void TestRedisClient::selectDb()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    RedisConfig db5 = config;
    db5.db = 5;
    const auto writer = startClient(db5);
    const auto reader5 = startClient(db5);
    const auto reader0 = startClient(config);
    QVERIFY(waitConnected(*writer) && waitConnected(*reader5) && waitConnected(*reader0));
    const QByteArray key = config.keyPrefix.toUtf8() + "in-db-5";
    QVERIFY(!call(*writer, {"SET", key, "five"}).isError());
    QCOMPARE(call(*reader5, {"GET", key}).toByteArray(), QByteArray("five"));
    QVERIFY(call(*reader0, {"GET", key}).isNil());
    call(*writer, {"DEL", key});

    RedisConfig tooHigh = config;
    tooHigh.db = 100'000; // a default server has 16
    const auto refused = startClient(tooHigh);
    QTest::qWait(500);
    QVERIFY(!refused->isConnected());
}

void TestRedisClient::auth()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(
        server, (QStringList{QStringLiteral("--requirepass"), QStringLiteral("s3cret-pw!")}));
    RedisConfig config = server.config();
    config.reconnectMaxMs = 200;

    const auto anonymous = startClient(config);
    config.password = QStringLiteral("wrong");
    const auto wrong = startClient(config);
    config.password = QStringLiteral("s3cret-pw!");
    const auto right = startClient(config);
    QVERIFY(waitConnected(*right));
    QCOMPARE(call(*right, {"SET", "k", "v"}).toDebugString(), QByteArray("\"OK\""));
    QCOMPARE(call(*right, {"GET", "k"}).toByteArray(), QByteArray("v"));

    QTest::qWait(500); // several attempts each
    QVERIFY(!anonymous->isConnected());
    QVERIFY(!wrong->isConnected());
    const RedisReply denied = call(*anonymous, {"GET", "k"});
    QVERIFY(denied.isError()); // NOAUTH, or not connected between attempts
}

void TestRedisClient::notConnected()
{
    QTcpServer probe; // a port nobody listens on any more
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    RedisConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = probe.serverPort();
    probe.close();

    RedisClient client(config);
    QSignalSpy connected(&client, &RedisClient::connected);
    const ReplySlot before = send(client, {"PING"});
    QVERIFY(!before->has_value());
    QTRY_VERIFY(before->has_value());
    QVERIFY((*before)->isConnectionError());

    client.start();
    const ReplySlot during = send(client, {"PING"});
    QTRY_VERIFY(during->has_value());
    QVERIFY((*during)->isConnectionError());
    QTRY_COMPARE(client.state(), RedisClient::State::Waiting);
    QCOMPARE(connected.size(), 0);

    // "localhost" goes through an asynchronous lookup first; same outcome.
    config.host = QStringLiteral("localhost");
    RedisClient named(config);
    named.start();
    QTRY_COMPARE(named.state(), RedisClient::State::Waiting);
}

void TestRedisClient::reconnectAfterRestart()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(server, QStringList());
    const auto client = startClient(server.config());
    QSignalSpy connected(client.get(), &RedisClient::connected);
    QSignalSpy disconnected(client.get(), &RedisClient::disconnected);
    QVERIFY(connected.wait(10'000));
    QVERIFY(!call(*client, {"SET", "k", "before"}).isError());

    server.kill();
    QVERIFY(disconnected.wait(10'000));
    QVERIFY(!client->isConnected());
    const RedisReply down = call(*client, {"GET", "k"});
    QVERIFY(down.isConnectionError());

    QVERIFY2(server.start(), qPrintable(server.error()));
    QVERIFY(connected.wait(15'000)); // the backoff is at most 5 s
    QCOMPARE(connected.size(), 2);
    QVERIFY(call(*client, {"GET", "k"}).isNil()); // a new server without persistence
    QVERIFY(!call(*client, {"SET", "k", "after"}).isError());
    QCOMPARE(call(*client, {"GET", "k"}).toByteArray(), QByteArray("after"));
}

void TestRedisClient::pendingGetErrorsOnDisconnect()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(server, QStringList());
    const auto client = startClient(server.config());
    QVERIFY(waitConnected(*client));
    // BLPOP blocks; the PINGs queue behind it on the server.
    QList<ReplySlot> slots{send(*client, {"BLPOP", "queue", "0"})};
    for (int i = 0; i < 100; ++i)
        slots.append(send(*client, {"PING"}));
    QTRY_COMPARE(client->pendingReplies(), 101);
    QTest::qWait(100);
    QVERIFY(!slots.first()->has_value());

    server.kill();
    QTRY_VERIFY(std::all_of(slots.cbegin(), slots.cend(),
                            [](const ReplySlot &s) { return s->has_value(); }));
    for (const ReplySlot &slot : std::as_const(slots))
        QVERIFY2((*slot)->isConnectionError(), (*slot)->toDebugString());
    QCOMPARE(client->pendingReplies(), 0);
}

void TestRedisClient::stopFailsPending()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    const auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    QSignalSpy disconnected(client.get(), &RedisClient::disconnected);
    QList<ReplySlot> slots{send(*client, {"BLPOP", config.keyPrefix.toUtf8() + "queue", "0"})};
    for (int i = 0; i < 10; ++i)
        slots.append(send(*client, {"PING"}));
    QTest::qWait(100);
    client->stop();
    QCOMPARE(client->state(), RedisClient::State::Stopped);
    QVERIFY(!slots.first()->has_value()); // not from inside stop()
    QTRY_VERIFY(std::all_of(slots.cbegin(), slots.cend(),
                            [](const ReplySlot &s) { return s->has_value(); }));
    for (const ReplySlot &slot : std::as_const(slots))
        QVERIFY((*slot)->isConnectionError());
    QTRY_COMPARE(disconnected.size(), 1);

    QTest::qWait(300); // no reconnect while stopped
    QCOMPARE(client->state(), RedisClient::State::Stopped);
    client->start();
    QVERIFY(waitConnected(*client));
    QCOMPARE(call(*client, {"PING"}).toByteArray(), QByteArray("PONG"));
}

void TestRedisClient::destroyWithCommandsInFlight()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    const QByteArray key = config.keyPrefix.toUtf8() + "k";
    auto calls = std::make_shared<int>(0);
    const auto count = [calls](const RedisReply &) {
        ++*calls;
    };

    // Destroyed right after sending: nothing is called, nothing leaks or crashes.
    auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    client->command({"BLPOP", key + "queue", "0"}, count);
    for (int i = 0; i < 1000; ++i)
        client->command({"SET", key, QByteArray::number(i)}, count);
    client.reset();
    QTest::qWait(300);
    QCOMPARE(*calls, 0);

    // Destroyed while replies are streaming in.
    client = startClient(config);
    QVERIFY(waitConnected(*client));
    for (int i = 0; i < 20'000; ++i) {
        if (i == 1000) // holds the rest back on the server for a second
            client->command({"BLPOP", key + "empty", "1"}, count);
        client->command({"SET", key, QByteArray::number(i)}, count);
    }
    QTRY_VERIFY(*calls >= 100);
    client.reset();
    const int atDestruction = *calls;
    QVERIFY2(atDestruction <= 1000, qPrintable(QString::number(atDestruction)));
    QTest::qWait(300);
    QCOMPARE(*calls, atDestruction);

    // Destroyed while connecting, and while waiting to retry.
    auto late = std::make_shared<int>(0);
    const auto countLate = [late](const RedisReply &) {
        ++*late;
    };
    client = startClient(config);
    client->command({"PING"}, countLate);
    client.reset();
    RedisConfig nowhere = config;
    nowhere.host = QStringLiteral("127.0.0.1");
    nowhere.port = 1;
    client = startClient(nowhere);
    QTRY_COMPARE(client->state(), RedisClient::State::Waiting);
    client->command({"PING"}, countLate); // answered "not connected" from the event loop
    client.reset();
    QTest::qWait(200);
    QCOMPARE(*late, 0);
    QCOMPARE(*calls, atDestruction);
}

void TestRedisClient::destroyFromCallback()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    auto *client = new RedisClient(config);
    client->start();
    QVERIFY(waitConnected(*client));
    auto calls = std::make_shared<int>(0);
    for (int i = 0; i < 100; ++i) {
        client->command({"PING"}, [calls, &client](const RedisReply &reply) {
            QVERIFY(!reply.isError());
            if (++*calls == 10) {
                delete client; // inside hiredis' reply callback
                client = nullptr;
            }
        });
    }
    QTRY_VERIFY(client == nullptr);
    QTest::qWait(300);
    QCOMPARE(*calls, 10);

    // stop() from inside a callback: the rest get connection errors.
    RedisClient stopping(config);
    stopping.start();
    QVERIFY(waitConnected(stopping));
    auto errors = std::make_shared<int>(0);
    for (int i = 0; i < 50; ++i) {
        stopping.command({"PING"}, [errors, &stopping, i](const RedisReply &reply) {
            if (i == 4)
                stopping.stop();
            if (reply.isConnectionError())
                ++*errors;
        });
    }
    QTRY_COMPARE(*errors, 45);
    QCOMPARE(stopping.state(), RedisClient::State::Stopped);
}

void TestRedisClient::contextObjectGone()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    const auto client = startClient(config);
    QVERIFY(waitConnected(*client));
    auto calls = std::make_shared<int>(0);
    auto *context = new QObject;
    client->command({"PING"}, context, [calls](const RedisReply &) { ++*calls; });
    client->command({}, context, [calls](const RedisReply &) { ++*calls; }); // an error
    delete context;
    const ReplySlot after = send(*client, {"PING"});
    QTRY_VERIFY(after->has_value());
    QTest::qWait(50);
    QCOMPARE(*calls, 0);
}

void TestRedisClient::silentServer()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(server, QStringList());
    RedisConfig config = server.config();
    config.replyTimeoutMs = 600;
    config.connectTimeoutMs = 600;
    config.reconnectMaxMs = 400;
    const auto client = startClient(config);
    QSignalSpy disconnected(client.get(), &RedisClient::disconnected);
    QVERIFY(waitConnected(*client));

    // The server stops answering but keeps its sockets: only the watchdog notices.
    server.pause();
    QElapsedTimer clock;
    clock.start();
    const ReplySlot ping = send(*client, {"PING"});
    QTRY_VERIFY_WITH_TIMEOUT(ping->has_value(), 5000);
    QVERIFY((*ping)->isConnectionError());
    QVERIFY2(clock.elapsed() >= 500, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(disconnected.wait(2000) || disconnected.size() == 1);

    // A new client connects (the kernel accepts) but the handshake never completes.
    const auto late = startClient(config);
    QTest::qWait(1500);
    QVERIFY(!late->isConnected());
    QVERIFY(!client->isConnected());

    server.resume();
    QVERIFY(waitConnected(*client));
    QVERIFY(waitConnected(*late));
    QCOMPARE(call(*late, {"PING"}).toByteArray(), QByteArray("PONG"));
}

QTEST_GUILESS_MAIN(TestRedisClient)
#include "tst_redis_client.moc"
