// SPDX-License-Identifier: GPL-3.0-or-later
#include "ClusterModel.h"

#include <api/AdminClient.h>

#include <QJsonArray>

#include <algorithm>

namespace aisbf::app {

ClusterModel::ClusterModel(api::AdminClient *client, QObject *parent) : ApiListModel(client, parent)
{}

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const api::ClusterNode &n = m_nodes.at(index.row());
    const qint64 age = n.lastHeartbeat.isValid() ? n.lastHeartbeat.secsTo(m_fetchedAt) : -1;
    switch (role) {
    case NodeIdRole:
        return n.id;
    case HostRole:
        return n.host;
    case PortRole:
        return n.port;
    case VersionRole:
        return n.version;
    case UptimeSecRole:
        return n.uptimeSec;
    case RequestsPerSecRole:
        return n.requestsPerSec;
    case ActiveRequestsRole:
        return n.activeRequests;
    case LastHeartbeatRole:
        return n.lastHeartbeat;
    case HeartbeatAgeSecRole:
        return qMax<qint64>(0, age);
    case SelfRole:
        return n.self;
    case StaleRole:
        return age < 0 || age > StaleAfterSec;
    default:
        return {};
    }
}

QHash<int, QByteArray> ClusterModel::roleNames() const
{
    return {{NodeIdRole, "nodeId"},
            {HostRole, "host"},
            {PortRole, "port"},
            {VersionRole, "version"},
            {UptimeSecRole, "uptimeSec"},
            {RequestsPerSecRole, "requestsPerSec"},
            {ActiveRequestsRole, "activeRequests"},
            {LastHeartbeatRole, "lastHeartbeat"},
            {HeartbeatAgeSecRole, "heartbeatAgeSec"},
            {SelfRole, "self"},
            {StaleRole, "stale"}};
}

double ClusterModel::totalRequestsPerSec() const
{
    double total = 0;
    for (const auto &n : m_nodes)
        total += n.requestsPerSec;
    return total;
}

void ClusterModel::refresh()
{
    if (!client() || isLoading())
        return;
    setLoading(true);
    client()->call("GET", QStringLiteral("/api/admin/cluster"), {}, this,
                   [this](const api::ApiResponse &r) {
                       if (r.ok())
                           applyCluster(r.object());
                       takeResponse(r);
                   });
}

void ClusterModel::applyCluster(const QJsonObject &body, const QDateTime &now)
{
    QList<api::ClusterNode> nodes;
    const QJsonArray array = body.value(QLatin1String("nodes")).toArray();
    for (const QJsonValue &v : array)
        nodes.append(api::ClusterNode::fromJson(v.toObject()));
    // This node first, then by id: a stable order while heartbeats move.
    std::stable_sort(nodes.begin(), nodes.end(), [](const auto &a, const auto &b) {
        return a.self != b.self ? a.self : a.id < b.id;
    });
    resetRows([&] {
        m_nodes = nodes;
        m_fetchedAt = now;
    });
    Q_EMIT countChanged(); // totalRequestsPerSec shares the signal
}

} // namespace aisbf::app
