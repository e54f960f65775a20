// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Private to shared/graph: the steps of layoutGraph(), one file each (layering, ordering,
// coordinates), sharing this proper layered graph.

#include "GraphLayout.h"

#include <vector>

namespace aisbf::graph::detail {

struct ProperGraph
{
    int nodeCount = 0;                    // real nodes; vertex ids >= nodeCount are dummies
    std::vector<int> layerOf;             // per vertex
    std::vector<std::vector<int>> layers; // vertex ids per layer, in drawing order
    std::vector<std::vector<int>> up;     // per vertex: neighbours in the layer above (index - 1)
    std::vector<std::vector<int>> down;   // per vertex: neighbours in the layer below (index + 1)
    std::vector<std::vector<int>> chains; // per input edge: vertices from its source to its
                                          // target (empty when the edge was dropped)

    int vertexCount() const { return int(layerOf.size()); }
};

// Breaks cycles, assigns layers and inserts dummies; layers start in input order.
ProperGraph buildProperGraph(const LayoutInput &input);

// Total crossings of the current order; @p position is scratch, resized here.
qint64 totalCrossings(const ProperGraph &graph, std::vector<int> &position);

// Barycenter sweeps; keeps the best order seen. Returns {before, after}.
std::pair<qint64, qint64> reduceCrossings(ProperGraph &graph, int sweeps);

// Fills positions, edgePaths and size of @p result from the ordered layers.
void assignCoordinates(const ProperGraph &graph, const LayoutInput &input,
                       const LayoutOptions &options, LayoutResult &result);

} // namespace aisbf::graph::detail
