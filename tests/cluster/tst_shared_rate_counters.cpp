// SPDX-License-Identifier: GPL-3.0-or-later
#include "RedisTestEnv.h"

#include <auth/RateLimiter.h>
#include <cluster/RedisClient.h>
#include <cluster/SharedRateCounters.h>

#include <QDate>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace aisbf::cluster;
using namespace aisbf::cluster::test;
using namespace std::chrono_literals;
using aisbf::auth::RateLimiter;
using aisbf::auth::RateLimitKind;
using aisbf::auth::RateLimits;
using aisbf::auth::TimePoint;

namespace {

using Delta = RateLimiter::RateDelta;
using Counts = RateLimiter::ClusterCounts;

TimePoint at(const char *iso)
{
    QDateTime time = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs);
    time.setTimeSpec(Qt::UTC);
    return TimePoint(std::chrono::milliseconds(time.toMSecsSinceEpoch()));
}

qint64 ms(TimePoint t)
{
    return t.time_since_epoch().count();
}

RateLimits perDay(qint64 requests)
{
    RateLimits limits;
    limits.requestsPerDay = requests;
    return limits;
}

// One gateway node: its limiter, its connection, its sync.
struct Node
{
    explicit Node(const RedisConfig &config)
        : client(config), counters(&client, config.keyPrefix, &limiter)
    {
        counters.setInterval(50ms);
    }
    void start()
    {
        client.start();
        counters.start();
    }
    qint64 remaining(const QString &key, const RateLimits &limits)
    {
        return limiter.check(key, limits).requests.remaining;
    }

    RateLimiter limiter;
    RedisClient client;
    SharedRateCounters counters;
};

bool bothConnected(const Node &a, const Node &b)
{
    return QTest::qWaitFor([&] { return a.client.isConnected() && b.client.isConnected(); },
                           10'000);
}

// Minute-window checks near a bucket's end would depend on where the bucket boundary falls.
void awayFromMinuteEnd()
{
    const qint64 into = QDateTime::currentMSecsSinceEpoch() % 60'000;
    if (into > 45'000)
        QTest::qWait(int(60'000 - into + 200));
}

QByteArray today()
{
    return QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate).toLatin1();
}

} // namespace

class TestSharedRateCounters : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // RateLimiter's cluster mode, no Redis needed.
    void deltasAndTotals();
    void deltasSpanTwoBuckets();
    void requeue();
    void restoredUsageIsNotPushed();
    void totalsNeverBelowLocal();
    void recentKeys();
    // Against Redis.
    void requestsOnACountOnB();
    void tokensAndMinutes();
    void outageKeepsCountingLocally();
    void redisRestarts();
};

void TestSharedRateCounters::deltasAndTotals()
{
    TimePoint now = at("2024-03-10T12:00:10.000");
    RateLimiter limiter([&now] { return now; });
    const QString key = QStringLiteral("user:1");
    QVERIFY(limiter.takePendingDeltas(now).isEmpty()); // off: nothing tracked
    limiter.enableClusterSync();
    limiter.record(key, 3, 100);
    const QList<Delta> deltas = limiter.takePendingDeltas(now);
    QCOMPARE(deltas.size(), 1);
    const Delta &d = deltas.first();
    QCOMPARE(d.key, key);
    QCOMPARE(d.minuteStartMs, ms(at("2024-03-10T12:00:00.000")));
    QCOMPARE(d.requests, 3);
    QCOMPARE(d.tokens, 100);
    QCOMPARE(d.dayRequests, 3);
    QCOMPARE(d.monthRequests, 3);
    QCOMPARE(d.day, aisbf::auth::utcDay(now).index);
    QCOMPARE(d.month, aisbf::auth::utcMonth(now).index);
    QVERIFY(limiter.takePendingDeltas(now).isEmpty()); // taken once

    RateLimits limits;
    limits.requestsPerMinute = 12;
    limits.requestsPerDay = 100;
    QCOMPARE(limiter.check(key, limits).requests.remaining, 9); // local only so far
    // The cluster holds 10, our 3 among them.
    limiter.applyClusterCounts(key, {d.minuteStartMs, 10, 500, 0, 0, d.day, 40, d.month, 40});
    QCOMPARE(limiter.check(key, limits).requests.remaining, 2);
    limiter.record(key, 1, 0); // not pushed yet: counts on top
    QCOMPARE(limiter.check(key, limits).requests.remaining, 1);
    QCOMPARE(limiter.takePendingDeltas(now).value(0).requests, 1);
    limiter.record(key, 1, 0);
    QVERIFY(!limiter.check(key, limits).allowed);

    // A minute later the minute totals have slid out; the day's remain.
    now = at("2024-03-10T12:02:30.000");
    const auto decision = limiter.check(key, limits);
    QVERIFY(decision.allowed);
    QCOMPARE(decision.requests.kind, RateLimitKind::RequestsPerMinute);
    QCOMPARE(decision.requests.remaining, 12);
    QCOMPARE(limiter.check(key, perDay(100)).requests.remaining, 100 - 40 - 2);
}

void TestSharedRateCounters::deltasSpanTwoBuckets()
{
    TimePoint now = at("2024-03-10T12:00:50.000");
    RateLimiter limiter([&now] { return now; });
    limiter.enableClusterSync();
    limiter.record(QStringLiteral("k"), 2, 20);
    now = at("2024-03-10T12:01:05.000");
    limiter.record(QStringLiteral("k"), 1, 10);
    const QList<Delta> deltas = limiter.takePendingDeltas(now);
    QCOMPARE(deltas.size(), 2);
    QCOMPARE(deltas[0].minuteStartMs, ms(at("2024-03-10T12:00:00.000")));
    QCOMPARE(deltas[0].requests, 2);
    QCOMPARE(deltas[0].tokens, 20);
    QCOMPARE(deltas[0].dayRequests, 0); // the day's count travels once, with the current bucket
    QCOMPARE(deltas[1].minuteStartMs, ms(at("2024-03-10T12:01:00.000")));
    QCOMPARE(deltas[1].requests, 1);
    QCOMPARE(deltas[1].tokens, 10);
    QCOMPARE(deltas[1].dayRequests, 3);
    QCOMPARE(deltas[1].monthRequests, 3);
}

void TestSharedRateCounters::requeue()
{
    TimePoint now = at("2024-03-10T12:00:10.000");
    RateLimiter limiter([&now] { return now; });
    limiter.enableClusterSync();
    limiter.record(QStringLiteral("k"), 4, 40);
    QList<Delta> deltas = limiter.takePendingDeltas(now);
    QCOMPARE(deltas.size(), 1);
    // Redis refused the day increment only: that part goes back.
    Delta back = deltas.first();
    back.requests = back.tokens = back.monthRequests = 0;
    limiter.requeueDeltas({back});
    limiter.record(QStringLiteral("k"), 1, 0);
    deltas = limiter.takePendingDeltas(now);
    QCOMPARE(deltas.size(), 1);
    QCOMPARE(deltas.first().requests, 1);
    QCOMPARE(deltas.first().tokens, 0);
    QCOMPARE(deltas.first().dayRequests, 5);
    QCOMPARE(deltas.first().monthRequests, 1);
}

void TestSharedRateCounters::restoredUsageIsNotPushed()
{
    TimePoint now = at("2024-03-10T12:00:10.000");
    RateLimiter limiter([&now] { return now; });
    limiter.enableClusterSync();
    // The store's usage is the whole cluster's and already in Redis.
    limiter.restoreUsage(QStringLiteral("k"), 50, 200, now);
    QCOMPARE(limiter.check(QStringLiteral("k"), perDay(100)).requests.remaining, 50);
    limiter.record(QStringLiteral("k"), 1, 0);
    const QList<Delta> deltas = limiter.takePendingDeltas(now);
    QCOMPARE(deltas.size(), 1);
    QCOMPARE(deltas.first().dayRequests, 1);
    QCOMPARE(deltas.first().monthRequests, 1);
    // Redis says 60 today, the restored 50 and our 1 among them.
    const Delta &d = deltas.first();
    limiter.applyClusterCounts(QStringLiteral("k"),
                               {d.minuteStartMs, 3, 0, 0, 0, d.day, 60, d.month, 210});
    QCOMPARE(limiter.check(QStringLiteral("k"), perDay(100)).requests.remaining, 40);
}

void TestSharedRateCounters::totalsNeverBelowLocal()
{
    TimePoint now = at("2024-03-10T12:00:10.000");
    RateLimiter limiter([&now] { return now; });
    limiter.enableClusterSync();
    limiter.record(QStringLiteral("k"), 5, 0);
    const Delta d = limiter.takePendingDeltas(now).value(0);
    // Redis lost its keys (a restart without persistence) and holds less than we sent.
    limiter.applyClusterCounts(QStringLiteral("k"),
                               {d.minuteStartMs, 1, 0, 0, 0, d.day, 1, d.month, 1});
    QCOMPARE(limiter.check(QStringLiteral("k"), perDay(100)).requests.remaining, 95);
}

void TestSharedRateCounters::recentKeys()
{
    TimePoint now = at("2024-03-10T12:00:10.000");
    RateLimiter limiter([&now] { return now; });
    limiter.enableClusterSync();
    limiter.record(QStringLiteral("local"), 1, 0);
    limiter.applyClusterCounts(QStringLiteral("remote"), {ms(at("2024-03-10T12:00:00.000")), 2, 0,
                                                          0, 0, aisbf::auth::utcDay(now).index, 2,
                                                          aisbf::auth::utcMonth(now).index, 2});
    QStringList keys = limiter.recentKeys(now);
    keys.sort();
    QCOMPARE(keys, (QStringList{QStringLiteral("local"), QStringLiteral("remote")}));
    now = at("2024-03-10T12:03:00.000");
    QVERIFY(limiter.recentKeys(now).isEmpty());
    // The day's counts keep both views until the day ends; then a sweep drops them.
    QCOMPARE(limiter.check(QStringLiteral("remote"), perDay(10)).requests.remaining, 8);
    now = at("2024-04-01T00:00:00.000");
    QCOMPARE(limiter.sweep(now), 1);
    QCOMPARE(limiter.check(QStringLiteral("remote"), perDay(10)).requests.remaining, 10);
}

void TestSharedRateCounters::requestsOnACountOnB()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    Node a(config);
    Node b(config);
    a.start();
    b.start();
    QVERIFY(bothConnected(a, b));
    const QString key = QStringLiteral("user:1");
    const RateLimits limits = perDay(5);

    b.limiter.record(key, 1, 0);
    QTRY_COMPARE_WITH_TIMEOUT(a.remaining(key, limits), 5, 100); // A knows nothing yet
    for (int i = 0; i < 4; ++i) {
        QVERIFY(a.limiter.check(key, limits).allowed);
        a.limiter.record(key, 1, 0);
    }
    // A pushes its 4 and reads 5 back; B reads the total in its next refresh (about 1 s).
    QTRY_VERIFY_WITH_TIMEOUT(!a.limiter.check(key, limits).allowed, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!b.limiter.check(key, limits).allowed, 5000);
    QCOMPARE(b.remaining(key, limits), 0);
    QCOMPARE(b.limiter.check(key, limits).limiting.kind, RateLimitKind::RequestsPerDay);

    // The shared counters, as written.
    const QByteArray base = config.keyPrefix.toUtf8() + "rl:" + key.toUtf8();
    QCOMPARE(call(a.client, {"GET", base + ":d:" + today()}).toInteger(), 5);
    const QByteArray month = today().left(7);
    QCOMPARE(call(a.client, {"GET", base + ":M:" + month}).toInteger(), 5);
    const qint64 ttl = call(a.client, {"TTL", base + ":d:" + today()}).toInteger();
    QVERIFY2(ttl > 170'000 && ttl <= 172'800, qPrintable(QString::number(ttl)));
    const qint64 minute = QDateTime::currentMSecsSinceEpoch() / 60'000 * 60'000;
    qint64 inMinutes = 0; // the pushes may straddle a bucket boundary
    for (const qint64 bucket : {minute, minute - 60'000}) {
        const QByteArray key = base + ":m:" + QByteArray::number(bucket);
        inMinutes += call(a.client, {"HGET", key, "requests"}).toInteger();
        if (bucket == minute && inMinutes > 0) {
            const qint64 minuteTtl = call(a.client, {"TTL", key}).toInteger();
            QVERIFY(minuteTtl > 0 && minuteTtl <= 180);
        }
    }
    QCOMPARE(inMinutes, 5);
}

void TestSharedRateCounters::tokensAndMinutes()
{
    AISBF_REQUIRE_SHARED_REDIS(config);
    awayFromMinuteEnd();
    Node a(config);
    Node b(config);
    a.start();
    b.start();
    QVERIFY(bothConnected(a, b));
    const QString key = QStringLiteral("user:2");
    RateLimits limits;
    limits.requestsPerMinute = 3;
    limits.tokensPerMinute = 1000;

    a.limiter.record(key, 1, 900);
    b.limiter.record(key, 1, 50);
    // B: 950 tokens used cluster-wide; 100 more do not fit, 40 do.
    QTRY_VERIFY_WITH_TIMEOUT(!b.limiter.check(key, limits, 100).allowed, 5000);
    QCOMPARE(b.limiter.check(key, limits, 100).limiting.kind, RateLimitKind::TokensPerMinute);
    QVERIFY(b.limiter.check(key, limits, 40).allowed);
    QCOMPARE(b.limiter.check(key, limits, 40).requests.remaining, 1);
    QTRY_VERIFY_WITH_TIMEOUT(!a.limiter.check(key, limits, 100).allowed, 5000);

    a.limiter.record(key, 1, 0); // the third request of the minute, on A
    QTRY_VERIFY_WITH_TIMEOUT(!b.limiter.check(key, limits, 1).allowed, 5000);
    QCOMPARE(b.limiter.check(key, limits, 1).limiting.kind, RateLimitKind::RequestsPerMinute);
}

void TestSharedRateCounters::outageKeepsCountingLocally()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(server, QStringList());
    RedisConfig config = server.config();
    config.replyTimeoutMs = 500;
    config.connectTimeoutMs = 500;
    config.reconnectMaxMs = 300;
    Node a(config);
    Node b(config);
    a.start();
    b.start();
    QVERIFY(bothConnected(a, b));
    const QString key = QStringLiteral("user:3");
    const RateLimits limits = perDay(10);
    a.limiter.record(key, 1, 0);
    b.limiter.record(key, 1, 0);
    QTRY_COMPARE_WITH_TIMEOUT(a.remaining(key, limits), 8, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(b.remaining(key, limits), 8, 5000);

    // Redis stops answering with a batch of A's in flight.
    QSignalSpy aSynced(&a.counters, &SharedRateCounters::synced);
    server.pause();
    for (int i = 0; i < 5; ++i)
        a.limiter.record(key, 1, 0);
    a.counters.syncNow();
    QVERIFY(a.counters.isSyncing());
    QTRY_VERIFY_WITH_TIMEOUT(!a.client.isConnected(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!aSynced.isEmpty(), 5000);
    QCOMPARE(aSynced.last().first().toBool(), false);

    // Requests go on being judged, by A's own counts on top of what it last knew.
    QCOMPARE(a.remaining(key, limits), 3);
    for (int i = 0; i < 3; ++i) {
        QVERIFY(a.limiter.check(key, limits).allowed);
        a.limiter.record(key, 1, 0);
    }
    QVERIFY(!a.limiter.check(key, limits).allowed);
    QCOMPARE(b.remaining(key, limits), 8); // B cannot know

    server.resume();
    QVERIFY(bothConnected(a, b));
    // Redis ran the batch it had buffered, then got A's 3 later requests: 10, none twice.
    QTRY_COMPARE_WITH_TIMEOUT(b.remaining(key, limits), 0, 10'000);
    QCOMPARE(
        call(b.client, {"GET", config.keyPrefix.toUtf8() + "rl:" + key.toUtf8() + ":d:" + today()})
            .toInteger(),
        10);
    QCOMPARE(a.remaining(key, limits), 0);
}

void TestSharedRateCounters::redisRestarts()
{
    OwnRedis server;
    AISBF_START_OWN_REDIS(server, QStringList());
    RedisConfig config = server.config();
    config.reconnectMaxMs = 300;
    Node a(config);
    Node b(config);
    a.start();
    b.start();
    QVERIFY(bothConnected(a, b));
    const QString key = QStringLiteral("user:4");
    const RateLimits limits = perDay(100);
    b.limiter.record(key, 1, 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        call(b.client, {"GET", config.keyPrefix.toUtf8() + "rl:" + key.toUtf8() + ":d:" + today()})
            .toInteger(),
        1, 5000);

    server.kill();
    QTRY_VERIFY_WITH_TIMEOUT(!a.client.isConnected() && !b.client.isConnected(), 5000);
    for (int i = 0; i < 7; ++i)
        a.limiter.record(key, 1, 0); // counted while Redis is gone
    QCOMPARE(a.remaining(key, limits), 93);
    QTest::qWait(200); // syncs keep being skipped without harm

    QVERIFY2(server.start(), qPrintable(server.error()));
    QVERIFY(bothConnected(a, b));
    // The new server is empty; A sends what it counted during the outage.
    QTRY_COMPARE_WITH_TIMEOUT(
        call(a.client, {"GET", config.keyPrefix.toUtf8() + "rl:" + key.toUtf8() + ":d:" + today()})
            .toInteger(),
        7, 5000);
    b.limiter.record(key, 1, 0);
    // B's first request went down with the old server: both nodes now agree on what Redis
    // holds, A's 7 and B's second.
    QTRY_COMPARE_WITH_TIMEOUT(b.remaining(key, limits), 100 - 7 - 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(a.remaining(key, limits), 100 - 7 - 1, 5000);
}

QTEST_GUILESS_MAIN(TestSharedRateCounters)
#include "tst_shared_rate_counters.moc"
