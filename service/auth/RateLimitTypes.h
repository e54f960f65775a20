// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <chrono>

namespace aisbf::auth {

/**
 * The limits of one user or token. A value of 0 (or below) means unlimited, so a NULL column
 * maps to 0. Values above 10^12 are treated as 10^12.
 */
struct RateLimits
{
    qint64 requestsPerMinute = 0;
    qint64 requestsPerDay = 0;   ///< UTC calendar day
    qint64 requestsPerMonth = 0; ///< UTC calendar month
    qint64 tokensPerMinute = 0;

    bool isUnlimited() const
    {
        return requestsPerMinute <= 0 && requestsPerDay <= 0 && requestsPerMonth <= 0 &&
               tokensPerMinute <= 0;
    }
};

enum class RateLimitKind
{
    None,
    RequestsPerMinute,
    RequestsPerDay,
    RequestsPerMonth,
    TokensPerMinute
};

/** One limit's state at the time of a check. */
struct WindowStatus
{
    RateLimitKind kind = RateLimitKind::None; ///< None: no such limit is set
    qint64 limit = 0;
    qint64 remaining = 0;
    /** Until the window is back to its full budget (0 when nothing is used). */
    std::chrono::milliseconds resetIn{0};

    bool isSet() const { return kind != RateLimitKind::None; }
};

/** The answer of RateLimiter::check(). */
struct RateDecision
{
    bool allowed = true;
    /** Whole seconds to wait (at least 1) when denied; 0 when allowed. */
    qint64 retryAfterSeconds = 0;
    /**
     * Denied: the limit that denied (when several do, the one that frees up last).
     * Allowed: the request limit with the least remaining, or unset when none is configured.
     */
    WindowStatus limiting;
    WindowStatus requests; ///< the request limit reported in x-ratelimit-*-requests
    WindowStatus tokens;   ///< tokens per minute, reported in x-ratelimit-*-tokens
};

} // namespace aisbf::auth
