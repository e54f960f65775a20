// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dispatch/CooldownBook.h"
#include "dispatch/ModelDiscovery.h"
#include "dispatch/RouteTable.h"
#include "http/AccessLog.h"
#include "http/GatewaySocket.h"

#include <config/Config.h>

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>

#include <memory>

namespace aisbf::upstream {
class UpstreamClient;
}

namespace aisbf::store {
struct DatabaseConfig;
}

namespace aisbf::control {
class ControlPlane;
struct Principal;
} // namespace aisbf::control

namespace aisbf::cluster {
class Cluster;
struct RedisConfig;
} // namespace aisbf::cluster

namespace aisbf::live {
class EventHub;
class LiveState;
} // namespace aisbf::live

namespace aisbf::http {
class GatewayServer;
class GuardedTcpServer;
} // namespace aisbf::http

namespace aisbf {

/**
 * One gateway worker: the HTTP server, the upstream client and the routing state on one event
 * loop. main() makes one; tests make one per test on port 0.
 */
class Gateway : public QObject
{
    Q_OBJECT

public:
    explicit Gateway(config::ConfigSnapshot config, QObject *parent = nullptr);
    ~Gateway() override;

    /** Binds and starts serving; false with @p error filled when the port cannot be bound. */
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const;

    /**
     * Stops accepting, lets in-flight requests finish until @p deadlineMs, then emits drained()
     * (at once if nothing is in flight).
     */
    void drain(int deadlineMs);
    bool isDraining() const { return m_draining; }
    int activeSessions() const { return m_activeSessions; }

    // Shared by the controllers.
    std::shared_ptr<const dispatch::RouteTable> routes() const { return m_routes; }
    config::ConfigSnapshot config() const { return m_config; }
    /** 1 at start, +1 for each config applied through the admin API. */
    int configVersion() const { return m_configVersion; }
    /**
     * Serves @p config from now on (requests in flight finish on theirs) and tells the event feed
     * which @p document changed. Returns the aisbf.json
     * keys that changed but only take effect after a restart (listen address, database, client
     * limits, upstream CA file).
     */
    QStringList applyConfig(config::ConfigSnapshot config, const QString &document = {});
    live::LiveState *liveState() const { return m_live.get(); }
    live::EventHub *eventHub() const { return m_events.get(); }
    /** The nodes serving this config, each as LiveState::nodeJson() (just this one for now). */
    QList<QJsonObject> clusterNodes() const;
    upstream::UpstreamClient *upstreamClient() const { return m_client.get(); }
    dispatch::CooldownBook *cooldowns() { return &m_cooldowns; }
    dispatch::ModelDiscovery *modelDiscovery() { return m_discovery.get(); }
    http::AccessLog *accessLog() { return &m_accessLog; }
    const http::ClientLimits &clientLimits() const { return m_limits; }
    qint64 uptimeMs() const { return m_uptime.elapsed(); }
    bool authEnabled() const;
    /** Whether @p bearer is one of auth.tokens (constant-time; false when none are set). */
    bool isGlobalToken(const QByteArray &bearer) const;
    /** Who @p bearer is: the operator (a global token), an admin session or a user's token. */
    control::Principal principalFor(const QByteArray &bearer) const;

    /**
     * Opens the control plane's database (users, tokens, tiers, usage) and applies pending
     * migrations. main() always does; tests that need no database leave it off, and then the
     * admin API answers 503.
     */
    bool enableControlPlane(const store::DatabaseConfig &database, QString *error);
    control::ControlPlane *controlPlane() const { return m_control.get(); }
    /**
     * Joins the cluster through Redis (aisbf.json "cache": {"type": "redis", …}): heartbeats
     * for the cluster view and cluster-wide rate limits. Call after enableControlPlane() and
     * listen(). Losing Redis degrades to this node's own view and counts.
     */
    void enableCluster(const cluster::RedisConfig &redis);

    void sessionStarted();
    void sessionFinished();

Q_SIGNALS:
    void drained();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void checkDrained();

    config::ConfigSnapshot m_config;
    std::shared_ptr<const dispatch::RouteTable> m_routes;
    http::ClientLimits m_limits;
    std::unique_ptr<upstream::UpstreamClient> m_client;
    std::unique_ptr<dispatch::ModelDiscovery> m_discovery; ///< uses m_client: declared after it
    std::unique_ptr<control::ControlPlane> m_control;
    dispatch::CooldownBook m_cooldowns;
    http::AccessLog m_accessLog;
    std::unique_ptr<live::EventHub> m_events; ///< writes access lines: declared after the log
    std::unique_ptr<live::LiveState> m_live;
    int m_configVersion = 1;
    http::GatewayServer *m_server = nullptr;
    http::GuardedTcpServer *m_tcpServer = nullptr;
    QList<QByteArray> m_tokenDigests;
    QElapsedTimer m_uptime;
    int m_activeSessions = 0;
    bool m_draining = false;
    QBasicTimer m_drainDeadline;
    // Last: it reads m_live and m_control's rate limiter until it is gone.
    std::unique_ptr<cluster::Cluster> m_cluster;
    bool m_clusterStopped = false;
};

} // namespace aisbf
