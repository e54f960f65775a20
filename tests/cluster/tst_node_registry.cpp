// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisTestEnv.h"

#include <cluster/NodeRegistry.h>
#include <cluster/RedisClient.h>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace aisbf::cluster;
using namespace aisbf::cluster::test;
using namespace std::chrono_literals;

namespace {

// One gateway node: its own connection and registry, as a separate process would have.
struct Node
{
    Node(const RedisConfig &config, const QString &id)
        : client(config), registry(&client, config.keyPrefix, [this] { return json(); })
    {
        this->id = id;
        registry.setHeartbeat(100ms, 1s);
    }

    QJsonObject json() const
    {
        return {{QStringLiteral("id"), id},
                {QStringLiteral("version"), QStringLiteral("test")},
                {QStringLiteral("active_requests"), activeRequests},
                {QStringLiteral("last_heartbeat"), QString(QStringLiteral("written by ") + id)}};
    }

    void start()
    {
        client.start();
        registry.start();
    }

    QString id;
    int activeRequests = 0;
    RedisClient client;
    NodeRegistry registry;
};

QStringList ids(const QList<QJsonObject> &nodes)
{
    QStringList out;
    for (const QJsonObject &node : nodes)
        out.append(node.value(QLatin1String("id")).toString());
    return out;
}

} // namespace

class TestNodeRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void twoNodesSeeEachOther();
    void expiredNodeDisappears();
    void stoppedNodeLeavesAtOnce();
    void redisDownShowsSelfOnly();
    void redisComesBack();
};

void TestNodeRegistry::twoNodesSeeEachOther()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    Node a(config, QStringLiteral("10.0.0.1:17765"));
    Node b(config, QStringLiteral("10.0.0.2:17765"));
    a.start();
    b.start();
    const QStringList both{a.id, b.id};
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), both, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(ids(b.registry.nodes()), (QStringList{b.id, a.id}), 10'000);
    QVERIFY(a.registry.redisUp());

    const QList<QJsonObject> seenByA = a.registry.nodes();
    QCOMPARE(seenByA[0].value(QLatin1String("redis")).toString(), QStringLiteral("up"));
    // Each entry as its node wrote it.
    QCOMPARE(seenByA[1].value(QLatin1String("last_heartbeat")).toString(),
             QStringLiteral("written by ") + b.id);
    QCOMPARE(seenByA[1].value(QLatin1String("version")).toString(), QStringLiteral("test"));

    // Heartbeats carry fresh data.
    b.activeRequests = 7;
    QTRY_COMPARE_WITH_TIMEOUT(
        a.registry.nodes().value(1).value(QLatin1String("active_requests")).toInt(), 7, 5000);
    QCOMPARE(a.registry.selfId(), a.id);
}

void TestNodeRegistry::expiredNodeDisappears()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    Node a(config, QStringLiteral("a:1"));
    auto b = std::make_unique<Node>(config, QStringLiteral("b:2"));
    a.start();
    b->start();
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), (QStringList{a.id, b->id}), 10'000);

    b.reset(); // dies without saying goodbye: its entry expires after 1 s
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), QStringList{a.id}, 10'000);
    // ...and its id left the member set.
    const RedisReply members = call(a.client, {"SMEMBERS", config.keyPrefix.toUtf8() + "nodes"});
    QVERIFY(members.isArray());
    QCOMPARE(members.elements().size(), 1);
    QCOMPARE(members.elements().first().toByteArray(), a.id.toUtf8());
}

void TestNodeRegistry::stoppedNodeLeavesAtOnce()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    Node a(config, QStringLiteral("a:1"));
    Node b(config, QStringLiteral("b:2"));
    a.registry.setHeartbeat(100ms, 60s); // expiry would take a minute
    b.registry.setHeartbeat(100ms, 60s);
    a.start();
    b.start();
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), (QStringList{a.id, b.id}), 10'000);
    b.registry.stop();
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), QStringList{a.id}, 5000);
    QCOMPARE(ids(b.registry.nodes()), QStringList{b.id});
    QVERIFY(!b.registry.redisUp());
}

void TestNodeRegistry::redisDownShowsSelfOnly()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    RedisConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = probe.serverPort();
    probe.close();
    Node alone(config, QStringLiteral("alone:1"));
    alone.start();
    QTest::qWait(300);
    const QList<QJsonObject> nodes = alone.registry.nodes();
    QCOMPARE(nodes.size(), 1);
    QCOMPARE(nodes[0].value(QLatin1String("id")).toString(), alone.id);
    QCOMPARE(nodes[0].value(QLatin1String("redis")).toString(), QStringLiteral("down"));
    QVERIFY(!alone.registry.redisUp());

    // A source without id or last_heartbeat still gives a usable entry.
    RedisClient client(config);
    NodeRegistry bare(&client, config.keyPrefix, [] { return QJsonObject(); });
    const QJsonObject self = bare.nodes().value(0);
    QVERIFY(!self.value(QLatin1String("id")).toString().isEmpty());
    QVERIFY(!self.value(QLatin1String("last_heartbeat")).toString().isEmpty());
}

void TestNodeRegistry::redisComesBack()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(server, QStringList());
    RedisConfig config = server.config();
    config.reconnectMaxMs = 500;
    Node a(config, QStringLiteral("a:1"));
    Node b(config, QStringLiteral("b:2"));
    a.start();
    b.start();
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), (QStringList{a.id, b.id}), 10'000);

    server.kill();
    QTRY_VERIFY_WITH_TIMEOUT(!a.registry.redisUp(), 5000);
    QCOMPARE(ids(a.registry.nodes()), QStringList{a.id});
    QCOMPARE(a.registry.nodes()[0].value(QLatin1String("redis")).toString(),
             QStringLiteral("down"));

    QVERIFY2(server.start(), qPrintable(server.error()));
    // Both re-register as soon as they reconnect (the new server is empty).
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.registry.nodes()), (QStringList{a.id, b.id}), 15'000);
    QVERIFY(a.registry.redisUp());
}

QTEST_GUILESS_MAIN(TestNodeRegistry)
#include "tst_node_registry.moc"
