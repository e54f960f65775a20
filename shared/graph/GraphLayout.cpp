// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphLayout.h"

#include "LayoutDetail.h"
#include "RouteGraph.h"

#include <algorithm>

namespace aisbf::graph {

LayoutResult layoutGraph(const LayoutInput &input, const LayoutOptions &options)
{
    detail::ProperGraph proper = detail::buildProperGraph(input);
    LayoutResult result;
    const auto [before, after] = detail::reduceCrossings(proper, std::max(0, options.sweeps));
    result.crossingsBefore = before;
    result.crossingsAfter = after;
    result.layerCount = int(proper.layers.size());
    result.layers.reserve(proper.nodeCount);
    for (int v = 0; v < proper.nodeCount; ++v)
        result.layers.append(proper.layerOf[v]);
    result.layerOrder.reserve(qsizetype(proper.layers.size()));
    for (const std::vector<int> &layer : proper.layers) {
        result.layerOrder.append(QList<int>(layer.begin(), layer.end()));
        for (int v : layer) {
            for (int w : proper.down[v])
                result.properEdges.append({v, w});
        }
    }
    detail::assignCoordinates(proper, input, options, result);
    return result;
}

LayoutInput layoutInput(const RouteGraph &graph, const QList<QSizeF> &sizes)
{
    LayoutInput input;
    input.sizes = sizes;
    input.sizes.resize(graph.nodes().size());
    input.bands.reserve(graph.nodes().size());
    for (const GraphNode &node : graph.nodes())
        input.bands.append(int(node.kind));
    input.edges.reserve(graph.edges().size());
    for (const GraphEdge &edge : graph.edges())
        input.edges.append({edge.from, edge.to});
    return input;
}

} // namespace aisbf::graph
