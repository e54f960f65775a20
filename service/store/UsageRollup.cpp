// SPDX-License-Identifier: GPL-3.0-or-later
#include "UsageRollup.h"

#include "Database.h"

#include <QCryptographicHash>
#include <QHash>

#include <algorithm>

namespace aisbf::store::usage_rollup {

namespace {

bool same(const QString &a, const QString &b)
{
    return a.isSharedWith(b) || a == b;
}

qint64 minuteOf(qint64 ts)
{
    const qint64 q = ts / kMinuteMs;
    return (ts % kMinuteMs != 0 && ts < 0 ? q - 1 : q) * kMinuteMs;
}

Key keyOf(const UsageRecord &r)
{
    return {minuteOf(r.ts),
            r.userId,
            r.tokenId,
            clipUsageText(r.routeKind),
            clipUsageText(r.routeId),
            clipUsageText(r.provider),
            clipUsageText(r.model)};
}

} // namespace

QByteArray Key::digest() const
{
    QCryptographicHash hash(QCryptographicHash::Md5);
    const auto id = [&hash](const std::optional<qint64> &value) {
        const qint64 raw[2] = {value ? 1 : 0, value.value_or(0)};
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(raw), sizeof raw));
    };
    const auto text = [&hash](const QString &value) {
        const QByteArray utf8 = value.toUtf8();
        const qint64 size = utf8.size();
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&size), sizeof size));
        hash.addData(utf8);
    };
    id(userId);
    id(tokenId);
    text(routeKind);
    text(routeId);
    text(provider);
    text(model);
    return hash.result();
}

bool Key::sameAs(const UsageRecord &r) const
{
    return minute == minuteOf(r.ts) && userId == r.userId && tokenId == r.tokenId &&
           same(routeKind, clipUsageText(r.routeKind)) && same(routeId, clipUsageText(r.routeId)) &&
           same(provider, clipUsageText(r.provider)) && same(model, clipUsageText(r.model));
}

void Sums::add(const UsageRecord &r)
{
    ++requests;
    errors += r.status >= 400 ? 1 : 0;
    status429 += r.status == 429 ? 1 : 0;
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    latencySumMs += r.latencyMs;
    latencyMaxMs = std::max(latencyMaxMs, r.latencyMs);
    if (r.ttftMs) {
        ++ttftCount;
        ttftSumMs += *r.ttftMs;
    }
}

bool operator==(const Key &a, const Key &b)
{
    return a.minute == b.minute && a.userId == b.userId && a.tokenId == b.tokenId &&
           same(a.routeKind, b.routeKind) && same(a.routeId, b.routeId) &&
           same(a.provider, b.provider) && same(a.model, b.model);
}

size_t qHash(const Key &key, size_t seed)
{
    return qHashMulti(seed, key.minute, key.userId.value_or(-1), key.userId.has_value(),
                      key.tokenId.value_or(-1), key.tokenId.has_value(), key.routeKind, key.routeId,
                      key.provider, key.model);
}

void Accumulator::add(const UsageRecord *first, qsizetype count)
{
    for (const UsageRecord *r = first; r != first + count; ++r) {
        // Consecutive records nearly always share a key: compared field by field (strings by
        // their shared data) before anything is hashed.
        if (m_last < 0 || !m_entries.at(m_last).key.sameAs(*r)) {
            Key key = keyOf(*r);
            const auto found = m_index.constFind(key);
            if (found != m_index.cend()) {
                m_last = *found;
            } else {
                m_last = m_entries.size();
                m_index.insert(key, m_last);
                m_entries.append({std::move(key), {}});
            }
        }
        m_entries[m_last].sums.add(*r);
    }
}

QList<Row> Accumulator::rows() const
{
    QList<Row> rows;
    rows.reserve(m_entries.size());
    for (const Entry &entry : m_entries)
        rows.append({entry.key, entry.key.digest(), entry.sums});
    std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return a.key.minute != b.key.minute ? a.key.minute < b.key.minute : a.digest < b.digest;
    });
    return rows;
}

QList<Row> aggregate(const UsageRecord *first, qsizetype count)
{
    Accumulator sums;
    sums.add(first, count);
    return sums.rows();
}

QString upsertSql(bool sqlite)
{
    const QString insert = QStringLiteral(
        "INSERT INTO usage_rollups (minute, key_digest, user_id, token_id, route_kind, route_id,"
        " provider, model, requests, errors, status_429, prompt_tokens, completion_tokens,"
        " latency_sum_ms, latency_max_ms, ttft_count, ttft_sum_ms)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    // Every sum adds; the maximum keeps the larger. SQLite names the proposed row "excluded",
    // MySQL/MariaDB reads it with VALUES(column).
    static const char *const sums[] = {
        "requests",          "errors",         "status_429", "prompt_tokens",
        "completion_tokens", "latency_sum_ms", "ttft_count", "ttft_sum_ms"};
    QString update = sqlite ? QStringLiteral(" ON CONFLICT (minute, key_digest) DO UPDATE SET ")
                            : QStringLiteral(" ON DUPLICATE KEY UPDATE ");
    for (const char *column : sums) {
        const QString c = QLatin1String(column);
        update += sqlite ? QStringLiteral("%1 = %1 + excluded.%1, ").arg(c)
                         : QStringLiteral("%1 = %1 + VALUES(%1), ").arg(c);
    }
    update += sqlite ? QStringLiteral("latency_max_ms = MAX(latency_max_ms, "
                                      "excluded.latency_max_ms)")
                     : QStringLiteral("latency_max_ms = GREATEST(latency_max_ms, "
                                      "VALUES(latency_max_ms))");
    return insert + update;
}

QVariantList upsertValues(const Row &row)
{
    const Key &k = row.key;
    const Sums &s = row.sums;
    return {k.minute,
            row.digest,
            nullableInt(k.userId),
            nullableInt(k.tokenId),
            k.routeKind,
            k.routeId,
            k.provider,
            k.model,
            s.requests,
            s.errors,
            s.status429,
            s.promptTokens,
            s.completionTokens,
            s.latencySumMs,
            s.latencyMaxMs,
            s.ttftCount,
            s.ttftSumMs};
}

} // namespace aisbf::store::usage_rollup
