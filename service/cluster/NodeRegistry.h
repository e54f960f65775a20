// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace aisbf::cluster {

class RedisClient;
class RedisReply;

/**
 * This node's heartbeat in Redis, and the nodes the others wrote: the control center's
 * cluster view.
 *
 * Every heartbeat (5 s by default, and at once when Redis connects) it writes
 * `SET <prefix>node:<id> <json> EX <ttl>` and `SADD <prefix>nodes <id>`, then reads every
 * member's JSON with SMEMBERS + MGET; members whose key has expired (a node that stopped
 * beating) are dropped from the set with SREM. The JSON comes from the source (the gateway
 * passes LiveState::nodeJson()); its "id" names the node and its "last_heartbeat" is kept as
 * the node wrote it (both are filled in when the source leaves them out).
 */
class NodeRegistry : public QObject
{
    Q_OBJECT

public:
    using Source = std::function<QJsonObject()>;

    /** @p client must outlive the registry or be destroyed with it. */
    NodeRegistry(RedisClient *client, QString keyPrefix, Source source, QObject *parent = nullptr);

    /** How often to beat and how long an entry outlives its last beat (set before start()). */
    void setHeartbeat(std::chrono::milliseconds interval, std::chrono::seconds ttl);

    void start();
    /** Stops beating and removes this node's entry (a node that just dies expires instead). */
    void stop();

    /** One heartbeat round now (no-op while one is in flight or Redis is down). */
    void beat();

    /** The id this node writes under ("host:port" from the source). */
    QString selfId() const;
    /**
     * This node first (always, fresh from the source, with "redis": "up" or "down"), then the
     * other nodes of the last successful round, by id. Just this node while Redis is down.
     */
    QList<QJsonObject> nodes() const;
    /** Whether the last heartbeat reached Redis and the connection is still up. */
    bool redisUp() const;

Q_SIGNALS:
    /** A heartbeat round ended (the view may have changed), or Redis went down. */
    void nodesChanged();

private:
    QJsonObject selfJson() const;
    QByteArray nodeKey(const QByteArray &id) const;
    void readView(const RedisReply &members);
    void finishRound(bool ok);
    void setDown();

    RedisClient *m_client;
    QByteArray m_prefix;
    Source m_source;
    QString m_fallbackId;
    std::chrono::milliseconds m_interval{5000};
    std::chrono::seconds m_ttl{15};
    QTimer m_timer;
    bool m_started = false;
    bool m_beating = false;
    bool m_writeOk = false;
    bool m_up = false;
    QList<QJsonObject> m_others;
};

} // namespace aisbf::cluster
