// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <auth/Clock.h>
#include <auth/RateLimitTypes.h>

#include <QDateTime>

namespace aisbf::auth::test {

/** "2024-02-29T23:59:59.999" (UTC) as a TimePoint; QDateTime is an independent calendar. */
inline TimePoint utc(const QString &iso)
{
    QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    time.setTimeSpec(Qt::UTC);
    Q_ASSERT(time.isValid());
    return TimePoint(std::chrono::milliseconds(time.toMSecsSinceEpoch()));
}

inline TimePoint utc(const char *iso)
{
    return utc(QString::fromLatin1(iso));
}

/** A clock the test moves by hand. */
struct ManualClock
{
    TimePoint now;
    Clock clock()
    {
        return [this] {
            return now;
        };
    }
};

/** Limits of requests (and tokens) per minute only. */
inline RateLimits perMinute(qint64 requests, qint64 tokens = 0)
{
    RateLimits limits;
    limits.requestsPerMinute = requests;
    limits.tokensPerMinute = tokens;
    return limits;
}

} // namespace aisbf::auth::test
