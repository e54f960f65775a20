// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>

namespace aisbf::app {

class GraphModel;

/**
 * The nodes of a GraphModel, for label overlays and lists. Geometry is in graph coordinates.
 * Roles: nodeId, kind ("autoselect" | "rotation" | "model" | "provider"), label, x, y, width,
 * height, health ("ok" | "cooling" | "failing"), cooldownRemaining (seconds, 0 unless
 * cooling), requestsPerSec, selected.
 */
class GraphNodeModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role
    {
        NodeIdRole = Qt::UserRole + 1,
        KindRole,
        LabelRole,
        XRole,
        YRole,
        WidthRole,
        HeightRole,
        HealthRole,
        CooldownRemainingRole,
        RequestsPerSecRole,
        SelectedRole,
    };
    Q_ENUM(Role)

    explicit GraphNodeModel(GraphModel *graph);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return rowCount(); }

Q_SIGNALS:
    void countChanged();

private:
    friend class GraphModel;
    void beginReset();
    void endReset(int oldCount);
    void healthChanged(int first, int last);
    void selectionChanged(int row);

    GraphModel *m_graph;
};

} // namespace aisbf::app
