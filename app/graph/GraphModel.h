// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "GraphEdgeModel.h"
#include "GraphNodeModel.h"

#include "graph/GraphLayout.h"
#include "graph/HealthTracker.h"
#include "graph/RouteGraph.h"

#include <QJsonObject>
#include <QObject>
#include <QRectF>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>

namespace aisbf::config {
struct ConfigSet;
}

namespace aisbf::app {

/**
 * The Graph page's data: the route graph of the gateway's config, its layered layout (graph
 * coordinates start at 0,0 and match a GraphView's item coordinates) and live health merged
 * from the admin API's state snapshot and event feed. QML: "Aisbf.Graph" 1.0, GraphModel.
 */
class GraphModel : public QObject
{
    Q_OBJECT
    /** One row per node (roles: see GraphNodeModel). */
    Q_PROPERTY(aisbf::app::GraphNodeModel *nodes READ nodes CONSTANT)
    /** One row per edge (roles: see GraphEdgeModel). */
    Q_PROPERTY(aisbf::app::GraphEdgeModel *edges READ edges CONSTANT)
    Q_PROPERTY(int nodeCount READ nodeCount NOTIFY graphChanged)
    Q_PROPERTY(int edgeCount READ edgeCount NOTIFY graphChanged)
    /** Bounding rectangle of the layout in graph coordinates. */
    Q_PROPERTY(QRectF bounds READ bounds NOTIFY graphChanged)
    /** Why the last setConfigDocuments() was refused (the previous graph stays); else empty. */
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    /** Warnings of the config the graph was built from, "file /path: warning: message". */
    Q_PROPERTY(QStringList warnings READ warnings NOTIFY graphChanged)
    /** Id of the selected node, or empty. */
    Q_PROPERTY(QString selectedId READ selectedId NOTIFY selectedIdChanged)

public:
    explicit GraphModel(QObject *parent = nullptr);
    ~GraphModel() override;

    /**
     * Builds the graph from the four config documents (as GET /api/admin/config/{doc}
     * returns them). A config with warnings is drawn; one with errors is refused: the old
     * graph stays, error says what is wrong and where, and the result is false.
     */
    Q_INVOKABLE bool setConfigDocuments(const QJsonObject &server, const QJsonObject &providers,
                                        const QJsonObject &rotations,
                                        const QJsonObject &autoselect);
    /** Merges GET /api/admin/state (replaces all health). */
    Q_INVOKABLE void applyState(const QJsonObject &state);
    /** One event of GET /api/admin/events: "cooldown", "stats" or "request"; others are
     *  ignored. */
    Q_INVOKABLE void applyEvent(const QString &type, const QJsonObject &data);
    /** Id of the node under graph point (@p x, @p y), or empty. */
    Q_INVOKABLE QString nodeAt(qreal x, qreal y) const;
    /** Selects node @p id; an empty or unknown id clears the selection. */
    Q_INVOKABLE void select(const QString &id);
    /**
     * Everything drawn, for tests and --dump-graph: {"nodes": [{id, kind, label, x, y, width,
     * height, layer, health, cooldownRemaining, requestsPerSec, selected}], "edges": [{from, to,
     * kind, weight, share, fallback, traffic, requestsPerSec}], "bounds", "crossings",
     * "skipped": [{from, reference}], "warnings", "error"}.
     */
    Q_INVOKABLE QJsonObject toJson() const;

    /** Builds the graph from an already validated config. */
    void setConfig(const config::ConfigSet &config);
    /** The clock (ms since the epoch) for cooldown countdowns; tests pass their own. */
    void setClock(std::function<qint64()> clock);
    /** Layout spacing; applies to the next graph and relayouts the current one. */
    void setLayoutOptions(const graph::LayoutOptions &options);

    GraphNodeModel *nodes() const { return m_nodes; }
    GraphEdgeModel *edges() const { return m_edges; }
    int nodeCount() const { return int(m_graph->nodes().size()); }
    int edgeCount() const { return int(m_graph->edges().size()); }
    QRectF bounds() const { return QRectF(QPointF(0, 0), m_layout.size); }
    QString error() const { return m_error; }
    QStringList warnings() const { return m_warnings; }
    QString selectedId() const;
    int selectedIndex() const { return m_selected; }

    const graph::RouteGraph &graph() const { return *m_graph; }
    const graph::LayoutResult &layout() const { return m_layout; }
    const graph::GraphHealth &health() const { return m_tracker.health(); }
    /** Rectangle of node @p index in graph coordinates. */
    QRectF nodeRect(int index) const;
    /** The box size given to a node in the layout. */
    static QSizeF nodeSize(const graph::GraphNode &node);

Q_SIGNALS:
    /** Nodes, edges or layout changed (the list models were reset). */
    void graphChanged();
    /** Health or traffic changed (the list models emitted dataChanged). */
    void healthChanged();
    void selectedIdChanged();
    void errorChanged();

private:
    void setGraph(std::shared_ptr<const graph::RouteGraph> graph);
    void setError(const QString &error);
    void healthUpdated(const graph::GraphHealth &before);
    void scheduleTick();
    void tick();

    GraphNodeModel *m_nodes = nullptr;
    GraphEdgeModel *m_edges = nullptr;
    std::shared_ptr<const graph::RouteGraph> m_graph;
    graph::LayoutOptions m_options;
    graph::LayoutResult m_layout;
    graph::HealthTracker m_tracker;
    std::function<qint64()> m_clock;
    QTimer m_tickTimer;
    QString m_error;
    QStringList m_warnings;
    int m_selected = -1;
};

} // namespace aisbf::app
