// SPDX-License-Identifier: GPL-3.0-or-later
#include "AnalyticsStore.h"

#include "Database.h"
#include "StoreSupport.h"
#include "UsageBatch.h"
#include "UsageRollup.h"

#include <QHash>
#include <QMap>
#include <QSqlQuery>

#include <algorithm>
#include <limits>

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
// decimal division, so it has DIV. usage_rollups.minute is never negative, so truncation is
// floor.
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

// The label of a group from its raw columns (groupColumns(): one or two).
QString labelOf(UsageGroup group, const QVariant &first, const QVariant &second)
{
    switch (group) {
    case UsageGroup::None:
        return QStringLiteral("all");
    case UsageGroup::Provider:
    case UsageGroup::Model:
        return orNone(first.toString());
    case UsageGroup::Route: {
        const QString kind = first.toString();
        const QString id = second.toString();
        return kind.isEmpty() && id.isEmpty() ? orNone({}) : QString(kind % u'/' % id);
    }
    case UsageGroup::User:
        if (first.isNull())
            return QStringLiteral("(no user)"); // a global token, or no token with auth off
        if (second.isNull())
            return QString(QLatin1String("(deleted user ") % first.toString() % u')');
        return second.toString();
    }
    return {};
}

// The label of an event's group; @p usernames: the users known (a missing one was deleted).
QString labelOf(UsageGroup group, const UsageRecord &r, const QHash<qint64, QString> &usernames)
{
    switch (group) {
    case UsageGroup::Provider:
        return labelOf(group, r.provider, {});
    case UsageGroup::Model:
        return labelOf(group, r.model, {});
    case UsageGroup::Route:
        return labelOf(group, r.routeKind, r.routeId);
    case UsageGroup::User: {
        if (!r.userId)
            return labelOf(group, QVariant(), QVariant());
        const auto name = usernames.constFind(*r.userId);
        return labelOf(group, *r.userId, name == usernames.cend() ? QVariant() : QVariant(*name));
    }
    case UsageGroup::None:
        break;
    }
    return labelOf(group, QVariant(), QVariant());
}

UsagePoint pointOf(const UsageRecord &r, qint64 bucketStart)
{
    UsagePoint point;
    point.ts = bucketStart;
    point.requests = 1;
    point.errors = r.status >= 400 ? 1 : 0;
    point.promptTokens = r.promptTokens;
    point.completionTokens = r.completionTokens;
    point.latencySumMs = r.latencyMs;
    point.latencyMaxMs = r.latencyMs;
    point.ttftCount = r.ttftMs ? 1 : 0;
    point.ttftSumMs = r.ttftMs.value_or(0);
    return point;
}

// a - b and a + b, held at the ends of qint64 (ranges may be given as the extremes).
qint64 minusSaturated(qint64 a, qint64 b)
{
    return a < std::numeric_limits<qint64>::min() + b ? std::numeric_limits<qint64>::min() : a - b;
}

qint64 plusSaturated(qint64 a, qint64 b)
{
    return a > std::numeric_limits<qint64>::max() - b ? std::numeric_limits<qint64>::max() : a + b;
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

// The distinct users of @p records (UsageRecord or UsageEvent), in first-seen order.
template <typename Records> QList<qint64> userIdsOf(const Records &records)
{
    QList<qint64> users;
    for (const UsageRecord &r : records) {
        if (r.userId && !users.contains(*r.userId))
            users.append(*r.userId);
    }
    return users;
}

// The report of the points by group label: series by requests (most first), and totals.
UsageReport finish(QHash<QString, QMap<qint64, UsagePoint>> byGroup)
{
    UsageReport report;

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
        QLatin1String("SELECT ") % integerDivision(m_db, QStringLiteral("e.minute"), size) %
        QLatin1String(" AS b") % grouped %
        QLatin1String(", SUM(e.requests), SUM(e.errors), SUM(e.prompt_tokens),"
                      " SUM(e.completion_tokens), SUM(e.latency_sum_ms), MAX(e.latency_max_ms),"
                      " SUM(e.ttft_count), SUM(e.ttft_sum_ms)"
                      " FROM usage_rollups e") %
        (group == UsageGroup::User ? QLatin1String(" LEFT JOIN users u ON u.id = e.user_id")
                                   : QLatin1String()) %
        QLatin1String(" WHERE e.minute >= ? AND e.minute < ? GROUP BY b") % grouped;
    // Whole minutes come from the rollups; the part of a minute at either end of the range
    // (a bound not on a minute) from the events themselves, so the range is exact.
    const qint64 wholeFrom =
        fromMs % usage_rollup::kMinuteMs == 0
            ? fromMs
            : plusSaturated(floorDiv(fromMs, usage_rollup::kMinuteMs) * usage_rollup::kMinuteMs,
                            usage_rollup::kMinuteMs);
    const qint64 wholeTo = floorDiv(toMs, usage_rollup::kMinuteMs) * usage_rollup::kMinuteMs;
    // Two rows may share a label (a user id and a deleted user's id never do, but "(none)"
    // may come from different raw values): points are merged by label and bucket.
    QHash<QString, QMap<qint64, UsagePoint>> byGroup;
    const auto addPoint = [&byGroup](const QString &label, const UsagePoint &point) {
        auto &points = byGroup[label];
        auto it = points.find(point.ts);
        if (it == points.end())
            points.insert(point.ts, point);
        else
            it->merge(point);
    };
    const auto addEvents = [&](qint64 from, qint64 to) -> Status {
        if (from >= to)
            return {};
        QList<UsageRecord> records;
        Status scanned = scanBatches(from, to, [&](qint64, QList<UsageRecord> &batch, qint64) {
            for (UsageRecord &r : batch) {
                if (r.ts >= from && r.ts < to)
                    records.append(std::move(r));
            }
            return true;
        });
        if (!scanned)
            return scanned;
        auto usernames = group == UsageGroup::User
                             ? namesOf(userIdsOf(records))
                             : Result<QHash<qint64, QString>>(QHash<qint64, QString>());
        if (!usernames)
            return usernames.error();
        for (const UsageRecord &r : std::as_const(records))
            addPoint(labelOf(group, r, *usernames), pointOf(r, floorDiv(r.ts, size) * size));
        return {};
    };
    if (wholeFrom >= wholeTo) {
        if (Status added = addEvents(fromMs, toMs); !added)
            return context(QStringLiteral("reading usage analytics"), added.error());
        return finish(std::move(byGroup));
    }
    if (Status added = addEvents(fromMs, wholeFrom); !added)
        return context(QStringLiteral("reading usage analytics"), added.error());
    if (Status added = addEvents(wholeTo, toMs); !added)
        return context(QStringLiteral("reading usage analytics"), added.error());

    auto q = m_db.query(sql, {wholeFrom, wholeTo});
    if (!q)
        return context(QStringLiteral("reading usage analytics"), q.error());
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
        addPoint(labelOf(group, q->value(1), q->value(2)), point);
    }
    return finish(std::move(byGroup));
}

Status AnalyticsStore::scanBatches(qint64 lower, qint64 toMs, const BatchVisitor &visit)
{
    // A batch spans at most usage_batch::kMaxSpanMs, so the batches with events in
    // [lower, to) are among those that start in [lower - span, to): one range of the first_ts
    // index, read in pages of batches by (first_ts, id).
    constexpr int kBatchesPerPage = 16;
    const QString sql =
        QStringLiteral(
            "SELECT id, first_ts, data FROM usage_batches WHERE first_ts >= ? AND first_ts < ?"
            " AND last_ts >= ? AND (first_ts > ? OR id > ?) ORDER BY first_ts, id LIMIT %1")
            .arg(kBatchesPerPage);
    const qint64 earliest = minusSaturated(lower, usage_batch::kMaxSpanMs);
    qint64 pageFirstTs = minusSaturated(earliest, 1);
    qint64 pageId = 0;
    for (;;) {
        auto q = m_db.query(sql, {earliest, toMs, lower, pageFirstTs, pageId});
        if (!q)
            return q.error();
        int batches = 0;
        while (q->next()) {
            ++batches;
            pageId = q->value(0).toLongLong();
            pageFirstTs = q->value(1).toLongLong();
            auto records = usage_batch::decode(q->value(2).toByteArray());
            if (!records)
                return context(QStringLiteral("usage batch %1").arg(pageId), records.error());
            if (!visit(pageId, *records, pageFirstTs))
                return {};
        }
        if (batches < kBatchesPerPage)
            return {};
    }
}

Result<QList<UsageEvent>> AnalyticsStore::events(qint64 fromMs, qint64 toMs,
                                                 std::optional<Cursor> after, int limit)
{
    QList<UsageEvent> events;
    const qint64 lower = after ? std::max(fromMs, after->ts) : fromMs;
    if (limit <= 0 || lower >= toMs)
        return events;
    const auto isAfterCursor = [&after](const UsageEvent &e) {
        return !after || e.ts > after->ts || (e.ts == after->ts && e.id > after->id);
    };
    const auto byTime = [](const UsageEvent &a, const UsageEvent &b) {
        return a.ts != b.ts ? a.ts < b.ts : a.id < b.id;
    };
    const auto visit = [&](qint64 batchId, QList<UsageRecord> &records, qint64 firstTs) {
        for (qsizetype i = 0; i < records.size(); ++i) {
            UsageRecord &r = records[i];
            if (r.ts < lower || r.ts >= toMs)
                continue;
            UsageEvent e;
            static_cast<UsageRecord &>(e) = std::move(r);
            e.id = batchId * usage_batch::kIdStride + i;
            if (isAfterCursor(e))
                events.append(std::move(e));
        }
        // Keep the first `limit`. Batches not read yet start at firstTs or later: once the
        // last event kept is earlier than that, none of theirs can come before it.
        if (events.size() < limit)
            return true;
        std::sort(events.begin(), events.end(), byTime);
        events.resize(limit);
        return events.last().ts >= firstTs;
    };
    if (Status scanned = scanBatches(lower, toMs, visit); !scanned)
        return context(QStringLiteral("reading usage events"), scanned.error());
    std::sort(events.begin(), events.end(), byTime);
    if (events.size() > limit)
        events.resize(limit);

    auto usernames = namesOf(userIdsOf(events));
    if (!usernames)
        return context(QStringLiteral("reading usage events"), usernames.error());
    for (UsageEvent &e : events) {
        if (e.userId)
            e.username = usernames->value(*e.userId); // null: the user was deleted
    }
    return events;
}

Result<QHash<qint64, QString>> AnalyticsStore::namesOf(const QList<qint64> &userIds)
{
    QHash<qint64, QString> names;
    if (userIds.isEmpty())
        return names;
    QString sql = QStringLiteral("SELECT id, username FROM users WHERE id IN (");
    QVariantList values;
    for (qint64 id : userIds) {
        sql += values.isEmpty() ? QLatin1String("?") : QLatin1String(",?");
        values.append(id);
    }
    sql += u')';
    auto q = m_db.query(sql, values);
    if (!q)
        return q.error();
    while (q->next())
        names.insert(q->value(0).toLongLong(), q->value(1).toString());
    return names;
}

} // namespace aisbf::store
