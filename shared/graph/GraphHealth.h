// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace aisbf::graph {

class RouteGraph;

/** The admin API's route states: "cooling" = in error cooldown now, "failing" = errors in the
 *  last 60 s but not cooling, "ok" otherwise. */
enum class HealthState
{
    Ok,
    Cooling,
    Failing,
};

/** "ok", "cooling" or "failing". */
QString healthStateName(HealthState state);
/** The state named @p name, or nullopt for anything else. */
std::optional<HealthState> healthStateFromName(const QString &name);

/** Health of one node. */
struct NodeHealth
{
    HealthState state = HealthState::Ok;
    int cooldownRemainingSec = 0; ///< set while cooling (0 when the end is unknown)
    double requestsPerSec = 0;

    friend bool operator==(const NodeHealth &, const NodeHealth &) = default;
};

/** Traffic over one edge. */
struct EdgeTraffic
{
    double requestsPerSec = 0; ///< measured (rotation entries in the state) or estimated
    double share = 0;          ///< fraction of the source's outgoing requests, 0..1
    bool measured = false;     ///< requestsPerSec came from the gateway, not an estimate

    friend bool operator==(const EdgeTraffic &, const EdgeTraffic &) = default;
};

/** Health of a whole RouteGraph, indexed like its nodes and edges. */
struct GraphHealth
{
    QList<NodeHealth> nodes;
    QList<EdgeTraffic> edges;

    friend bool operator==(const GraphHealth &, const GraphHealth &) = default;
};

/**
 * Merges GET /api/admin/state into per-node health and per-edge traffic: provider models and
 * providers from "providers", rotation rates and entry rates from "rotations", autoselect rates
 * from "autoselects"; then deriveHealth(). Entries the graph does not know are ignored.
 */
GraphHealth healthFromState(const RouteGraph &graph, const QJsonObject &state);

/**
 * Fills in what follows from the provider models' health:
 * - a provider with models takes the worst state of its models (failing > cooling > ok) and,
 *   when cooling, the longest remaining cooldown;
 * - a rotation or autoselect with targets is as available as its best target: ok if one is
 *   ok, else failing if one is still tried, else cooling until the first target returns;
 * - edge traffic: each node's outgoing requests are split by the edges' measured rates, or
 *   where nothing was measured by the targets' rates (a model sends everything to its
 *   provider), or when even those are zero by the configured shares; traffic.share is the
 *   split, requestsPerSec the source's rate times the share (measured rates are kept). A
 *   node without a rate sends nothing.
 * Nodes without targets and without models keep the state they have.
 */
void deriveHealth(const RouteGraph &graph, GraphHealth &health);

} // namespace aisbf::graph
