// SPDX-License-Identifier: GPL-3.0-or-later
#include "NodeRegistry.h"

#include "ClusterLog.h"
#include "RedisClient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QSysInfo>

#include <algorithm>

namespace aisbf::cluster {

namespace {

QString k(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

} // namespace

NodeRegistry::NodeRegistry(RedisClient *client, QString keyPrefix, Source source, QObject *parent)
    : QObject(parent), m_client(client), m_prefix(keyPrefix.toUtf8()), m_source(std::move(source)),
      m_fallbackId(QSysInfo::machineHostName() % QLatin1Char(':') %
                   QString::number(QCoreApplication::applicationPid()))
{
    connect(&m_timer, &QTimer::timeout, this, &NodeRegistry::beat);
    connect(m_client, &RedisClient::connected, this, [this] {
        if (m_started)
            beat();
    });
    connect(m_client, &RedisClient::disconnected, this, &NodeRegistry::setDown);
}

void NodeRegistry::setHeartbeat(std::chrono::milliseconds interval, std::chrono::seconds ttl)
{
    m_interval = interval;
    m_ttl = ttl;
    if (m_timer.isActive())
        m_timer.start(m_interval);
}

void NodeRegistry::start()
{
    if (m_started)
        return;
    m_started = true;
    m_timer.start(m_interval);
    beat();
}

void NodeRegistry::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_timer.stop();
    if (m_client->isConnected()) {
        const QByteArray id = selfId().toUtf8();
        m_client->command({QByteArrayLiteral("DEL"), nodeKey(id)});
        m_client->command({QByteArrayLiteral("SREM"), m_prefix + "nodes", id});
    }
    setDown();
}

QString NodeRegistry::selfId() const
{
    const QString id = m_source ? m_source().value(QLatin1String("id")).toString() : QString();
    return id.isEmpty() ? m_fallbackId : id;
}

QJsonObject NodeRegistry::selfJson() const
{
    QJsonObject self = m_source ? m_source() : QJsonObject();
    if (self.value(QLatin1String("id")).toString().isEmpty())
        self.insert(k("id"), m_fallbackId);
    if (!self.contains(QLatin1String("last_heartbeat")))
        self.insert(k("last_heartbeat"),
                    QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    return self;
}

QByteArray NodeRegistry::nodeKey(const QByteArray &id) const
{
    return m_prefix + "node:" + id;
}

void NodeRegistry::beat()
{
    if (m_beating)
        return; // the last round still owes replies (Redis is slow or going down)
    if (!m_client->isConnected()) {
        setDown();
        return;
    }
    const QJsonObject self = selfJson();
    const QByteArray id = self.value(QLatin1String("id")).toString().toUtf8();
    m_beating = true;
    m_writeOk = false;
    m_client->command({QByteArrayLiteral("SET"), nodeKey(id),
                       QJsonDocument(self).toJson(QJsonDocument::Compact), QByteArrayLiteral("EX"),
                       QByteArray::number(qint64(m_ttl.count()))},
                      this, [this](const RedisReply &reply) { m_writeOk = !reply.isError(); });
    m_client->command({QByteArrayLiteral("SADD"), m_prefix + "nodes", id});
    m_client->command({QByteArrayLiteral("SMEMBERS"), m_prefix + "nodes"}, this,
                      [this](const RedisReply &members) { readView(members); });
}

void NodeRegistry::readView(const RedisReply &members)
{
    if (!members.isArray()) {
        if (!members.isConnectionError())
            qCWarning(lcCluster).noquote()
                << "cannot read the cluster's nodes:" << members.toDebugString();
        finishRound(false);
        return;
    }
    QList<QByteArray> ids;
    QList<QByteArray> mget{QByteArrayLiteral("MGET")};
    for (const RedisReply &member : members.elements()) {
        if (member.isString()) {
            ids.append(member.toByteArray());
            mget.append(nodeKey(member.toByteArray()));
        }
    }
    if (ids.isEmpty()) {
        m_others.clear();
        finishRound(true);
        return;
    }
    m_client->command(mget, this, [this, ids](const RedisReply &values) {
        if (!values.isArray() || values.elements().size() != ids.size()) {
            finishRound(false);
            return;
        }
        const QString self = selfId();
        QList<QJsonObject> others;
        QList<QByteArray> expired{QByteArrayLiteral("SREM"), m_prefix + "nodes"};
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const RedisReply &value = values.elements().at(i);
            if (value.isNil()) {
                expired.append(ids[i]); // its heartbeat ran out: the node is gone
                continue;
            }
            const QJsonObject node = QJsonDocument::fromJson(value.toByteArray()).object();
            const QString id = QString::fromUtf8(ids[i]);
            if (node.isEmpty() || id == self)
                continue;
            others.append(node);
        }
        if (expired.size() > 2)
            m_client->command(expired);
        std::sort(others.begin(), others.end(), [](const QJsonObject &a, const QJsonObject &b) {
            return a.value(QLatin1String("id")).toString() <
                   b.value(QLatin1String("id")).toString();
        });
        m_others = std::move(others);
        finishRound(true);
    });
}

void NodeRegistry::finishRound(bool ok)
{
    m_beating = false;
    m_up = ok && m_writeOk && m_client->isConnected();
    if (!ok)
        m_others.clear();
    Q_EMIT nodesChanged();
}

void NodeRegistry::setDown()
{
    const bool changed = m_up || !m_others.isEmpty();
    m_up = false;
    m_others.clear();
    if (changed)
        Q_EMIT nodesChanged();
}

QList<QJsonObject> NodeRegistry::nodes() const
{
    const bool up = redisUp();
    QJsonObject self = selfJson();
    self.insert(k("redis"), up ? k("up") : k("down"));
    QList<QJsonObject> nodes{self};
    if (up) // what the others wrote is only known while Redis is
        nodes += m_others;
    return nodes;
}

bool NodeRegistry::redisUp() const
{
    return m_up && m_client->isConnected();
}

} // namespace aisbf::cluster
