// SPDX-License-Identifier: GPL-3.0-or-later
#include "SharedRateCounters.h"

#include "ClusterLog.h"
#include "RedisClient.h"

#include <QDate>
#include <QSet>

namespace aisbf::cluster {

namespace {

using Delta = auth::RateLimiter::RateDelta;

constexpr qint64 kMinuteMs = 60'000;
constexpr int kMinuteTtlSec = 180;
constexpr int kDayTtlSec = 2 * 24 * 3600;
constexpr int kMonthTtlSec = 32 * 24 * 3600;
// Totals of keys that saw no traffic here in a batch are read this often.
constexpr qint64 kRefreshMs = 1000;

QByteArray dayName(qint32 dayIndex)
{
    return QDate(1970, 1, 1).addDays(dayIndex).toString(Qt::ISODate).toLatin1();
}

QByteArray monthName(qint32 monthIndex)
{
    const int year = 1970 + monthIndex / 12;
    const int month = monthIndex % 12 + 1;
    return QByteArray::number(year).rightJustified(4, '0') + '-' +
           QByteArray::number(month).rightJustified(2, '0');
}

qint64 integerAt(const RedisReply &reply, qsizetype index)
{
    if (!reply.isArray() || index >= reply.elements().size())
        return 0;
    return reply.elements().at(index).toInteger(); // nil (never counted) is 0
}

} // namespace

struct SharedRateCounters::Batch
{
    struct Sent
    {
        Delta delta;
        bool minuteFailed = false;
        bool dayFailed = false;
        bool monthFailed = false;
    };
    struct Read
    {
        QString key;
        RedisReply current;  ///< HMGET of the current minute bucket
        RedisReply previous; ///< HMGET of the previous one
        RedisReply calendar; ///< MGET of the day and month counters
    };

    qint64 minuteStartMs = 0;
    qint32 day = 0;
    qint32 month = 0;
    QList<Sent> sent;
    QList<Read> reads;
    int outstanding = 0;
};

SharedRateCounters::SharedRateCounters(RedisClient *client, QString keyPrefix,
                                       auth::RateLimiter *limiter, QObject *parent)
    : QObject(parent), m_client(client), m_prefix(keyPrefix.toUtf8()), m_limiter(limiter)
{
    m_limiter->enableClusterSync();
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &SharedRateCounters::syncNow);
    connect(m_client, &RedisClient::connected, this, [this] {
        if (m_timer.isActive())
            syncNow(); // send what was counted during the outage
    });
}

SharedRateCounters::~SharedRateCounters() = default;

void SharedRateCounters::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void SharedRateCounters::start()
{
    m_timer.start();
}

void SharedRateCounters::stop()
{
    m_timer.stop();
}

QByteArray SharedRateCounters::redisKey(const QString &key, char window,
                                        const QByteArray &suffix) const
{
    return m_prefix + "rl:" + key.toUtf8() + ':' + window + ':' + suffix;
}

void SharedRateCounters::syncNow()
{
    if (m_batch || !m_client->isConnected())
        return; // while Redis is down the deltas wait in the limiter
    const auth::TimePoint now = m_limiter->now();
    const qint64 nowMs = now.time_since_epoch().count();

    auto batch = std::make_shared<Batch>();
    batch->minuteStartMs = nowMs - nowMs % kMinuteMs;
    batch->day = auth::utcDay(now).index;
    batch->month = auth::utcMonth(now).index;
    QSet<QString> keys;
    for (Delta &delta : m_limiter->takePendingDeltas(now)) {
        keys.insert(delta.key);
        batch->sent.append({std::move(delta)});
    }
    if (!m_sinceRefresh.isValid() || m_sinceRefresh.elapsed() >= kRefreshMs) {
        m_sinceRefresh.start();
        for (const QString &key : m_limiter->recentKeys(now))
            keys.insert(key);
    }
    if (keys.isEmpty())
        return;
    for (const QString &key : std::as_const(keys))
        batch->reads.append({key, {}, {}, {}});
    m_batch = batch;
    send(batch);
}

void SharedRateCounters::send(const std::shared_ptr<Batch> &batch)
{
    // Replies never arrive from inside command(), so counting as we go cannot hit zero early.
    const auto done = [this, batch] {
        if (--batch->outstanding == 0)
            finish(*batch);
    };
    const auto run = [&](const QList<QByteArray> &args, std::function<void(const RedisReply &)> f) {
        ++batch->outstanding;
        m_client->command(args, this, [f = std::move(f), done](const RedisReply &reply) {
            if (f)
                f(reply);
            done();
        });
    };

    for (qsizetype i = 0; i < batch->sent.size(); ++i) {
        const Delta &d = batch->sent[i].delta;
        const auto failed = [batch, i](bool Batch::Sent::*flag) {
            return [batch, i, flag](const RedisReply &reply) {
                // A server error means "not applied": send it again. A connection lost with the
                // command in flight is ambiguous (Redis may have run it before the drop), and
                // counting twice would refuse requests within the limit: that part is let go.
                if (reply.isError() && !reply.isConnectionError())
                    batch->sent[i].*flag = true;
            };
        };
        if (d.requests > 0 || d.tokens > 0) {
            const QByteArray key = redisKey(d.key, 'm', QByteArray::number(d.minuteStartMs));
            if (d.requests > 0)
                run({"HINCRBY", key, "requests", QByteArray::number(d.requests)},
                    failed(&Batch::Sent::minuteFailed));
            if (d.tokens > 0)
                run({"HINCRBY", key, "tokens", QByteArray::number(d.tokens)},
                    failed(&Batch::Sent::minuteFailed));
            run({"EXPIRE", key, QByteArray::number(kMinuteTtlSec)}, {});
        }
        if (d.dayRequests > 0) {
            const QByteArray key = redisKey(d.key, 'd', dayName(d.day));
            run({"INCRBY", key, QByteArray::number(d.dayRequests)},
                failed(&Batch::Sent::dayFailed));
            run({"EXPIRE", key, QByteArray::number(kDayTtlSec)}, {});
        }
        if (d.monthRequests > 0) {
            const QByteArray key = redisKey(d.key, 'M', monthName(d.month));
            run({"INCRBY", key, QByteArray::number(d.monthRequests)},
                failed(&Batch::Sent::monthFailed));
            run({"EXPIRE", key, QByteArray::number(kMonthTtlSec)}, {});
        }
    }

    // Same connection, so these see the increments above.
    const QByteArray current = QByteArray::number(batch->minuteStartMs);
    const QByteArray previous = QByteArray::number(batch->minuteStartMs - kMinuteMs);
    for (qsizetype j = 0; j < batch->reads.size(); ++j) {
        const QString &key = batch->reads[j].key;
        run({"HMGET", redisKey(key, 'm', current), "requests", "tokens"},
            [batch, j](const RedisReply &r) { batch->reads[j].current = r; });
        run({"HMGET", redisKey(key, 'm', previous), "requests", "tokens"},
            [batch, j](const RedisReply &r) { batch->reads[j].previous = r; });
        run({"MGET", redisKey(key, 'd', dayName(batch->day)),
             redisKey(key, 'M', monthName(batch->month))},
            [batch, j](const RedisReply &r) { batch->reads[j].calendar = r; });
    }
}

void SharedRateCounters::finish(Batch &batch)
{
    QList<Delta> requeue;
    for (Batch::Sent &sent : batch.sent) {
        if (!sent.minuteFailed && !sent.dayFailed && !sent.monthFailed)
            continue;
        // Only the parts Redis refused go back; the rest would be counted twice.
        Delta back = sent.delta;
        if (!sent.minuteFailed)
            back.requests = back.tokens = 0;
        if (!sent.dayFailed)
            back.dayRequests = 0;
        if (!sent.monthFailed)
            back.monthRequests = 0;
        requeue.append(back);
    }
    if (!requeue.isEmpty())
        m_limiter->requeueDeltas(requeue);

    int failedReads = 0;
    for (const Batch::Read &read : std::as_const(batch.reads)) {
        if (!read.current.isArray() || !read.previous.isArray() || !read.calendar.isArray()) {
            ++failedReads;
            continue;
        }
        auth::RateLimiter::ClusterCounts counts;
        counts.minuteStartMs = batch.minuteStartMs;
        counts.requestsCurrent = integerAt(read.current, 0);
        counts.tokensCurrent = integerAt(read.current, 1);
        counts.requestsPrevious = integerAt(read.previous, 0);
        counts.tokensPrevious = integerAt(read.previous, 1);
        counts.day = batch.day;
        counts.dayRequests = integerAt(read.calendar, 0);
        counts.month = batch.month;
        counts.monthRequests = integerAt(read.calendar, 1);
        m_limiter->applyClusterCounts(read.key, counts);
    }
    const bool ok = requeue.isEmpty() && failedReads == 0;
    if (!ok)
        qCDebug(lcCluster) << "rate counter sync:" << requeue.size() << "deltas to resend,"
                           << failedReads << "of" << batch.reads.size() << "reads failed";
    m_batch.reset();
    Q_EMIT synced(ok);
}

} // namespace aisbf::cluster
