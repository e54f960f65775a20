// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphEdgeModel.h"

#include "GraphModel.h"

#include <QLineF>

namespace aisbf::app {

namespace {

// The point halfway along a polyline.
QPointF middle(const QList<QPointF> &path)
{
    if (path.isEmpty())
        return {};
    qreal length = 0;
    for (qsizetype i = 1; i < path.size(); ++i)
        length += QLineF(path.at(i - 1), path.at(i)).length();
    qreal rest = length / 2;
    for (qsizetype i = 1; i < path.size(); ++i) {
        const QLineF segment(path.at(i - 1), path.at(i));
        if (rest <= segment.length())
            return segment.length() > 0 ? segment.pointAt(rest / segment.length()) : segment.p1();
        rest -= segment.length();
    }
    return path.last();
}

} // namespace

GraphEdgeModel::GraphEdgeModel(GraphModel *graph) : QAbstractListModel(graph), m_graph(graph) {}

int GraphEdgeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_graph->edgeCount();
}

QVariant GraphEdgeModel::data(const QModelIndex &index, int role) const
{
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const int row = index.row();
    const graph::RouteGraph &g = m_graph->graph();
    const graph::GraphEdge &edge = g.edges().at(row);
    const graph::EdgeTraffic &traffic = m_graph->health().edges.at(row);
    switch (role) {
    case FromIdRole:
        return g.nodes().at(edge.from).id;
    case ToIdRole:
        return g.nodes().at(edge.to).id;
    case KindRole:
        return graph::edgeKindName(edge.kind);
    case WeightRole:
        return edge.weight;
    case ShareRole:
        return edge.share;
    case FallbackRole:
        return edge.fallback;
    case TrafficRole:
        return traffic.share;
    case RequestsPerSecRole:
        return traffic.requestsPerSec;
    case LabelXRole:
        return middle(m_graph->layout().edgePaths.value(row)).x();
    case LabelYRole:
        return middle(m_graph->layout().edgePaths.value(row)).y();
    default:
        return {};
    }
}

QHash<int, QByteArray> GraphEdgeModel::roleNames() const
{
    return {
        {FromIdRole, "fromId"},   {ToIdRole, "toId"},
        {KindRole, "kind"},       {WeightRole, "weight"},
        {ShareRole, "share"},     {FallbackRole, "fallback"},
        {TrafficRole, "traffic"}, {RequestsPerSecRole, "requestsPerSec"},
        {LabelXRole, "labelX"},   {LabelYRole, "labelY"},
    };
}

void GraphEdgeModel::beginReset()
{
    beginResetModel();
}

void GraphEdgeModel::endReset(int oldCount)
{
    endResetModel();
    if (oldCount != count())
        Q_EMIT countChanged();
}

void GraphEdgeModel::trafficChanged(int first, int last)
{
    Q_EMIT dataChanged(index(first), index(last), {TrafficRole, RequestsPerSecRole});
}

} // namespace aisbf::app
