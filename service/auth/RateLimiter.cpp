// SPDX-License-Identifier: GPL-3.0-or-later
#include "RateLimiter.h"

#include "RateWindows.h"

#include <algorithm>

namespace aisbf::auth {

namespace {

qint64 msOf(TimePoint t)
{
    return t.time_since_epoch().count();
}

qint64 saturatingAdd(qint64 count, qint64 amount)
{
    return std::min(kCountCap, count + std::clamp<qint64>(amount, 0, kCountCap));
}

// The tightest of two limits: the one with less remaining, the shorter window on a tie.
void keepTightest(WindowStatus &best, const WindowStatus &candidate)
{
    if (!best.isSet() || candidate.remaining < best.remaining)
        best = candidate;
}

} // namespace

RateLimiter::RateLimiter(Clock clock) : m_clock(std::move(clock)) {}

const RateLimiter::Windows &RateLimiter::windowsAt(TimePoint now) const
{
    if (now >= m_windowsValidUntil || now < m_windowsValidUntil - std::chrono::days(1)) {
        m_windows.day = utcDay(now);
        m_windows.month = utcMonth(now);
        m_windowsValidUntil = m_windows.day.end;
    }
    return m_windows;
}

void RateLimiter::roll(Entry &entry, TimePoint now, const Windows &windows)
{
    const qint64 bucketStart = msOf(now) - msOf(now) % kMinuteMs;
    if (entry.minuteStartMs != bucketStart) {
        const bool adjacent = entry.minuteStartMs == bucketStart - kMinuteMs;
        entry.requestsPrevious = adjacent ? entry.requestsCurrent : 0;
        entry.tokensPrevious = adjacent ? entry.tokensCurrent : 0;
        entry.requestsCurrent = 0;
        entry.tokensCurrent = 0;
        entry.minuteStartMs = bucketStart;
    }
    if (entry.day != windows.day.index) {
        entry.day = windows.day.index;
        entry.dayRequests = 0;
    }
    if (entry.month != windows.month.index) {
        entry.month = windows.month.index;
        entry.monthRequests = 0;
    }
}

RateDecision RateLimiter::check(const QString &key, const RateLimits &limits, TimePoint now,
                                qint64 estimatedTokens) const
{
    RateDecision decision;
    if (limits.isUnlimited())
        return decision;

    // Judge a copy rolled forward to `now`, so check() never writes to the table.
    const Windows &windows = windowsAt(now);
    Entry entry;
    if (const auto it = m_entries.constFind(key); it != m_entries.cend())
        entry = it.value();
    roll(entry, now, windows);
    if (m_clusterSync)
        addClusterCounts(entry, key, now, windows);
    const qint64 elapsedMs = msOf(now) - entry.minuteStartMs;

    WindowVerdict verdicts[4];
    int count = 0;
    if (limits.requestsPerMinute > 0)
        verdicts[count++] =
            slidingMinute(RateLimitKind::RequestsPerMinute, limits.requestsPerMinute,
                          entry.requestsCurrent, entry.requestsPrevious, elapsedMs, 1);
    if (limits.requestsPerDay > 0)
        verdicts[count++] = calendarWindow(RateLimitKind::RequestsPerDay, limits.requestsPerDay,
                                           entry.dayRequests, msOf(windows.day.end) - msOf(now), 1);
    if (limits.requestsPerMonth > 0)
        verdicts[count++] =
            calendarWindow(RateLimitKind::RequestsPerMonth, limits.requestsPerMonth,
                           entry.monthRequests, msOf(windows.month.end) - msOf(now), 1);
    if (limits.tokensPerMinute > 0)
        verdicts[count++] = slidingMinute(RateLimitKind::TokensPerMinute, limits.tokensPerMinute,
                                          entry.tokensCurrent, entry.tokensPrevious, elapsedMs,
                                          std::max<qint64>(estimatedTokens, 1));

    std::chrono::milliseconds longestWait{0};
    for (int i = 0; i < count; ++i) {
        const WindowVerdict &verdict = verdicts[i];
        const bool isTokens = verdict.status.kind == RateLimitKind::TokensPerMinute;
        if (isTokens)
            decision.tokens = verdict.status;
        if (!verdict.fits && verdict.retryIn > longestWait) {
            // Every denying limit has to free up, so the last one decides the wait.
            longestWait = verdict.retryIn;
            decision.allowed = false;
            decision.limiting = verdict.status;
            if (!isTokens)
                decision.requests = verdict.status;
        } else if (!isTokens && decision.allowed) {
            keepTightest(decision.requests, verdict.status);
        }
    }
    if (decision.allowed)
        decision.limiting = decision.requests;
    else
        decision.retryAfterSeconds = std::max<qint64>(1, (longestWait.count() + 999) / 1000);
    return decision;
}

RateDecision RateLimiter::check(const QString &key, const RateLimits &limits,
                                qint64 estimatedTokens) const
{
    return check(key, limits, m_clock(), estimatedTokens);
}

void RateLimiter::record(const QString &key, qint64 requests, qint64 tokens, TimePoint now)
{
    if (now >= m_nextSweep) {
        sweep(now);
        m_nextSweep = now + std::chrono::milliseconds(kMinuteMs);
    }
    Entry &entry = m_entries[key];
    roll(entry, now, windowsAt(now));
    entry.requestsCurrent = saturatingAdd(entry.requestsCurrent, requests);
    entry.tokensCurrent = saturatingAdd(entry.tokensCurrent, tokens);
    entry.dayRequests = saturatingAdd(entry.dayRequests, requests);
    entry.monthRequests = saturatingAdd(entry.monthRequests, requests);
    if (m_clusterSync && (requests > 0 || tokens > 0))
        m_dirty.insert(key);
}

void RateLimiter::record(const QString &key, qint64 requests, qint64 tokens)
{
    record(key, requests, tokens, m_clock());
}

void RateLimiter::restoreUsage(const QString &key, qint64 requestsToday, qint64 requestsThisMonth,
                               TimePoint now)
{
    const Windows &windows = windowsAt(now);
    Entry &entry = m_entries[key];
    roll(entry, now, windows);
    const qint64 dayBefore = entry.dayRequests;
    const qint64 monthBefore = entry.monthRequests;
    entry.dayRequests =
        std::max(entry.dayRequests, std::clamp<qint64>(requestsToday, 0, kCountCap));
    entry.monthRequests =
        std::max(entry.monthRequests, std::clamp<qint64>(requestsThisMonth, 0, kCountCap));
    if (!m_clusterSync)
        return;
    // The store's usage rows are the whole cluster's, and the shared counters already hold
    // them: mark them as sent and as included in the totals, so no node adds them again.
    ClusterView &view = m_cluster[key];
    for (Entry *marker : {&view.pushed, &view.synced}) {
        roll(*marker, now, windows);
        marker->dayRequests = saturatingAdd(marker->dayRequests, entry.dayRequests - dayBefore);
        marker->monthRequests =
            saturatingAdd(marker->monthRequests, entry.monthRequests - monthBefore);
    }
}

void RateLimiter::addClusterCounts(Entry &entry, const QString &key, TimePoint now,
                                   const Windows &windows) const
{
    const auto it = m_cluster.constFind(key);
    if (it == m_cluster.cend() || !it->hasCluster)
        return;
    Entry cluster = it->cluster;
    Entry synced = it->synced;
    roll(cluster, now, windows);
    roll(synced, now, windows);
    // The other nodes' share is what the totals hold beyond this node's own counts in them;
    // never below zero (the shared store may have lost its keys, e.g. in a restart).
    const auto others = [](qint64 total, qint64 mine) {
        return std::max<qint64>(0, total - mine);
    };
    entry.requestsCurrent = saturatingAdd(entry.requestsCurrent,
                                          others(cluster.requestsCurrent, synced.requestsCurrent));
    entry.requestsPrevious = saturatingAdd(
        entry.requestsPrevious, others(cluster.requestsPrevious, synced.requestsPrevious));
    entry.tokensCurrent =
        saturatingAdd(entry.tokensCurrent, others(cluster.tokensCurrent, synced.tokensCurrent));
    entry.tokensPrevious =
        saturatingAdd(entry.tokensPrevious, others(cluster.tokensPrevious, synced.tokensPrevious));
    entry.dayRequests =
        saturatingAdd(entry.dayRequests, others(cluster.dayRequests, synced.dayRequests));
    entry.monthRequests =
        saturatingAdd(entry.monthRequests, others(cluster.monthRequests, synced.monthRequests));
}

QList<RateLimiter::RateDelta> RateLimiter::takePendingDeltas(TimePoint now)
{
    QList<RateDelta> deltas;
    const Windows &windows = windowsAt(now);
    const auto positive = [](qint64 value) {
        return std::max<qint64>(0, value);
    };
    for (const QString &key : std::as_const(m_dirty)) {
        const auto it = m_entries.find(key);
        if (it == m_entries.end())
            continue; // swept: nothing left in a live window
        Entry &local = it.value();
        roll(local, now, windows);
        ClusterView &view = m_cluster[key];
        roll(view.pushed, now, windows);
        const Entry &pushed = view.pushed;
        RateDelta previous{key,
                           local.minuteStartMs - kMinuteMs,
                           positive(local.requestsPrevious - pushed.requestsPrevious),
                           positive(local.tokensPrevious - pushed.tokensPrevious),
                           windows.day.index,
                           0,
                           windows.month.index,
                           0};
        RateDelta current{key,
                          local.minuteStartMs,
                          positive(local.requestsCurrent - pushed.requestsCurrent),
                          positive(local.tokensCurrent - pushed.tokensCurrent),
                          windows.day.index,
                          positive(local.dayRequests - pushed.dayRequests),
                          windows.month.index,
                          positive(local.monthRequests - pushed.monthRequests)};
        if (!previous.isEmpty())
            deltas.append(std::move(previous));
        if (!current.isEmpty())
            deltas.append(std::move(current));
        view.pushed = local;
    }
    m_dirty.clear();
    return deltas;
}

void RateLimiter::requeueDeltas(const QList<RateDelta> &deltas)
{
    const auto giveBack = [](qint64 &count, qint64 amount) {
        count = std::max<qint64>(0, count - amount);
    };
    for (const RateDelta &delta : deltas) {
        const auto it = m_cluster.find(delta.key);
        if (it == m_cluster.end())
            continue;
        // `pushed` was rolled to the bucket of the take that produced these deltas; counts of a
        // window that has passed since are not worth sending any more.
        Entry &pushed = it->pushed;
        if (delta.minuteStartMs == pushed.minuteStartMs) {
            giveBack(pushed.requestsCurrent, delta.requests);
            giveBack(pushed.tokensCurrent, delta.tokens);
        } else if (delta.minuteStartMs == pushed.minuteStartMs - kMinuteMs) {
            giveBack(pushed.requestsPrevious, delta.requests);
            giveBack(pushed.tokensPrevious, delta.tokens);
        }
        if (delta.day == pushed.day)
            giveBack(pushed.dayRequests, delta.dayRequests);
        if (delta.month == pushed.month)
            giveBack(pushed.monthRequests, delta.monthRequests);
        m_dirty.insert(delta.key);
    }
}

void RateLimiter::applyClusterCounts(const QString &key, const ClusterCounts &counts)
{
    ClusterView &view = m_cluster[key];
    Entry &cluster = view.cluster;
    cluster.minuteStartMs = counts.minuteStartMs;
    cluster.requestsCurrent = std::clamp<qint64>(counts.requestsCurrent, 0, kCountCap);
    cluster.tokensCurrent = std::clamp<qint64>(counts.tokensCurrent, 0, kCountCap);
    cluster.requestsPrevious = std::clamp<qint64>(counts.requestsPrevious, 0, kCountCap);
    cluster.tokensPrevious = std::clamp<qint64>(counts.tokensPrevious, 0, kCountCap);
    cluster.day = counts.day;
    cluster.dayRequests = std::clamp<qint64>(counts.dayRequests, 0, kCountCap);
    cluster.month = counts.month;
    cluster.monthRequests = std::clamp<qint64>(counts.monthRequests, 0, kCountCap);
    // The totals were read after the last take's deltas were added: those are inside them.
    view.synced = view.pushed;
    view.hasCluster = true;
}

QStringList RateLimiter::recentKeys(TimePoint now) const
{
    const qint64 bucketStart = msOf(now) - msOf(now) % kMinuteMs;
    QStringList keys;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (!isMinuteIdle(it.value(), bucketStart))
            keys.append(it.key());
    }
    for (auto it = m_cluster.cbegin(); it != m_cluster.cend(); ++it) {
        if (it->hasCluster && !isMinuteIdle(it->cluster, bucketStart) &&
            !m_entries.contains(it.key()))
            keys.append(it.key());
    }
    return keys;
}

bool RateLimiter::isMinuteIdle(const Entry &entry, qint64 bucketStart)
{
    if (entry.minuteStartMs < bucketStart - kMinuteMs)
        return true; // both buckets have slid out of the last minute
    const bool currentEmpty = entry.requestsCurrent == 0 && entry.tokensCurrent == 0;
    if (entry.minuteStartMs < bucketStart)
        return currentEmpty; // only its current bucket still overlaps, as "previous"
    return currentEmpty && entry.requestsPrevious == 0 && entry.tokensPrevious == 0;
}

qsizetype RateLimiter::sweep(TimePoint now)
{
    const Windows &windows = windowsAt(now);
    const qint64 bucketStart = msOf(now) - msOf(now) % kMinuteMs;
    qsizetype removed = 0;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const Entry &entry = it.value();
        const bool minuteIdle = isMinuteIdle(entry, bucketStart);
        const bool dayIdle = entry.day != windows.day.index || entry.dayRequests == 0;
        const bool monthIdle = entry.month != windows.month.index || entry.monthRequests == 0;
        if (minuteIdle && dayIdle && monthIdle) {
            it = m_entries.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    // A cluster view outlives its local entry while other nodes' counts still weigh.
    for (auto it = m_cluster.begin(); it != m_cluster.end();) {
        const Entry &cluster = it->cluster;
        const bool clusterIdle =
            !it->hasCluster ||
            (isMinuteIdle(cluster, bucketStart) &&
             (cluster.day != windows.day.index || cluster.dayRequests == 0) &&
             (cluster.month != windows.month.index || cluster.monthRequests == 0));
        if (clusterIdle && !m_entries.contains(it.key()) && !m_dirty.contains(it.key()))
            it = m_cluster.erase(it);
        else
            ++it;
    }
    return removed;
}

qsizetype RateLimiter::sweep()
{
    return sweep(m_clock());
}

} // namespace aisbf::auth
