// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Configs for the graph tests and aisbf-graph-bench: the guide's documents and a synthetic
// network of a chosen size.

#include "config/Config.h"

#include <QJsonObject>
#include <QString>

namespace aisbf::graph {
class RouteGraph;
}

namespace aisbf::testing {

/** The size of a synthetic network. The defaults give 500 nodes and 2,000 edges. */
struct SyntheticShape
{
    int autoselects = 20;
    int rotations = 80;
    int providers = 40;
    int modelsPerProvider = 9;
    int entriesPerRotation = 14;      ///< distinct models per rotation
    int candidatesPerAutoselect = 26; ///< distinct routes per autoselect
};

/** A deterministic config of @p shape; autoselects also chain to earlier autoselects. */
config::ConfigSet syntheticConfig(const SyntheticShape &shape = {}, quint32 seed = 1);

/** A "stats" event payload giving every provider model and rotation a rate that depends on
 *  @p frame (so each frame changes the drawing). */
QJsonObject syntheticStats(const graph::RouteGraph &graph, int frame);

/** A JSON object read from tests/data/@p relativePath (empty object on failure). */
QJsonObject readDataJson(const QString &relativePath);

} // namespace aisbf::testing
