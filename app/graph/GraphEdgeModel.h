// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractListModel>

namespace aisbf::app {

class GraphModel;

/**
 * The edges of a GraphModel. Roles: fromId, toId, kind ("candidate" | "fallback" | "entry" |
 * "provider"), weight (rotation entry weight, else 1; 0 for a pure fallback), share (weight over
 * the source's total), fallback (bool), traffic (share of the source's live requests, 0..1),
 * requestsPerSec, labelX, labelY (middle of the drawn path, graph coordinates).
 */
class GraphEdgeModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role
    {
        FromIdRole = Qt::UserRole + 1,
        ToIdRole,
        KindRole,
        WeightRole,
        ShareRole,
        FallbackRole,
        TrafficRole,
        RequestsPerSecRole,
        LabelXRole,
        LabelYRole,
    };
    Q_ENUM(Role)

    explicit GraphEdgeModel(GraphModel *graph);

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
    void trafficChanged(int first, int last);

    GraphModel *m_graph;
};

} // namespace aisbf::app
