// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisTestEnv.h"

#include <auth/RateLimiter.h>
#include <cluster/Cluster.h>
#include <cluster/NodeRegistry.h>
#include <cluster/RedisClient.h>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace aisbf::cluster;
using namespace aisbf::cluster::test;
using namespace std::chrono_literals;
using aisbf::auth::RateLimiter;
using aisbf::auth::RateLimits;

namespace {

std::function<QJsonObject()> nodeJson(const QString &id)
{
    return [id] {
        return QJsonObject{{QStringLiteral("id"), id},
                           {QStringLiteral("last_heartbeat"), QStringLiteral("now")}};
    };
}

QStringList ids(const QList<QJsonObject> &nodes)
{
    QStringList out;
    for (const QJsonObject &node : nodes)
        out.append(node.value(QLatin1String("id")).toString());
    return out;
}

} // namespace

class TestCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void twoNodes();
    void redisDown();
};

void TestCluster::twoNodes()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    RateLimiter limiterA;
    RateLimiter limiterB;
    Cluster a(config, nodeJson(QStringLiteral("a:1")), &limiterA);
    Cluster b(config, nodeJson(QStringLiteral("b:2")), &limiterB);
    QVERIFY(a.rateCounters());
    a.registry()->setHeartbeat(200ms, 15s);
    b.registry()->setHeartbeat(200ms, 15s);
    QSignalSpy up(&a, &Cluster::redisUpChanged);
    a.start();
    b.start();
    QVERIFY(up.wait(10'000));
    QCOMPARE(up.first().first().toBool(), true);
    QVERIFY(a.redisUp());
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.nodes()),
                              (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2")}), 10'000);
    QCOMPARE(a.nodes().first().value(QLatin1String("redis")).toString(), QStringLiteral("up"));

    // Rate limits are shared through the facade's counters.
    RateLimits limits;
    limits.requestsPerDay = 3;
    const QString key = QStringLiteral("user:7");
    limiterB.record(key, 1, 0);
    limiterA.record(key, 2, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!limiterB.check(key, limits).allowed, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!limiterA.check(key, limits).allowed, 5000);

    // A graceful stop leaves the view at once, not after the 15 s expiry.
    QSignalSpy stopped(&b, &Cluster::stopped);
    b.stop();
    QVERIFY(stopped.wait(5000));
    QVERIFY(!b.redisUp());
    QCOMPARE(b.client()->state(), RedisClient::State::Stopped);
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.nodes()), QStringList{QStringLiteral("a:1")}, 3000);
    QCOMPARE(ids(b.nodes()), QStringList{QStringLiteral("b:2")});

    // And it can come back.
    b.start();
    QTRY_COMPARE_WITH_TIMEOUT(ids(a.nodes()),
                              (QStringList{QStringLiteral("a:1"), QStringLiteral("b:2")}), 10'000);
}

void TestCluster::redisDown()
{
    QTcpServer probe; // a port nobody listens on any more
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    RedisConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = probe.serverPort();
    probe.close();

    Cluster alone(config, nodeJson(QStringLiteral("alone:1")), nullptr);
    QVERIFY(!alone.rateCounters());
    alone.start();
    QTRY_COMPARE(alone.client()->state(), RedisClient::State::Waiting);
    const QList<QJsonObject> nodes = alone.nodes();
    QCOMPARE(ids(nodes), QStringList{QStringLiteral("alone:1")});
    QCOMPARE(nodes.first().value(QLatin1String("redis")).toString(), QStringLiteral("down"));
    QSignalSpy stopped(&alone, &Cluster::stopped);
    alone.stop();
    QCOMPARE(stopped.size(), 1); // nothing to wait for
    QCOMPARE(alone.client()->state(), RedisClient::State::Stopped);
}

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
