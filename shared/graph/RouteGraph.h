// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "config/Config.h"

#include <QHash>
#include <QList>
#include <QString>

namespace aisbf::graph {

/** What a node of the route graph stands for; the order is the drawing order left to right. */
enum class NodeKind
{
    Autoselect,
    Rotation,
    ProviderModel,
    Provider,
};

/** "autoselect", "rotation", "model" or "provider" (the id prefix and the QML "kind" role). */
QString nodeKindName(NodeKind kind);

/** One node; @c id is stable across config reloads ("model/openai/gpt-4o"). */
struct GraphNode
{
    QString id;
    NodeKind kind = NodeKind::Provider;
    QString label;
    QString providerId; ///< ProviderModel and Provider nodes
    QString name;       ///< autoselect/rotation id, or the model name
};

/** Why an edge exists. */
enum class EdgeKind
{
    Candidate,     ///< autoselect -> one of its "available_models"
    Fallback,      ///< autoselect -> its "fallback" (when that is not also a candidate)
    RotationEntry, ///< rotation -> provider model, weighted
    ModelProvider, ///< provider model -> its provider
};

/** "candidate", "fallback", "entry" or "provider". */
QString edgeKindName(EdgeKind kind);

/** A directed edge between two node indexes of the same RouteGraph. */
struct GraphEdge
{
    int from = -1;
    int to = -1;
    EdgeKind kind = EdgeKind::ModelProvider;
    double weight = 1.0;   ///< rotation entry weight (summed over duplicate entries); 1 otherwise
    double share = 1.0;    ///< weight / total weight of the source's edges of the same kind
    bool fallback = false; ///< the target is also the autoselect's fallback
};

/** A reference the graph could not draw, with the node that made it. */
struct SkippedReference
{
    QString fromId;
    QString reference;
};

/**
 * The routing network of one config: autoselect -> rotations / provider models (and other
 * autoselects) -> provider models -> providers. Nodes and edges come in a deterministic order
 * (by kind, then id) so two builds of the same config compare equal.
 */
class RouteGraph
{
public:
    /**
     * Builds the graph. References that do not resolve (unknown ids, user routes, which live
     * in the database) are skipped and listed in skippedReferences(); validation reports them.
     */
    static RouteGraph fromConfig(const config::ConfigSet &config);

    const QList<GraphNode> &nodes() const { return m_nodes; }
    const QList<GraphEdge> &edges() const { return m_edges; }
    const QList<SkippedReference> &skippedReferences() const { return m_skipped; }

    /** Index of the node with @p id, or -1. */
    int indexOf(const QString &id) const { return m_index.value(id, -1); }
    /** Indexes of the edges leaving / entering node @p node. */
    const QList<int> &outEdges(int node) const { return m_out.at(node); }
    const QList<int> &inEdges(int node) const { return m_in.at(node); }

    /**
     * Node id of a route as the admin API names it in "stats" and "top_routes"
     * ("rotation/x", "autoselect/x", "provider/model" or a bare rotation/autoselect id);
     * empty when the graph has no such node.
     */
    QString nodeIdForRoute(const QString &route) const;

    /** Stable node ids. */
    static QString autoselectId(const QString &id);
    static QString rotationId(const QString &id);
    static QString modelId(const QString &providerId, const QString &model);
    static QString providerId(const QString &providerId);

private:
    friend class RouteGraphBuilder;

    int addNode(GraphNode node);
    void addEdge(GraphEdge edge);
    void indexEdges();

    QList<GraphNode> m_nodes;
    QList<GraphEdge> m_edges;
    QList<SkippedReference> m_skipped;
    QHash<QString, int> m_index;
    QList<QList<int>> m_out;
    QList<QList<int>> m_in;
};

} // namespace aisbf::graph
