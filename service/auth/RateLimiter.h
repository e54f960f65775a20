// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Clock.h"
#include "RateLimitTypes.h"
#include "UtcCalendar.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace aisbf::auth {

/**
 * In-memory request and token counters per key ("user:42", "token:7").
 *
 * Per-minute limits use a sliding-window counter: two fixed one-minute buckets aligned to the
 * epoch, the previous one weighted by how much of it still overlaps the last 60 s (the
 * approximation Cloudflare and nginx-style limiters use). Day and month limits are fixed UTC
 * calendar windows. check() and record() are one hash lookup each (one more in cluster mode);
 * record() sweeps idle keys once per minute of clock time, so memory holds only keys used in
 * the current month.
 *
 * Not thread-safe: use one limiter per event loop or guard it.
 *
 * Cluster mode (enableClusterSync()): several nodes share their counts through a store such as
 * Redis without a round trip per request. check() and record() stay local; a sync task calls
 * takePendingDeltas() every few hundred milliseconds, adds the deltas to the shared counters,
 * reads back the cluster totals and hands them to applyClusterCounts(). A key then counts as
 * the cluster total last read plus what this node recorded since that read. The accepted
 * overshoot: requests other nodes admitted since the last read are unknown here, so the
 * cluster can admit up to one sync interval of every other node's traffic on a key beyond its
 * limit (and a node that has not read a key's totals yet judges it by its own counts alone).
 * When the shared store is unreachable the node keeps counting locally (on top of the last
 * totals it read, until their windows pass) and pushes what it counted once the store is back.
 */
class RateLimiter
{
public:
    /** What one key counted since the last takePendingDeltas(), for one minute bucket. */
    struct RateDelta
    {
        QString key;
        qint64 minuteStartMs = 0; ///< the minute bucket @c requests and @c tokens belong to
        qint64 requests = 0;
        qint64 tokens = 0;
        qint32 day = 0; ///< utcDay() index @c dayRequests belong to
        qint64 dayRequests = 0;
        qint32 month = 0; ///< utcMonth() index @c monthRequests belong to
        qint64 monthRequests = 0;

        bool isEmpty() const
        {
            return requests == 0 && tokens == 0 && dayRequests == 0 && monthRequests == 0;
        }
    };

    /** The cluster-wide totals of one key as read back from the shared store. */
    struct ClusterCounts
    {
        qint64 minuteStartMs = 0; ///< the bucket of the *Current counts
        qint64 requestsCurrent = 0;
        qint64 tokensCurrent = 0;
        qint64 requestsPrevious = 0; ///< the bucket before minuteStartMs
        qint64 tokensPrevious = 0;
        qint32 day = 0;
        qint64 dayRequests = 0;
        qint32 month = 0;
        qint64 monthRequests = 0;
    };

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

    /** Starts remembering which keys changed, for takePendingDeltas(). Off by default. */
    void enableClusterSync() { m_clusterSync = true; }
    bool isClusterSync() const { return m_clusterSync; }

    /**
     * What each key recorded since the previous call, at most two deltas per key (the current
     * minute bucket and the rest of the previous one). Day and month counts recorded before a
     * UTC day or month ended and not taken by then are dropped with that window.
     */
    QList<RateDelta> takePendingDeltas(TimePoint now);
    /** Gives back deltas that did not reach the shared store, so the next take sends them. */
    void requeueDeltas(const QList<RateDelta> &deltas);
    /**
     * The cluster totals of @p key, read after the deltas of the last takePendingDeltas() were
     * added to them. Counts older than the windows of @p counts fade as time passes.
     */
    void applyClusterCounts(const QString &key, const ClusterCounts &counts);
    /** Keys with requests or tokens counted in the last minute (locally or cluster-wide). */
    QStringList recentKeys(TimePoint now) const;

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

    // Cluster mode only: what of a key's local counts the shared store has, and its totals.
    struct ClusterView
    {
        Entry pushed;  ///< local counts as of the last takePendingDeltas()
        Entry synced;  ///< local counts already inside `cluster`
        Entry cluster; ///< totals read back from the shared store
        bool hasCluster = false;
    };

    const Windows &windowsAt(TimePoint now) const;
    static void roll(Entry &entry, TimePoint now, const Windows &windows);
    static bool isMinuteIdle(const Entry &entry, qint64 bucketStart);
    void addClusterCounts(Entry &entry, const QString &key, TimePoint now,
                          const Windows &windows) const;

    Clock m_clock;
    QHash<QString, Entry> m_entries;
    bool m_clusterSync = false;
    QHash<QString, ClusterView> m_cluster;
    QSet<QString> m_dirty; ///< keys recorded since the last takePendingDeltas()
    TimePoint m_nextSweep{};
    // utcMonth() needs a civil-date conversion; it changes once a day, so it is cached.
    mutable Windows m_windows{{-1, {}}, {-1, {}}};
    mutable TimePoint m_windowsValidUntil{};
};

} // namespace aisbf::auth
