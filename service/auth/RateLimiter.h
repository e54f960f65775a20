// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Clock.h"
#include "RateLimitTypes.h"
#include "UtcCalendar.h"

#include <QHash>
#include <QString>

namespace aisbf::auth {

/**
 * In-memory request and token counters per key ("user:42", "token:7").
 *
 * Per-minute limits use a sliding-window counter: two fixed one-minute buckets aligned to the
 * epoch, the previous one weighted by how much of it still overlaps the last 60 s (the
 * approximation Cloudflare and nginx-style limiters use). Day and month limits are fixed UTC
 * calendar windows. check() and record() are one hash lookup each; record() sweeps idle keys
 * once per minute of clock time, so memory holds only keys used in the current month.
 *
 * Not thread-safe: use one limiter per event loop or guard it.
 */
class RateLimiter
{
public:
    explicit RateLimiter(Clock clock = systemClock());

    /**
     * Whether one more request for @p key fits @p limits at @p now. @p estimatedTokens (the
     * prompt plus max_tokens, when known) must fit tokens-per-minute; with 0, any remaining
     * token budget lets the request through; an estimate above the whole tokens-per-minute
     * limit never fits (reject such a request as too large rather than asking it to retry).
     * Does not count the request: call record().
     */
    RateDecision check(const QString &key, const RateLimits &limits, TimePoint now,
                       qint64 estimatedTokens = 0) const;
    /** check() at the clock's time. */
    RateDecision check(const QString &key, const RateLimits &limits,
                       qint64 estimatedTokens = 0) const;

    /** Counts @p requests and @p tokens for @p key (tokens usually once the answer is done). */
    void record(const QString &key, qint64 requests, qint64 tokens, TimePoint now);
    void record(const QString &key, qint64 requests, qint64 tokens);

    /**
     * Raises today's and this month's request counts of @p key to at least the given values,
     * e.g. from usage rows in the store after a restart.
     */
    void restoreUsage(const QString &key, qint64 requestsToday, qint64 requestsThisMonth,
                      TimePoint now);

    /** Drops keys whose counters have all expired at @p now; returns how many. */
    qsizetype sweep(TimePoint now);
    qsizetype sweep();

    /** Keys currently held. */
    qsizetype size() const { return m_entries.size(); }

    TimePoint now() const { return m_clock(); }

private:
    struct Entry
    {
        qint64 minuteStartMs = 0; ///< start of the bucket the *Current counters belong to
        qint64 requestsCurrent = 0;
        qint64 requestsPrevious = 0;
        qint64 tokensCurrent = 0;
        qint64 tokensPrevious = 0;
        qint64 dayRequests = 0;
        qint64 monthRequests = 0;
        qint32 day = 0;
        qint32 month = 0;
    };
    struct Windows
    {
        CalendarWindow day;
        CalendarWindow month;
    };

    const Windows &windowsAt(TimePoint now) const;
    static void roll(Entry &entry, TimePoint now, const Windows &windows);
    static bool isMinuteIdle(const Entry &entry, qint64 bucketStart);

    Clock m_clock;
    QHash<QString, Entry> m_entries;
    TimePoint m_nextSweep{};
    // utcMonth() needs a civil-date conversion; it changes once a day, so it is cached.
    mutable Windows m_windows{{-1, {}}, {-1, {}}};
    mutable TimePoint m_windowsValidUntil{};
};

} // namespace aisbf::auth
