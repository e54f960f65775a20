// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <auth/RateLimiter.h>

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace aisbf::cluster {

class RedisClient;

/**
 * Makes an auth::RateLimiter's counts cluster-wide through Redis without touching the request
 * path: check() and record() stay local and synchronous, and every sync interval (200 ms by
 * default) one pipelined batch
 *
 *  - adds what this node recorded since the last batch: per key, the minute bucket's requests
 *    and tokens (`HINCRBY <prefix>rl:<key>:m:<minuteStartMs> requests|tokens n`, expiring after
 *    180 s), and the UTC day's and month's requests (`INCRBY <prefix>rl:<key>:d:<YYYY-MM-DD>`,
 *    2 days; `INCRBY <prefix>rl:<key>:M:<YYYY-MM>`, 32 days);
 *  - reads back the cluster totals of those keys (current and previous minute buckets, day,
 *    month), and about once a second those of every key used in the last minute, and hands
 *    them to RateLimiter::applyClusterCounts().
 *
 * See RateLimiter for the overshoot this allows. While Redis is down nothing is taken from the
 * limiter, so what it counts meanwhile is sent once Redis is back. Increments Redis refused
 * (an error reply) are given back to the limiter and sent with the next batch; a batch whose
 * connection drops before its replies is not sent again, since Redis may have applied it, so
 * at most one interval of this node's counts can go missing from the totals that way (never
 * counted twice).
 */
class SharedRateCounters : public QObject
{
    Q_OBJECT

public:
    /**
     * Turns on the limiter's cluster mode. @p client and @p limiter must outlive this object
     * (or be destroyed with it, the limiter after it).
     */
    SharedRateCounters(RedisClient *client, QString keyPrefix, auth::RateLimiter *limiter,
                       QObject *parent = nullptr);
    ~SharedRateCounters() override;

    /** Time between two batches (set before start()). */
    void setInterval(std::chrono::milliseconds interval);

    void start();
    void stop();

    /** One batch now, unless one is in flight, Redis is down or there is nothing to send. */
    void syncNow();
    bool isSyncing() const { return m_batch != nullptr; }

Q_SIGNALS:
    /** A batch ended; @p ok when every command of it succeeded. */
    void synced(bool ok);

private:
    struct Batch;

    QByteArray redisKey(const QString &key, char window, const QByteArray &suffix) const;
    void send(const std::shared_ptr<Batch> &batch);
    void finish(Batch &batch);

    RedisClient *m_client;
    QByteArray m_prefix;
    auth::RateLimiter *m_limiter;
    QTimer m_timer;
    QElapsedTimer m_sinceRefresh; ///< since every recent key's totals were last read
    std::shared_ptr<Batch> m_batch;
};

} // namespace aisbf::cluster
