// SPDX-License-Identifier: GPL-3.0-or-later
// The key table of RateLimiter: what it holds, when it lets go, and what a check costs.
#include "AuthTestTime.h"

#include <auth/RateLimiter.h>

#include <QElapsedTimer>
#include <QTest>

using namespace aisbf::auth;
using aisbf::auth::test::ManualClock;
using aisbf::auth::test::perMinute;
using aisbf::auth::test::utc;
using std::chrono::milliseconds;

namespace {

const TimePoint T0 = utc("2024-03-10T12:00:00.000");

QStringList manyKeys(int count)
{
    QStringList keys;
    keys.reserve(count);
    for (int i = 0; i < count; ++i)
        keys.append(QStringLiteral("user:") + QString::number(i));
    return keys;
}

} // namespace

class TestRateLimiterKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unlimited();
    void restoreUsage();
    void injectedClock();
    void sweep_data();
    void sweep();
    void recordSweepsOncePerMinute();
    void checkAndRecordCost();
};

void TestRateLimiterKeys::unlimited()
{
    RateLimiter limiter;
    RateLimits negative;
    negative.requestsPerMinute = -1;
    negative.tokensPerMinute = -5;
    for (const RateLimits &limits : {RateLimits{}, negative}) {
        limiter.record(QStringLiteral("k"), 1000000, 1000000000, T0);
        const RateDecision decision = limiter.check(QStringLiteral("k"), limits, T0, 1000000);
        QVERIFY(decision.allowed);
        QVERIFY(!decision.limiting.isSet());
        QVERIFY(!decision.requests.isSet());
        QVERIFY(!decision.tokens.isSet());
    }
    // check() never adds keys.
    QCOMPARE(limiter.size(), 1);
    limiter.check(QStringLiteral("other"), perMinute(5), T0);
    QCOMPARE(limiter.size(), 1);
}

void TestRateLimiterKeys::restoreUsage()
{
    RateLimits limits;
    limits.requestsPerDay = 5;
    limits.requestsPerMonth = 101;
    RateLimiter limiter;
    limiter.restoreUsage(QStringLiteral("user:9"), 5, 100, T0);
    RateDecision decision = limiter.check(QStringLiteral("user:9"), limits, T0);
    QVERIFY(!decision.allowed);
    QCOMPARE(decision.limiting.kind, RateLimitKind::RequestsPerDay);
    // Lower values never lower the counts; the next day only the month count remains.
    limiter.restoreUsage(QStringLiteral("user:9"), 1, 1, T0);
    QVERIFY(!limiter.check(QStringLiteral("user:9"), limits, T0).allowed);
    decision = limiter.check(QStringLiteral("user:9"), limits, T0 + std::chrono::days(1));
    QVERIFY(decision.allowed);
    QCOMPARE(decision.limiting.kind, RateLimitKind::RequestsPerMonth);
    QCOMPARE(decision.limiting.remaining, 1);
}

void TestRateLimiterKeys::injectedClock()
{
    ManualClock clock{T0};
    RateLimiter limiter(clock.clock());
    QCOMPARE(limiter.now(), T0);
    limiter.record(QStringLiteral("k"), 1, 0);
    QVERIFY(!limiter.check(QStringLiteral("k"), perMinute(1)).allowed);
    clock.now += std::chrono::minutes(2);
    QVERIFY(limiter.check(QStringLiteral("k"), perMinute(1)).allowed);
    clock.now = utc("2024-04-01T00:00:00.000");
    QCOMPARE(limiter.sweep(), 1);
    QCOMPARE(limiter.size(), 0);
}

void TestRateLimiterKeys::sweep_data()
{
    QTest::addColumn<qint64>("requests");
    QTest::addColumn<qint64>("tokens");
    QTest::addColumn<QString>("sweepAt");
    QTest::addColumn<int>("removed");
    // Everything is recorded at 2024-03-10T12:00:00.
    QTest::addRow("requests, same minute") << 1LL << 0LL << "2024-03-10T12:00:30.000" << 0;
    QTest::addRow("requests, next day: month still counts")
        << 1LL << 0LL << "2024-03-11T12:00:00.000" << 0;
    QTest::addRow("requests, next month") << 1LL << 0LL << "2024-04-01T00:00:00.000" << 1000;
    QTest::addRow("tokens only, next bucket: still weighs")
        << 0LL << 50LL << "2024-03-10T12:01:01.000" << 0;
    QTest::addRow("tokens only, two buckets on")
        << 0LL << 50LL << "2024-03-10T12:02:00.000" << 1000;
}

void TestRateLimiterKeys::sweep()
{
    QFETCH(qint64, requests);
    QFETCH(qint64, tokens);
    QFETCH(QString, sweepAt);
    QFETCH(int, removed);
    RateLimiter limiter;
    for (const QString &key : manyKeys(1000))
        limiter.record(key, requests, tokens, T0);
    QCOMPARE(limiter.size(), 1000);
    QCOMPARE(limiter.sweep(utc(sweepAt)), removed);
    QCOMPARE(limiter.size(), 1000 - removed);
}

void TestRateLimiterKeys::recordSweepsOncePerMinute()
{
    RateLimiter limiter;
    for (const QString &key : manyKeys(1000))
        limiter.record(key, 0, 10, T0);
    // Two minutes later the token-only keys are idle; the next record() drops them.
    limiter.record(QStringLiteral("late"), 1, 0, T0 + std::chrono::minutes(2));
    QCOMPARE(limiter.size(), 1);
}

// Target: well under 1 us per check + record with 10,000 distinct keys, every limit set,
// the clock moving 1 ms per call (so buckets roll and record() sweeps as in production).
void TestRateLimiterKeys::checkAndRecordCost()
{
    const QStringList keys = manyKeys(10000);
    RateLimits limits = perMinute(1000000, 1000000000);
    limits.requestsPerDay = 100000000;
    limits.requestsPerMonth = 1000000000;
    RateLimiter limiter;
    TimePoint now = T0;
    for (const QString &key : keys)
        limiter.record(key, 1, 10, now);
    constexpr int Rounds = 100;
    qint64 allowed = 0;
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < Rounds; ++round) {
        for (const QString &key : keys) {
            now += milliseconds(1);
            if (limiter.check(key, limits, now, 100).allowed) {
                limiter.record(key, 1, 100, now);
                ++allowed;
            }
        }
    }
    const double nsPerCall = double(timer.nsecsElapsed()) / (Rounds * keys.size());
    QCOMPARE(allowed, qint64(Rounds) * keys.size());
    QCOMPARE(limiter.size(), keys.size());
    qInfo("RateLimiter check+record, %lld keys: %.0f ns per call", qint64(keys.size()), nsPerCall);
    // Generous: a debug build on a loaded machine; catches an accidental O(keys) path.
    QVERIFY2(nsPerCall < 20000, qPrintable(QString::number(nsPerCall)));
}

QTEST_GUILESS_MAIN(TestRateLimiterKeys)
#include "tst_rate_limiter_keys.moc"
