// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <common/ApiListModel.h>

#include <api/AdminData.h>

#include <QDateTime>

namespace aisbf::app {

/** The Cluster page: GET /api/admin/cluster, one row per gateway node (a single node: itself). */
class ClusterModel : public ApiListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Session")
    Q_PROPERTY(double totalRequestsPerSec READ totalRequestsPerSec NOTIFY countChanged)

public:
    enum Role
    {
        NodeIdRole = Qt::UserRole + 1,
        HostRole,
        PortRole,
        VersionRole,
        UptimeSecRole,
        RequestsPerSecRole,
        ActiveRequestsRole,
        LastHeartbeatRole,   ///< QDateTime
        HeartbeatAgeSecRole, ///< seconds since the last heartbeat, at the last refresh
        SelfRole,
        StaleRole, ///< no heartbeat for longer than StaleAfterSec
    };
    Q_ENUM(Role)

    /** A node whose heartbeat is older than this is shown as stale. */
    static constexpr int StaleAfterSec = 30;

    explicit ClusterModel(api::AdminClient *client, QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    double totalRequestsPerSec() const;

    void refresh() override;
    /** A GET /api/admin/cluster body; @p now is when it was fetched. */
    void applyCluster(const QJsonObject &body,
                      const QDateTime &now = QDateTime::currentDateTimeUtc());

protected:
    int rows() const override { return int(m_nodes.size()); }

private:
    QList<api::ClusterNode> m_nodes;
    QDateTime m_fetchedAt;
};

} // namespace aisbf::app
