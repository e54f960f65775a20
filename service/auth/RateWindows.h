// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RateLimitTypes.h"

namespace aisbf::auth {

/** How one limit judges one request: its status, whether the cost fits, and when it would. */
struct WindowVerdict
{
    WindowStatus status;
    bool fits = true;
    std::chrono::milliseconds retryIn{0}; ///< 0 when it fits
};

inline constexpr qint64 kMinuteMs = 60'000;
/** Limits and counters are capped here so that count * kMinuteMs cannot overflow. */
inline constexpr qint64 kCountCap = 1'000'000'000'000;

/**
 * A sliding one-minute window estimated from two fixed buckets: the count is
 * current + previous * (60 s - elapsed) / 60 s, where @p elapsedMs is the time since the
 * current bucket began. Integer arithmetic in count·ms, so no rounding decides a verdict.
 */
WindowVerdict slidingMinute(RateLimitKind kind, qint64 limit, qint64 current, qint64 previous,
                            qint64 elapsedMs, qint64 cost);

/** A fixed calendar window holding @p count that ends in @p msToEnd. */
WindowVerdict calendarWindow(RateLimitKind kind, qint64 limit, qint64 count, qint64 msToEnd,
                             qint64 cost);

} // namespace aisbf::auth
