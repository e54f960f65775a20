// SPDX-License-Identifier: GPL-3.0-or-later
#include "AuthTestTime.h"

#include <auth/RateLimiter.h>

#include <QTest>

using namespace aisbf::auth;
using aisbf::auth::test::ManualClock;
using aisbf::auth::test::perMinute;
using aisbf::auth::test::utc;
using std::chrono::milliseconds;

namespace {

// 12:00:00.000 UTC starts a minute bucket, so offsets below are times within buckets.
const TimePoint T0 = utc("2024-03-10T12:00:00.000");

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minuteSliding_data();
    void minuteSliding();
    void tokensPerMinute_data();
    void tokensPerMinute();
    void dayRollsOverAtUtcMidnight();
    void monthRollover_data();
    void monthRollover();
    void monthOutlastsDay();
    void longestWaitDecides_data();
    void longestWaitDecides();
    void tightestRequestLimitIsReported();
};

void TestRateLimiter::minuteSliding_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<QList<qint64>>("requestsAtMs"); // one request each, ms after T0
    QTest::addColumn<qint64>("checkAtMs");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("retryAfter");
    QTest::addColumn<qint64>("resetMs");
    using L = QList<qint64>;
    QTest::addRow("under limit") << 3 << L{10000, 10000} << 20000LL << true << 1LL << 0LL
                                 << 100000LL;
    QTest::addRow("full in the same bucket")
        << 3 << L{10000, 10000, 10000} << 20000LL << false << 0LL << 60LL << 100000LL;
    QTest::addRow("previous bucket weighs 3/4")
        << 10 << L(10, 50000) << 75000LL << true << 2LL << 0LL << 45000LL;
    QTest::addRow("previous bucket blocks")
        << 10 << (L(10, 50000) << 61000 << 61000) << 70000LL << false << 0LL << 8LL << 110000LL;
    QTest::addRow("burst at bucket end, next bucket start")
        << 3 << L(3, 59999) << 60000LL << false << 0LL << 20LL << 60000LL;
    QTest::addRow("burst at bucket end, 1 ms too early")
        << 3 << L(3, 59999) << 79999LL << false << 0LL << 1LL << 40001LL;
    QTest::addRow("burst at bucket end, freed after 20 s")
        << 3 << L(3, 59999) << 80000LL << true << 1LL << 0LL << 40000LL;
    QTest::addRow("limit 1") << 1 << L{30000} << 30000LL << false << 0LL << 90LL << 90000LL;
    QTest::addRow("exactly one bucket later")
        << 3 << L(3, 10000) << 60000LL << false << 0LL << 20LL << 60000LL;
    QTest::addRow("two buckets later") << 3 << L(3, 10000) << 120000LL << true << 3LL << 0LL << 0LL;
    QTest::addRow("nothing recorded") << 5 << L{} << 0LL << true << 5LL << 0LL << 0LL;
}

void TestRateLimiter::minuteSliding()
{
    QFETCH(int, limit);
    QFETCH(QList<qint64>, requestsAtMs);
    QFETCH(qint64, checkAtMs);
    QFETCH(bool, allowed);
    QFETCH(qint64, remaining);
    QFETCH(qint64, retryAfter);
    QFETCH(qint64, resetMs);
    RateLimiter limiter;
    for (const qint64 at : requestsAtMs)
        limiter.record(QStringLiteral("user:1"), 1, 0, T0 + milliseconds(at));
    const TimePoint now = T0 + milliseconds(checkAtMs);
    const RateDecision decision = limiter.check(QStringLiteral("user:1"), perMinute(limit), now);
    QCOMPARE(decision.allowed, allowed);
    QCOMPARE(decision.limiting.kind, RateLimitKind::RequestsPerMinute);
    QCOMPARE(decision.limiting.limit, qint64(limit));
    QCOMPARE(decision.limiting.remaining, remaining);
    QCOMPARE(decision.retryAfterSeconds, retryAfter);
    QCOMPARE(decision.limiting.resetIn, milliseconds(resetMs));
    QCOMPARE(decision.requests.remaining, remaining);
    QVERIFY(!decision.tokens.isSet());
    // Waiting as told is enough; another key is not affected.
    if (!allowed)
        QVERIFY(limiter
                    .check(QStringLiteral("user:1"), perMinute(limit),
                           now + std::chrono::seconds(retryAfter))
                    .allowed);
    QVERIFY(limiter.check(QStringLiteral("user:2"), perMinute(limit), now).allowed);
}

void TestRateLimiter::tokensPerMinute_data()
{
    QTest::addColumn<qint64>("tokensAt5s");
    QTest::addColumn<qint64>("checkAtMs");
    QTest::addColumn<qint64>("estimate");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("retryAfter");
    // Limit: 1000 tokens per minute.
    QTest::addRow("budget left, no estimate") << 900LL << 10000LL << 0LL << true << 100LL << 0LL;
    QTest::addRow("estimate fits exactly") << 900LL << 10000LL << 100LL << true << 100LL << 0LL;
    QTest::addRow("estimate too big") << 900LL << 10000LL << 200LL << false << 100LL << 57LL;
    QTest::addRow("budget used up") << 1000LL << 10000LL << 0LL << false << 0LL << 51LL;
    QTest::addRow("next minute, half faded") << 1000LL << 90000LL << 400LL << true << 500LL << 0LL;
    QTest::addRow("next minute, too early") << 1000LL << 61000LL << 100LL << false << 16LL << 5LL;
    QTest::addRow("estimate above the whole budget")
        << 0LL << 10000LL << 5000LL << false << 1000LL << 1LL;
}

void TestRateLimiter::tokensPerMinute()
{
    QFETCH(qint64, tokensAt5s);
    QFETCH(qint64, checkAtMs);
    QFETCH(qint64, estimate);
    QFETCH(bool, allowed);
    QFETCH(qint64, remaining);
    QFETCH(qint64, retryAfter);
    RateLimiter limiter;
    limiter.record(QStringLiteral("token:7"), 0, tokensAt5s, T0 + milliseconds(5000));
    const RateDecision decision = limiter.check(QStringLiteral("token:7"), perMinute(100, 1000),
                                                T0 + milliseconds(checkAtMs), estimate);
    QCOMPARE(decision.allowed, allowed);
    QCOMPARE(decision.tokens.kind, RateLimitKind::TokensPerMinute);
    QCOMPARE(decision.tokens.limit, 1000LL);
    QCOMPARE(decision.tokens.remaining, remaining);
    QCOMPARE(decision.retryAfterSeconds, retryAfter);
    if (!allowed)
        QCOMPARE(decision.limiting.kind, RateLimitKind::TokensPerMinute);
    // Token-only records do not count as requests.
    QCOMPARE(decision.requests.kind, RateLimitKind::RequestsPerMinute);
    QCOMPARE(decision.requests.remaining, 100LL);
}

void TestRateLimiter::dayRollsOverAtUtcMidnight()
{
    RateLimits limits;
    limits.requestsPerDay = 2;
    RateLimiter limiter;
    const QString key = QStringLiteral("user:3");
    limiter.record(key, 2, 0, utc("2024-03-10T08:00:00.000"));
    RateDecision noon = limiter.check(key, limits, utc("2024-03-10T12:00:00.000"));
    QVERIFY(!noon.allowed);
    QCOMPARE(noon.limiting.kind, RateLimitKind::RequestsPerDay);
    QCOMPARE(noon.retryAfterSeconds, 12 * 3600);
    QCOMPARE(noon.limiting.resetIn, std::chrono::hours(12));
    RateDecision lastMs = limiter.check(key, limits, utc("2024-03-10T23:59:59.999"));
    QVERIFY(!lastMs.allowed);
    QCOMPARE(lastMs.retryAfterSeconds, 1);
    QCOMPARE(lastMs.limiting.resetIn, milliseconds(1));
    RateDecision midnight = limiter.check(key, limits, utc("2024-03-11T00:00:00.000"));
    QVERIFY(midnight.allowed);
    QCOMPARE(midnight.limiting.remaining, 2);
    QCOMPARE(midnight.limiting.resetIn, milliseconds(0));
    limiter.record(key, 1, 0, utc("2024-03-11T00:00:00.000"));
    QCOMPARE(limiter.check(key, limits, utc("2024-03-11T00:00:00.000")).limiting.remaining, 1);
}

void TestRateLimiter::monthRollover_data()
{
    QTest::addColumn<QString>("firstDay");
    QTest::addColumn<QString>("lastMs");
    QTest::addColumn<QString>("nextMonth");
    QTest::addColumn<qint64>("daysInMonth");
    QTest::addRow("leap February") << "2024-02-01T00:00:00.000"
                                   << "2024-02-29T23:59:59.999"
                                   << "2024-03-01T00:00:00.000" << 29LL;
    QTest::addRow("common February") << "2023-02-01T00:00:00.000"
                                     << "2023-02-28T23:59:59.999"
                                     << "2023-03-01T00:00:00.000" << 28LL;
    QTest::addRow("2100 is not leap") << "2100-02-01T00:00:00.000"
                                      << "2100-02-28T23:59:59.999"
                                      << "2100-03-01T00:00:00.000" << 28LL;
    QTest::addRow("December to January") << "2024-12-01T00:00:00.000"
                                         << "2024-12-31T23:59:59.999"
                                         << "2025-01-01T00:00:00.000" << 31LL;
    QTest::addRow("30-day month") << "2024-04-01T00:00:00.000"
                                  << "2024-04-30T23:59:59.999"
                                  << "2024-05-01T00:00:00.000" << 30LL;
}

void TestRateLimiter::monthRollover()
{
    QFETCH(QString, firstDay);
    QFETCH(QString, lastMs);
    QFETCH(QString, nextMonth);
    QFETCH(qint64, daysInMonth);
    RateLimits limits;
    limits.requestsPerMonth = 1;
    RateLimiter limiter;
    const QString key = QStringLiteral("user:4");
    limiter.record(key, 1, 0, utc(firstDay));

    const RateDecision atStart = limiter.check(key, limits, utc(firstDay));
    QVERIFY(!atStart.allowed);
    QCOMPARE(atStart.limiting.kind, RateLimitKind::RequestsPerMonth);
    QCOMPARE(atStart.retryAfterSeconds, daysInMonth * 86400);
    QCOMPARE(atStart.limiting.resetIn, std::chrono::days(daysInMonth));

    const RateDecision atEnd = limiter.check(key, limits, utc(lastMs));
    QVERIFY(!atEnd.allowed);
    QCOMPARE(atEnd.retryAfterSeconds, 1);
    QCOMPARE(atEnd.limiting.resetIn, milliseconds(1));

    const RateDecision next = limiter.check(key, limits, utc(nextMonth));
    QVERIFY(next.allowed);
    QCOMPARE(next.limiting.remaining, 1);
}

void TestRateLimiter::monthOutlastsDay()
{
    RateLimits limits;
    limits.requestsPerDay = 10;
    limits.requestsPerMonth = 3;
    RateLimiter limiter;
    const QString key = QStringLiteral("user:5");
    limiter.record(key, 3, 0, utc("2025-01-30T10:00:00.000"));
    const RateDecision decision = limiter.check(key, limits, utc("2025-01-31T12:00:00.000"));
    QVERIFY(!decision.allowed);
    QCOMPARE(decision.limiting.kind, RateLimitKind::RequestsPerMonth);
    QCOMPARE(decision.retryAfterSeconds, 12 * 3600);
    QVERIFY(limiter.check(key, limits, utc("2025-02-01T00:00:00.000")).allowed);
}

void TestRateLimiter::longestWaitDecides_data()
{
    QTest::addColumn<QString>("recordAt");
    QTest::addColumn<QString>("checkAt");
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("retryAfter");
    // Limits: 1 request per minute and 1 per day.
    QTest::addRow("day frees up last")
        << "2024-03-10T12:00:00.000"
        << "2024-03-10T12:00:01.000" << int(RateLimitKind::RequestsPerDay) << 43199LL;
    QTest::addRow("minute frees up last")
        << "2024-03-10T23:59:00.000"
        << "2024-03-10T23:59:01.000" << int(RateLimitKind::RequestsPerMinute) << 119LL;
}

void TestRateLimiter::longestWaitDecides()
{
    QFETCH(QString, recordAt);
    QFETCH(QString, checkAt);
    QFETCH(int, kind);
    QFETCH(qint64, retryAfter);
    RateLimits limits = perMinute(1);
    limits.requestsPerDay = 1;
    RateLimiter limiter;
    limiter.record(QStringLiteral("k"), 1, 0, utc(recordAt));
    const RateDecision decision = limiter.check(QStringLiteral("k"), limits, utc(checkAt));
    QVERIFY(!decision.allowed);
    QCOMPARE(int(decision.limiting.kind), kind);
    QCOMPARE(int(decision.requests.kind), kind);
    QCOMPARE(decision.retryAfterSeconds, retryAfter);
}

void TestRateLimiter::tightestRequestLimitIsReported()
{
    RateLimits limits = perMinute(10);
    limits.requestsPerDay = 3;
    limits.requestsPerMonth = 1000;
    RateLimiter limiter;
    limiter.record(QStringLiteral("k"), 1, 0, T0);
    const RateDecision decision = limiter.check(QStringLiteral("k"), limits, T0);
    QVERIFY(decision.allowed);
    QCOMPARE(decision.retryAfterSeconds, 0);
    QCOMPARE(decision.limiting.kind, RateLimitKind::RequestsPerDay);
    QCOMPARE(decision.limiting.remaining, 2);
    QCOMPARE(decision.requests.kind, RateLimitKind::RequestsPerDay);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_rate_limiter.moc"
