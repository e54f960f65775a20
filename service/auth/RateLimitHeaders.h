// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RateLimitTypes.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <chrono>

namespace aisbf::auth {

/**
 * OpenAI's rate-limit headers for @p decision: x-ratelimit-{limit,remaining,reset}-requests
 * when a request limit is set, the same three for tokens when tokens-per-minute is set, and
 * Retry-After (whole seconds) when denied. Nothing for unlimited keys. The pair list has the
 * shape of http::ResponseHeaders.
 */
QList<QPair<QByteArray, QByteArray>> rateLimitHeaders(const RateDecision &decision);

/** A reset duration the way OpenAI writes it (Go's time.Duration): "20ms", "1s", "6m0s". */
QByteArray formatResetDuration(std::chrono::milliseconds duration);

/** "requests per minute", "tokens per minute", ... */
QString rateLimitName(RateLimitKind kind);

/**
 * The message of a 429 for a denied @p decision, e.g. "Rate limit reached for requests per
 * day: limit 1000, remaining 0. Try again in 3600 s."
 */
QString rateLimitMessage(const RateDecision &decision);

} // namespace aisbf::auth
