// SPDX-License-Identifier: GPL-3.0-or-later
#include "Cluster.h"

#include "ClusterLog.h"
#include "NodeRegistry.h"
#include "RedisClient.h"
#include "SharedRateCounters.h"

namespace aisbf::cluster {

Cluster::Cluster(RedisConfig config, std::function<QJsonObject()> nodeJson,
                 auth::RateLimiter *limiter, QObject *parent)
    : QObject(parent), m_config(std::move(config)),
      m_client(std::make_unique<RedisClient>(m_config)),
      m_registry(
          std::make_unique<NodeRegistry>(m_client.get(), m_config.keyPrefix, std::move(nodeJson)))
{
    if (limiter)
        m_counters =
            std::make_unique<SharedRateCounters>(m_client.get(), m_config.keyPrefix, limiter);
    m_stopDeadline.setSingleShot(true);
    connect(&m_stopDeadline, &QTimer::timeout, this, &Cluster::finishStop);
    connect(m_client.get(), &RedisClient::connected, this, [this] { Q_EMIT redisUpChanged(true); });
    connect(m_client.get(), &RedisClient::disconnected, this,
            [this] { Q_EMIT redisUpChanged(false); });
}

Cluster::~Cluster() = default;

void Cluster::start()
{
    qCInfo(lcCluster).noquote() << "cluster mode through" << m_config.describe();
    m_stopping = false; // a stop() still in progress ends here
    m_stopDeadline.stop();
    m_client->start();
    m_registry->start();
    if (m_counters)
        m_counters->start();
}

void Cluster::stop(int graceMs)
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_counters)
        m_counters->stop();
    m_registry->stop(); // sends DEL and SREM of this node when connected
    if (!m_client->isConnected()) {
        finishStop();
        return;
    }
    if (m_counters)
        m_counters->syncNow(); // the last deltas
    // Replies come in order: PING's is the last of everything sent above.
    m_client->command({QByteArrayLiteral("PING")}, this,
                      [this](const RedisReply &) { finishStop(); });
    m_stopDeadline.start(graceMs);
}

void Cluster::finishStop()
{
    if (!m_stopping)
        return;
    m_stopping = false;
    m_stopDeadline.stop();
    m_client->stop();
    Q_EMIT stopped();
}

QList<QJsonObject> Cluster::nodes() const
{
    return m_registry->nodes();
}

bool Cluster::redisUp() const
{
    return m_client->isConnected();
}

} // namespace aisbf::cluster
