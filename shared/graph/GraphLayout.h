// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QPointF>
#include <QSizeF>

#include <utility>

namespace aisbf::graph {

class RouteGraph;

/** Spacing and effort of the layered layout. Layers run left to right. */
struct LayoutOptions
{
    double layerSpacing = 96; ///< horizontal gap between two layer columns
    double nodeSpacing = 12;  ///< vertical gap between two nodes of a layer
    int sweeps = 4;           ///< barycenter passes, each one down and one up; 0 keeps input order
    int alignPasses = 4;      ///< passes pulling nodes level with their neighbours
};

/** A directed graph to lay out: node sizes, optional bands, edges by node index. */
struct LayoutInput
{
    QList<QSizeF> sizes;
    /**
     * Optional band per node (empty = all 0). Every node of band b lands in a layer after
     * every node of a lower band; inside a band, layers follow the longest path from sources.
     */
    QList<int> bands;
    QList<std::pair<int, int>> edges;
};

/** Where everything goes; coordinates start at (0, 0). */
struct LayoutResult
{
    QList<QPointF> positions;        ///< top-left corner per node
    QList<int> layers;               ///< layer per node
    QList<QList<QPointF>> edgePaths; ///< per input edge, source side to target side; self-loops
                                     ///< and out-of-range edges get an empty path
    QSizeF size;                     ///< bounding size of all nodes
    int layerCount = 0;
    /**
     * The proper layering the ordering worked on: vertex ids per layer, top to bottom; ids at
     * or above the node count are dummies on long edges. properEdges join adjacent layers.
     */
    QList<QList<int>> layerOrder;
    QList<std::pair<int, int>> properEdges;
    qint64 crossingsBefore = 0; ///< crossings of the input order
    qint64 crossingsAfter = 0;  ///< crossings of layerOrder (never more than before)
};

/**
 * Sugiyama-style layout: cycles broken by reversing DFS back edges, layers by longest path,
 * dummies on long edges, crossings reduced by barycenter sweeps (the best order seen is kept),
 * y coordinates pulled towards neighbours under order and spacing constraints.
 */
LayoutResult layoutGraph(const LayoutInput &input, const LayoutOptions &options = {});

/** The layout input of a route graph: @p sizes per node, bands by node kind. */
LayoutInput layoutInput(const RouteGraph &graph, const QList<QSizeF> &sizes);

/**
 * Edge crossings of a layered drawing: @p layers lists vertex ids top to bottom per layer;
 * only edges between adjacent layers count (others are ignored). O(E log V).
 */
qint64 countCrossings(const QList<QList<int>> &layers, const QList<std::pair<int, int>> &edges);

} // namespace aisbf::graph
