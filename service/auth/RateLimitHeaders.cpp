// SPDX-License-Identifier: GPL-3.0-or-later
#include "RateLimitHeaders.h"

namespace aisbf::auth {

namespace {

void addWindow(QList<QPair<QByteArray, QByteArray>> &headers, const WindowStatus &status,
               const QByteArray &suffix)
{
    if (!status.isSet())
        return;
    headers.append(
        {QByteArrayLiteral("x-ratelimit-limit-") + suffix, QByteArray::number(status.limit)});
    headers.append({QByteArrayLiteral("x-ratelimit-remaining-") + suffix,
                    QByteArray::number(status.remaining)});
    headers.append(
        {QByteArrayLiteral("x-ratelimit-reset-") + suffix, formatResetDuration(status.resetIn)});
}

} // namespace

QList<QPair<QByteArray, QByteArray>> rateLimitHeaders(const RateDecision &decision)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    addWindow(headers, decision.requests, QByteArrayLiteral("requests"));
    addWindow(headers, decision.tokens, QByteArrayLiteral("tokens"));
    if (!decision.allowed)
        headers.append(
            {QByteArrayLiteral("Retry-After"), QByteArray::number(decision.retryAfterSeconds)});
    return headers;
}

QByteArray formatResetDuration(std::chrono::milliseconds duration)
{
    qint64 ms = std::max<qint64>(0, duration.count());
    if (ms == 0)
        return QByteArrayLiteral("0s");
    if (ms < 1000)
        return QByteArray::number(ms) + "ms";
    const qint64 hours = ms / 3'600'000;
    const qint64 minutes = ms / 60'000 % 60;
    const qint64 seconds = ms / 1000 % 60;
    const qint64 millis = ms % 1000;
    QByteArray out;
    if (hours > 0)
        out += QByteArray::number(hours) + 'h';
    if (hours > 0 || minutes > 0)
        out += QByteArray::number(minutes) + 'm';
    out += QByteArray::number(seconds);
    if (millis > 0) {
        // Go prints the fraction without trailing zeros: 1.5s, 1.25s, 1.001s.
        QByteArray fraction = QByteArray::number(millis).rightJustified(3, '0');
        while (fraction.endsWith('0'))
            fraction.chop(1);
        out += '.' + fraction;
    }
    return out + 's';
}

QString rateLimitName(RateLimitKind kind)
{
    switch (kind) {
    case RateLimitKind::RequestsPerMinute:
        return QStringLiteral("requests per minute");
    case RateLimitKind::RequestsPerDay:
        return QStringLiteral("requests per day");
    case RateLimitKind::RequestsPerMonth:
        return QStringLiteral("requests per month");
    case RateLimitKind::TokensPerMinute:
        return QStringLiteral("tokens per minute");
    case RateLimitKind::None:
        break;
    }
    return QStringLiteral("no limit");
}

QString rateLimitMessage(const RateDecision &decision)
{
    if (decision.allowed)
        return {};
    return QStringLiteral("Rate limit reached for %1: limit %2, remaining %3. Try again in %4 s.")
        .arg(rateLimitName(decision.limiting.kind))
        .arg(decision.limiting.limit)
        .arg(decision.limiting.remaining)
        .arg(decision.retryAfterSeconds);
}

} // namespace aisbf::auth
