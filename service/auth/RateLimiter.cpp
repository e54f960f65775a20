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
}

void RateLimiter::record(const QString &key, qint64 requests, qint64 tokens)
{
    record(key, requests, tokens, m_clock());
}

void RateLimiter::restoreUsage(const QString &key, qint64 requestsToday, qint64 requestsThisMonth,
                               TimePoint now)
{
    Entry &entry = m_entries[key];
    roll(entry, now, windowsAt(now));
    entry.dayRequests =
        std::max(entry.dayRequests, std::clamp<qint64>(requestsToday, 0, kCountCap));
    entry.monthRequests =
        std::max(entry.monthRequests, std::clamp<qint64>(requestsThisMonth, 0, kCountCap));
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
    return removed;
}

qsizetype RateLimiter::sweep()
{
    return sweep(m_clock());
}

} // namespace aisbf::auth
