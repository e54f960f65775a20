// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace aisbf::app {

/**
 * Registers the Graph page's types under the QML URI "Aisbf.Graph" 1.0: GraphModel and
 * GraphView (creatable), GraphNodeModel and GraphEdgeModel (reached through
 * GraphModel.nodes / GraphModel.edges). Call once before loading QML.
 */
void registerGraphTypes();

} // namespace aisbf::app
