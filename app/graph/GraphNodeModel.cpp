// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphNodeModel.h"

#include "GraphModel.h"

namespace aisbf::app {

GraphNodeModel::GraphNodeModel(GraphModel *graph) : QAbstractListModel(graph), m_graph(graph) {}

int GraphNodeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_graph->nodeCount();
}

QVariant GraphNodeModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const int row = index.row();
    const graph::GraphNode &node = m_graph->graph().nodes().at(row);
    const graph::NodeHealth &health = m_graph->health().nodes.at(row);
    switch (role) {
    case NodeIdRole:
        return node.id;
    case KindRole:
        return graph::nodeKindName(node.kind);
    case Qt::DisplayRole:
    case LabelRole:
        return node.label;
    case XRole:
        return m_graph->nodeRect(row).x();
    case YRole:
        return m_graph->nodeRect(row).y();
    case WidthRole:
        return m_graph->nodeRect(row).width();
    case HeightRole:
        return m_graph->nodeRect(row).height();
    case HealthRole:
        return graph::healthStateName(health.state);
    case CooldownRemainingRole:
        return health.cooldownRemainingSec;
    case RequestsPerSecRole:
        return health.requestsPerSec;
    case SelectedRole:
        return m_graph->selectedIndex() == row;
    default:
        return {};
    }
}

QHash<int, QByteArray> GraphNodeModel::roleNames() const
{
    return {
        {NodeIdRole, "nodeId"},
        {KindRole, "kind"},
        {LabelRole, "label"},
        {XRole, "x"},
        {YRole, "y"},
        {WidthRole, "width"},
        {HeightRole, "height"},
        {HealthRole, "health"},
        {CooldownRemainingRole, "cooldownRemaining"},
        {RequestsPerSecRole, "requestsPerSec"},
        {SelectedRole, "selected"},
    };
}

void GraphNodeModel::beginReset()
{
    beginResetModel();
}

void GraphNodeModel::endReset(int oldCount)
{
    endResetModel();
    if (oldCount != count())
        Q_EMIT countChanged();
}

void GraphNodeModel::healthChanged(int first, int last)
{
    Q_EMIT dataChanged(index(first), index(last),
                       {HealthRole, CooldownRemainingRole, RequestsPerSecRole});
}

void GraphNodeModel::selectionChanged(int row)
{
    if (row >= 0 && row < count())
        Q_EMIT dataChanged(index(row), index(row), {SelectedRole});
}

} // namespace aisbf::app
