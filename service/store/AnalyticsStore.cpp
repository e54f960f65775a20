// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnalyticsStore.h"

#include "Database.h"
#include "StoreSupport.h"

#include <QHash>
#include <QMap>
#include <QSqlQuery>

#include <algorithm>

namespace aisbf::store {

using namespace detail;

namespace {

struct Name
{
    const char *text;
    int value;
};

constexpr Name kBuckets[] = {{"minute", int(UsageBucket::Minute)},
                             {"hour", int(UsageBucket::Hour)},
                             {"day", int(UsageBucket::Day)}};
constexpr Name kGroups[] = {{"none", int(UsageGroup::None)},
                            {"provider", int(UsageGroup::Provider)},
                            {"model", int(UsageGroup::Model)},
                            {"route", int(UsageGroup::Route)},
                            {"user", int(UsageGroup::User)}};

template <std::size_t N> QString nameOf(const Name (&names)[N], int value)
{
    for (const Name &name : names) {
        if (name.value == value)
            return QLatin1String(name.text);
    }
    return {};
}

template <std::size_t N> std::optional<int> valueOf(const Name (&names)[N], const QString &text)
{
    for (const Name &name : names) {
        if (text == QLatin1String(name.text))
            return name.value;
    }
    return std::nullopt;
}

// Rounds towards minus infinity, as bucket starts must (C++ '/' truncates towards zero).
qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Integer division in SQL. SQLite's '/' on two integers is integer division; MySQL's is
// decimal division, so it has DIV. usage_events.ts is never negative, so truncation is floor.
QString integerDivision(const Database &db, const QString &expr, qint64 divisor)
{
    return expr % (db.isSqlite() ? QLatin1String(" / ") : QLatin1String(" DIV ")) %
           QString::number(divisor);
}

// The columns a group is made of, raw: labels are made in C++ (see labelOf) so no string
// concatenation (|| vs CONCAT) is needed in SQL.
QString groupColumns(UsageGroup group)
{
    switch (group) {
    case UsageGroup::None:
        return {};
    case UsageGroup::Provider:
        return QStringLiteral("e.provider");
    case UsageGroup::Model:
        return QStringLiteral("e.model");
    case UsageGroup::Route:
        return QStringLiteral("e.route_kind, e.route_id");
    case UsageGroup::User:
        return QStringLiteral("e.user_id, u.username");
    }
    return {};
}

QString orNone(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("(none)") : text;
}

// The group label of a report row; the group columns start at column 1.
QString labelOf(UsageGroup group, const QSqlQuery &q)
{
    switch (group) {
    case UsageGroup::None:
        return QStringLiteral("all");
    case UsageGroup::Provider:
    case UsageGroup::Model:
        return orNone(q.value(1).toString());
    case UsageGroup::Route: {
        const QString kind = q.value(1).toString();
        const QString id = q.value(2).toString();
        return kind.isEmpty() && id.isEmpty() ? orNone({}) : QString(kind % u'/' % id);
    }
    case UsageGroup::User:
        if (q.value(1).isNull())
            return QStringLiteral("(no user)"); // a global token, or no token with auth off
        if (q.value(2).isNull())
            return QString(QLatin1String("(deleted user ") % q.value(1).toString() % u')');
        return q.value(2).toString();
    }
    return {};
}

int groupColumnCount(UsageGroup group)
{
    switch (group) {
    case UsageGroup::None:
        return 0;
    case UsageGroup::Route:
    case UsageGroup::User:
        return 2;
    default:
        return 1;
    }
}

// MySQL returns SUM() as DECIMAL, which QMYSQL hands over as a string; SQLite as an integer.
qint64 number(const QVariant &value)
{
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    return ok ? n : qint64(value.toDouble());
}

} // namespace

QString toString(UsageBucket bucket)
{
    return nameOf(kBuckets, int(bucket));
}

std::optional<UsageBucket> usageBucketFromString(const QString &text)
{
    const auto value = valueOf(kBuckets, text);
    return value ? std::optional(UsageBucket(*value)) : std::nullopt;
}

QString toString(UsageGroup group)
{
    return nameOf(kGroups, int(group));
}

std::optional<UsageGroup> usageGroupFromString(const QString &text)
{
    const auto value = valueOf(kGroups, text);
    return value ? std::optional(UsageGroup(*value)) : std::nullopt;
}

std::optional<double> UsagePoint::ttftAvgMs() const
{
    if (ttftCount == 0)
        return std::nullopt;
    return double(ttftSumMs) / ttftCount;
}

void UsagePoint::merge(const UsagePoint &other)
{
    requests += other.requests;
    errors += other.errors;
    promptTokens += other.promptTokens;
    completionTokens += other.completionTokens;
    latencySumMs += other.latencySumMs;
    latencyMaxMs = std::max(latencyMaxMs, other.latencyMaxMs);
    ttftCount += other.ttftCount;
    ttftSumMs += other.ttftSumMs;
}

qint64 AnalyticsStore::bucketMs(UsageBucket bucket)
{
    switch (bucket) {
    case UsageBucket::Minute:
        return 60'000;
    case UsageBucket::Hour:
        return 3'600'000;
    case UsageBucket::Day:
        return 86'400'000;
    }
    return 3'600'000;
}

qint64 AnalyticsStore::bucketCount(qint64 fromMs, qint64 toMs, UsageBucket bucket)
{
    if (fromMs >= toMs)
        return 0;
    // The buckets of the first and the last ms in the range; no subtraction of the bounds
    // themselves, so extreme values cannot overflow.
    const qint64 size = bucketMs(bucket);
    return floorDiv(toMs - 1, size) - floorDiv(fromMs, size) + 1;
}

Result<UsageReport> AnalyticsStore::report(qint64 fromMs, qint64 toMs, UsageBucket bucket,
                                           UsageGroup group)
{
    UsageReport report;
    const qint64 buckets = bucketCount(fromMs, toMs, bucket);
    if (buckets == 0)
        return report;
    if (buckets > kMaxBuckets)
        return StoreError{StoreError::Kind::Query,
                          QStringLiteral("the range spans %1 %2 buckets; at most %3 are allowed")
                              .arg(buckets)
                              .arg(toString(bucket))
                              .arg(kMaxBuckets),
                          {}};

    const qint64 size = bucketMs(bucket);
    const QString columns = groupColumns(group);
    const QString grouped = columns.isEmpty() ? QString() : QLatin1String(", ") % columns;
    const QString sql =
        QLatin1String("SELECT ") % integerDivision(m_db, QStringLiteral("e.ts"), size) %
        QLatin1String(" AS b") % grouped %
        QLatin1String(", COUNT(*), SUM(CASE WHEN e.status >= 400 THEN 1 ELSE 0 END),"
                      " SUM(e.prompt_tokens), SUM(e.completion_tokens), SUM(e.latency_ms),"
                      " MAX(e.latency_ms), COUNT(e.ttft_ms), SUM(e.ttft_ms)"
                      " FROM usage_events e") %
        (group == UsageGroup::User ? QLatin1String(" LEFT JOIN users u ON u.id = e.user_id")
                                   : QLatin1String()) %
        QLatin1String(" WHERE e.ts >= ? AND e.ts < ? GROUP BY b") % grouped;
    auto q = m_db.query(sql, {fromMs, toMs});
    if (!q)
        return context(QStringLiteral("reading usage analytics"), q.error());

    // Two rows may share a label (a user id and a deleted user's id never do, but "(none)"
    // may come from different raw values): points are merged by label and bucket.
    QHash<QString, QMap<qint64, UsagePoint>> byGroup;
    const int first = 1 + groupColumnCount(group);
    while (q->next()) {
        UsagePoint point;
        point.ts = number(q->value(0)) * size;
        point.requests = number(q->value(first));
        point.errors = number(q->value(first + 1));
        point.promptTokens = number(q->value(first + 2));
        point.completionTokens = number(q->value(first + 3));
        point.latencySumMs = number(q->value(first + 4));
        point.latencyMaxMs = number(q->value(first + 5));
        point.ttftCount = number(q->value(first + 6));
        point.ttftSumMs = number(q->value(first + 7));
        auto &points = byGroup[labelOf(group, *q)];
        auto it = points.find(point.ts);
        if (it == points.end())
            points.insert(point.ts, point);
        else
            it->merge(point);
    }

    for (auto it = byGroup.cbegin(); it != byGroup.cend(); ++it) {
        UsageSeries series{it.key(), it->values(), 0};
        for (const UsagePoint &point : std::as_const(series.points)) {
            series.requests += point.requests;
            report.totals.requests += point.requests;
            report.totals.errors += point.errors;
            report.totals.promptTokens += point.promptTokens;
            report.totals.completionTokens += point.completionTokens;
        }
        report.series.append(std::move(series));
    }
    std::sort(report.series.begin(), report.series.end(),
              [](const UsageSeries &a, const UsageSeries &b) {
                  return a.requests != b.requests ? a.requests > b.requests : a.group < b.group;
              });
    return report;
}

Result<QList<UsageEvent>> AnalyticsStore::events(qint64 fromMs, qint64 toMs,
                                                 std::optional<Cursor> after, int limit)
{
    // "ts >= lower AND (ts > cursor ts OR id > cursor id)" rather than a row-value comparison:
    // both backends use the ts index for it, and its entries are (ts, id) ordered.
    const QString sql =
        QLatin1String("SELECT e.id, e.ts, e.user_id, u.username, e.token_id, e.route_kind,"
                      " e.route_id, e.provider, e.model, e.prompt_tokens, e.completion_tokens,"
                      " e.latency_ms, e.ttft_ms, e.status, e.failovers, e.cache_hit"
                      " FROM usage_events e LEFT JOIN users u ON u.id = e.user_id"
                      " WHERE e.ts >= ? AND e.ts < ?") %
        (after ? QLatin1String(" AND (e.ts > ? OR e.id > ?)") : QLatin1String()) %
        QLatin1String(" ORDER BY e.ts, e.id LIMIT ?");
    QVariantList values{after ? std::max(fromMs, after->ts) : fromMs, toMs};
    if (after)
        values << after->ts << after->id;
    values << std::max(limit, 0);
    auto q = m_db.query(sql, values);
    if (!q)
        return context(QStringLiteral("reading usage events"), q.error());
    QList<UsageEvent> events;
    while (q->next()) {
        UsageEvent e;
        e.id = q->value(0).toLongLong();
        e.ts = q->value(1).toLongLong();
        e.userId = optionalInt(q->value(2));
        e.username = q->value(3).isNull() ? QString() : q->value(3).toString();
        e.tokenId = optionalInt(q->value(4));
        e.routeKind = q->value(5).toString();
        e.routeId = q->value(6).toString();
        e.provider = q->value(7).toString();
        e.model = q->value(8).toString();
        e.promptTokens = q->value(9).toLongLong();
        e.completionTokens = q->value(10).toLongLong();
        e.latencyMs = q->value(11).toLongLong();
        e.ttftMs = optionalInt(q->value(12));
        e.status = q->value(13).toInt();
        e.failovers = q->value(14).toInt();
        e.cacheHit = q->value(15).toInt() != 0;
        events.append(std::move(e));
    }
    return events;
}

} // namespace aisbf::store
