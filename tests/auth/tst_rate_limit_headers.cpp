// SPDX-License-Identifier: GPL-3.0-or-later
#include "AuthTestTime.h"

#include <auth/RateLimitHeaders.h>
#include <auth/RateLimiter.h>

#include <QTest>

using namespace aisbf::auth;
using aisbf::auth::test::utc;

class TestRateLimitHeaders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headers_data();
    void headers();
    void resetDuration_data();
    void resetDuration();
    void message();
};

void TestRateLimitHeaders::headers_data()
{
    QTest::addColumn<qint64>("rpm");
    QTest::addColumn<qint64>("rpd");
    QTest::addColumn<qint64>("tpm");
    QTest::addColumn<qint64>("requests");
    QTest::addColumn<qint64>("tokens");
    QTest::addColumn<QString>("at"); // recorded and checked at this time
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("requests and tokens")
        << 60LL << 0LL << 1000LL << 1LL << 100LL << "2024-03-10T12:00:30.000"
        << QStringList{QStringLiteral("x-ratelimit-limit-requests: 60"),
                       QStringLiteral("x-ratelimit-remaining-requests: 59"),
                       QStringLiteral("x-ratelimit-reset-requests: 1m30s"),
                       QStringLiteral("x-ratelimit-limit-tokens: 1000"),
                       QStringLiteral("x-ratelimit-remaining-tokens: 900"),
                       QStringLiteral("x-ratelimit-reset-tokens: 1m30s")};
    QTest::addRow("fractional reset")
        << 10LL << 0LL << 0LL << 1LL << 0LL << "2024-03-10T12:00:00.250"
        << QStringList{QStringLiteral("x-ratelimit-limit-requests: 10"),
                       QStringLiteral("x-ratelimit-remaining-requests: 9"),
                       QStringLiteral("x-ratelimit-reset-requests: 1m59.75s")};
    QTest::addRow("denied by the day limit")
        << 0LL << 1LL << 0LL << 1LL << 0LL << "2024-03-10T23:00:00.000"
        << QStringList{QStringLiteral("x-ratelimit-limit-requests: 1"),
                       QStringLiteral("x-ratelimit-remaining-requests: 0"),
                       QStringLiteral("x-ratelimit-reset-requests: 1h0m0s"),
                       QStringLiteral("Retry-After: 3600")};
    QTest::addRow("tokens only, denied")
        << 0LL << 0LL << 500LL << 0LL << 500LL << "2024-03-10T12:00:30.000"
        << QStringList{QStringLiteral("x-ratelimit-limit-tokens: 500"),
                       QStringLiteral("x-ratelimit-remaining-tokens: 0"),
                       QStringLiteral("x-ratelimit-reset-tokens: 1m30s"),
                       QStringLiteral("Retry-After: 31")};
    QTest::addRow("unlimited") << 0LL << 0LL << 0LL << 5LL << 5LL << "2024-03-10T12:00:00.000"
                               << QStringList{};
}

void TestRateLimitHeaders::headers()
{
    QFETCH(qint64, rpm);
    QFETCH(qint64, rpd);
    QFETCH(qint64, tpm);
    QFETCH(qint64, requests);
    QFETCH(qint64, tokens);
    QFETCH(QString, at);
    QFETCH(QStringList, expected);
    RateLimits limits;
    limits.requestsPerMinute = rpm;
    limits.requestsPerDay = rpd;
    limits.tokensPerMinute = tpm;
    RateLimiter limiter;
    limiter.record(QStringLiteral("user:1"), requests, tokens, utc(at));
    const RateDecision decision = limiter.check(QStringLiteral("user:1"), limits, utc(at));
    QStringList actual;
    for (const auto &[name, value] : rateLimitHeaders(decision))
        actual.append(QString::fromLatin1(name + ": " + value));
    QCOMPARE(actual, expected);
}

void TestRateLimitHeaders::resetDuration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("zero") << 0LL << QByteArray("0s");
    QTest::addRow("negative") << -5LL << QByteArray("0s");
    QTest::addRow("1 ms") << 1LL << QByteArray("1ms");
    QTest::addRow("20 ms") << 20LL << QByteArray("20ms");
    QTest::addRow("999 ms") << 999LL << QByteArray("999ms");
    QTest::addRow("1 s") << 1000LL << QByteArray("1s");
    QTest::addRow("1.001 s") << 1001LL << QByteArray("1.001s");
    QTest::addRow("1.5 s") << 1500LL << QByteArray("1.5s");
    QTest::addRow("8.64 s") << 8640LL << QByteArray("8.64s");
    QTest::addRow("59.999 s") << 59999LL << QByteArray("59.999s");
    QTest::addRow("1 min") << 60000LL << QByteArray("1m0s");
    QTest::addRow("6 min") << 360000LL << QByteArray("6m0s");
    QTest::addRow("1h2m3.5s") << 3723500LL << QByteArray("1h2m3.5s");
    QTest::addRow("a day") << 86400000LL << QByteArray("24h0m0s");
}

void TestRateLimitHeaders::resetDuration()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, text);
    QCOMPARE(formatResetDuration(std::chrono::milliseconds(ms)), text);
}

void TestRateLimitHeaders::message()
{
    RateLimits limits;
    limits.requestsPerDay = 1;
    RateLimiter limiter;
    const TimePoint at = utc("2024-03-10T23:00:00.000");
    QCOMPARE(rateLimitMessage(limiter.check(QStringLiteral("k"), limits, at)), QString());
    limiter.record(QStringLiteral("k"), 1, 0, at);
    QCOMPARE(rateLimitMessage(limiter.check(QStringLiteral("k"), limits, at)),
             QStringLiteral("Rate limit reached for requests per day: limit 1, remaining 0. "
                            "Try again in 3600 s."));
}

QTEST_GUILESS_MAIN(TestRateLimitHeaders)
#include "tst_rate_limit_headers.moc"
