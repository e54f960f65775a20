// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Result.h"
#include "UsageRecord.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace aisbf::store {

class Database;

/** The width of one analytics bucket. Buckets are aligned to the epoch, so days start at 00:00
 *  UTC. */
enum class UsageBucket
{
    Minute,
    Hour,
    Day
};

/** What the usage series are split by. */
enum class UsageGroup
{
    None,     ///< one series, "all"
    Provider, ///< the provider that served (or last tried)
    Model,
    Route, ///< route_kind + "/" + route_id: "rotation/coding", "provider/openai/gpt-4o"
    User,  ///< the username; requests without a user are "(no user)"
};

/** "minute" / "hour" / "day", and back. */
QString toString(UsageBucket bucket);
std::optional<UsageBucket> usageBucketFromString(const QString &text);
/** "none" / "provider" / "model" / "route" / "user", and back. */
QString toString(UsageGroup group);
std::optional<UsageGroup> usageGroupFromString(const QString &text);

/** The usage of one group in one bucket. Sums, so that points can be merged exactly. */
struct UsagePoint
{
    qint64 ts = 0; ///< the bucket's start, ms since the epoch
    qint64 requests = 0;
    qint64 errors = 0; ///< status >= 400
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 latencySumMs = 0;
    qint64 latencyMaxMs = 0;
    qint64 ttftCount = 0; ///< requests that had a time to first token
    qint64 ttftSumMs = 0;

    double latencyAvgMs() const { return requests > 0 ? double(latencySumMs) / requests : 0; }
    /** Over the requests with a time to first token; empty when none had one. */
    std::optional<double> ttftAvgMs() const;
    /** Adds @p other (the same bucket) to this point. */
    void merge(const UsagePoint &other);
};

struct UsageSeries
{
    QString group;
    QList<UsagePoint> points; ///< buckets with data only, by ts
    qint64 requests = 0;      ///< over all points
};

struct UsageTotals
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
};

struct UsageReport
{
    QList<UsageSeries> series; ///< by requests, most first (ties by group name)
    UsageTotals totals;
};

/** One usage event (a request), with its user's name, as exported. id: its batch's id *
 *  usage_batch::kIdStride + its place in the batch. */
struct UsageEvent : UsageRecord
{
    qint64 id = 0;
    QString username; ///< null when there is no user, or the user was deleted
};

/**
 * Reads usage for analytics: time series by bucket and group from usage_rollups, and the
 * events for export from usage_batches. Ranges are half-open, [fromMs, toMs), and exact: a
 * report takes whole minutes from the rollups and the rest of a minute cut by a bound from the
 * events. The same SQL runs on SQLite and MySQL/MariaDB.
 */
class AnalyticsStore
{
public:
    /** The most buckets one report may span. */
    static constexpr qint64 kMaxBuckets = 10'000;

    explicit AnalyticsStore(Database &db) : m_db(db) {}

    static qint64 bucketMs(UsageBucket bucket);
    /** How many buckets [@p fromMs, @p toMs) touches; 0 when the range is empty. */
    static qint64 bucketCount(qint64 fromMs, qint64 toMs, UsageBucket bucket);

    /**
     * The usage in [@p fromMs, @p toMs) by @p bucket and @p group. An empty range (from >= to)
     * gives an empty report; one of more than kMaxBuckets buckets is refused.
     */
    Result<UsageReport> report(qint64 fromMs, qint64 toMs, UsageBucket bucket, UsageGroup group);

    /** Where the previous page of events() ended. */
    struct Cursor
    {
        qint64 ts = 0;
        qint64 id = 0;
    };
    /**
     * Up to @p limit rows of [@p fromMs, @p toMs) by ts, then id; with @p after, those after
     * it (keyset paging: each page is one indexed range scan, however deep).
     */
    Result<QList<UsageEvent>> events(qint64 fromMs, qint64 toMs, std::optional<Cursor> after,
                                     int limit);

private:
    /** Called per batch with its id, its records and its first_ts; false stops the scan. */
    using BatchVisitor = std::function<bool(qint64, QList<UsageRecord> &, qint64)>;
    /** The batches that may hold events of [@p lower, @p toMs), by (first_ts, id). */
    Status scanBatches(qint64 lower, qint64 toMs, const BatchVisitor &visit);
    /** The usernames of these users (a deleted one is missing). */
    Result<QHash<qint64, QString>> namesOf(const QList<qint64> &userIds);

    Database &m_db;
};

} // namespace aisbf::store
