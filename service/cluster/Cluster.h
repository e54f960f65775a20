// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RedisConfig.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace aisbf::auth {
class RateLimiter;
}

namespace aisbf::cluster {

class NodeRegistry;
class RedisClient;
class SharedRateCounters;

/**
 * What a gateway node shares with the other nodes of its cluster through Redis (cache.type
 * "redis" in aisbf.json): its heartbeat and the cluster view (NodeRegistry), and its rate
 * limit counters (SharedRateCounters). Losing Redis never fails a request: the node logs a
 * warning, falls back to its own state and reconnects by itself.
 *
 * Lives on the gateway's thread. The rate limiter, when given, must outlive the Cluster.
 */
class Cluster : public QObject
{
    Q_OBJECT

public:
    /**
     * @p nodeJson describes this node (LiveState::nodeJson(): "id" is "host:port");
     * @p limiter may be null (no control plane: nothing to share).
     */
    Cluster(RedisConfig config, std::function<QJsonObject()> nodeJson, auth::RateLimiter *limiter,
            QObject *parent = nullptr);
    ~Cluster() override;

    /** Connects and starts the heartbeat and the counter sync. */
    void start();
    /**
     * Stops the heartbeat and the sync, removes this node from the view and sends its last
     * counts, then disconnects once Redis has answered (at most @p graceMs later) and emits
     * stopped(). At once when Redis is down.
     */
    void stop(int graceMs = 1000);

    /** This node first (with "redis": "up"|"down"), then the others, by id. */
    QList<QJsonObject> nodes() const;
    /** Whether the Redis connection is up. */
    bool redisUp() const;

    const RedisConfig &config() const { return m_config; }
    RedisClient *client() const { return m_client.get(); }
    NodeRegistry *registry() const { return m_registry.get(); }
    /** Null without a rate limiter. */
    SharedRateCounters *rateCounters() const { return m_counters.get(); }

Q_SIGNALS:
    void redisUpChanged(bool up);
    /** stop() is done: the connection is closed. */
    void stopped();

private:
    void finishStop();

    RedisConfig m_config;
    std::unique_ptr<RedisClient> m_client; ///< declared first: destroyed after its users
    std::unique_ptr<NodeRegistry> m_registry;
    std::unique_ptr<SharedRateCounters> m_counters;
    bool m_stopping = false;
    QTimer m_stopDeadline;
};

} // namespace aisbf::cluster
