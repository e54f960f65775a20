// SPDX-License-Identifier: GPL-3.0-or-later
#include "RateWindows.h"

#include <algorithm>

namespace aisbf::auth {

namespace {

qint64 ceilDiv(qint64 a, qint64 b)
{
    return (a + b - 1) / b;
}

} // namespace

WindowVerdict slidingMinute(RateLimitKind kind, qint64 limit, qint64 current, qint64 previous,
                            qint64 elapsedMs, qint64 cost)
{
    constexpr qint64 W = kMinuteMs;
    limit = std::min(limit, kCountCap);
    const qint64 left = W - elapsedMs; // how much of the previous bucket still overlaps
    const qint64 scaled = current * W + previous * left;
    const qint64 used = ceilDiv(scaled, W);

    WindowVerdict verdict;
    verdict.status.kind = kind;
    verdict.status.limit = limit;
    verdict.status.remaining = std::max<qint64>(0, limit - used);
    // Back to the full budget once everything counted has slid out of the last 60 s.
    verdict.status.resetIn = std::chrono::milliseconds(current > 0    ? W + left
                                                       : previous > 0 ? left
                                                                      : 0);
    verdict.fits = scaled + cost * W <= limit * W;
    if (verdict.fits)
        return verdict;

    qint64 waitMs = 0;
    if (cost > limit) {
        // Never fits; the best answer is "when the window is empty".
        waitMs = verdict.status.resetIn.count();
    } else if (current + cost > limit) {
        // Wait for the next bucket, then for the current one (by then the previous) to fade:
        // the smallest x with current * (W - x) <= (limit - cost) * W.
        waitMs = left + (W - (limit - cost) * W / current);
    } else if (previous > 0) {
        // Only the previous bucket's weight is in the way: the smallest elapsed e with
        // previous * (W - e) <= (limit - cost - current) * W.
        const qint64 neededElapsed = W - (limit - cost - current) * W / previous;
        waitMs = neededElapsed - elapsedMs;
    } else {
        waitMs = left; // unreachable (no previous weight means it fits); kept for safety
    }
    verdict.retryIn = std::chrono::milliseconds(std::max<qint64>(waitMs, 1));
    return verdict;
}

WindowVerdict calendarWindow(RateLimitKind kind, qint64 limit, qint64 count, qint64 msToEnd,
                             qint64 cost)
{
    limit = std::min(limit, kCountCap);
    WindowVerdict verdict;
    verdict.status.kind = kind;
    verdict.status.limit = limit;
    verdict.status.remaining = std::max<qint64>(0, limit - count);
    verdict.status.resetIn = std::chrono::milliseconds(count > 0 ? msToEnd : 0);
    verdict.fits = count + cost <= limit;
    if (!verdict.fits)
        verdict.retryIn = std::chrono::milliseconds(std::max<qint64>(msToEnd, 1));
    return verdict;
}

} // namespace aisbf::auth
