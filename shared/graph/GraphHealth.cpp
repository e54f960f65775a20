// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphHealth.h"

#include "HealthTracker.h"
#include "RouteGraph.h"

#include <algorithm>
#include <memory>

namespace aisbf::graph {

namespace {

// Severity for a provider (worst of its models) ...
int severity(HealthState state)
{
    switch (state) {
    case HealthState::Ok:
        return 0;
    case HealthState::Cooling:
        return 1;
    case HealthState::Failing:
        return 2;
    }
    return 0;
}

// ... and availability for a rotation or autoselect: a failing target is still tried, a
// cooling one is not.
int availability(HealthState state)
{
    switch (state) {
    case HealthState::Ok:
        return 2;
    case HealthState::Failing:
        return 1;
    case HealthState::Cooling:
        return 0;
    }
    return 0;
}

void deriveProviders(const RouteGraph &graph, GraphHealth &health)
{
    for (int v = 0; v < int(graph.nodes().size()); ++v) {
        if (graph.nodes().at(v).kind != NodeKind::Provider || graph.inEdges(v).isEmpty())
            continue;
        NodeHealth &provider = health.nodes[v];
        provider.state = HealthState::Ok;
        provider.cooldownRemainingSec = 0;
        for (int e : graph.inEdges(v)) {
            const NodeHealth &model = health.nodes.at(graph.edges().at(e).from);
            if (severity(model.state) > severity(provider.state))
                provider.state = model.state;
            if (model.state == HealthState::Cooling)
                provider.cooldownRemainingSec =
                    std::max(provider.cooldownRemainingSec, model.cooldownRemainingSec);
        }
        if (provider.state != HealthState::Cooling)
            provider.cooldownRemainingSec = 0;
    }
}

// Rotations and autoselects, targets first; autoselect chains may (wrongly) form a cycle, so
// a node met again while open counts as unavailable instead of recursing forever.
class RouteAvailability
{
public:
    RouteAvailability(const RouteGraph &graph, GraphHealth &health)
        : m_graph(graph), m_health(health), m_mark(graph.nodes().size(), Unseen)
    {}

    void run()
    {
        for (int v = 0; v < int(m_graph.nodes().size()); ++v)
            visit(v);
    }

private:
    enum Mark : char
    {
        Unseen,
        Open,
        Done
    };

    void visit(int v)
    {
        const NodeKind kind = m_graph.nodes().at(v).kind;
        if (m_mark[v] != Unseen || (kind != NodeKind::Rotation && kind != NodeKind::Autoselect) ||
            m_graph.outEdges(v).isEmpty()) {
            m_mark[v] = Done;
            return;
        }
        m_mark[v] = Open;
        NodeHealth best{HealthState::Cooling, 0, m_health.nodes.at(v).requestsPerSec};
        bool seenTarget = false;
        for (int e : m_graph.outEdges(v)) {
            const int to = m_graph.edges().at(e).to;
            visit(to);
            if (m_mark[to] == Open)
                continue;
            const NodeHealth &target = m_health.nodes.at(to);
            if (!seenTarget || availability(target.state) > availability(best.state)) {
                best.state = target.state;
                best.cooldownRemainingSec = target.cooldownRemainingSec;
            } else if (target.state == HealthState::Cooling && best.state == HealthState::Cooling) {
                best.cooldownRemainingSec =
                    std::min(best.cooldownRemainingSec, target.cooldownRemainingSec);
            }
            seenTarget = true;
        }
        if (seenTarget) {
            if (best.state != HealthState::Cooling)
                best.cooldownRemainingSec = 0;
            m_health.nodes[v] = best;
        }
        m_mark[v] = Done;
    }

    const RouteGraph &m_graph;
    GraphHealth &m_health;
    std::vector<char> m_mark;
};

// What an edge would carry without a measurement: a model sends all its requests to its
// provider; elsewhere the target's own rate is the best guess of how the source splits.
double estimatedBase(const RouteGraph &graph, const GraphHealth &health, int e)
{
    const GraphEdge &edge = graph.edges().at(e);
    const EdgeTraffic &t = health.edges.at(e);
    if (t.measured)
        return t.requestsPerSec;
    if (edge.kind == EdgeKind::ModelProvider)
        return health.nodes.at(edge.from).requestsPerSec;
    return health.nodes.at(edge.to).requestsPerSec;
}

void deriveTraffic(const RouteGraph &graph, GraphHealth &health)
{
    for (int v = 0; v < int(graph.nodes().size()); ++v) {
        const QList<int> &out = graph.outEdges(v);
        const double sourceRate = health.nodes.at(v).requestsPerSec;
        bool anyMeasured = false;
        double sum = 0;
        for (int e : out) {
            anyMeasured = anyMeasured || health.edges.at(e).measured;
            sum += estimatedBase(graph, health, e);
        }
        // Busy with no hint at all where the requests went: split by the configured weights.
        const bool byWeight = sum <= 0 && sourceRate > 0;
        double weights = 0;
        for (int e : out)
            weights += graph.edges().at(e).share;
        for (int e : out) {
            EdgeTraffic &t = health.edges[e];
            // Without a rate of its own (and nothing measured) a node sends nothing, however
            // busy its targets are through other routes.
            double share = 0;
            if (byWeight)
                share = weights > 0 ? graph.edges().at(e).share / weights : 0.0;
            else if (sum > 0 && (anyMeasured || sourceRate > 0))
                share = estimatedBase(graph, health, e) / sum;
            t.share = share;
            if (!t.measured)
                t.requestsPerSec = share * sourceRate;
        }
    }
}

} // namespace

QString healthStateName(HealthState state)
{
    switch (state) {
    case HealthState::Ok:
        return QStringLiteral("ok");
    case HealthState::Cooling:
        return QStringLiteral("cooling");
    case HealthState::Failing:
        return QStringLiteral("failing");
    }
    return {};
}

std::optional<HealthState> healthStateFromName(const QString &name)
{
    for (HealthState s : {HealthState::Ok, HealthState::Cooling, HealthState::Failing}) {
        if (name == healthStateName(s))
            return s;
    }
    return std::nullopt;
}

void deriveHealth(const RouteGraph &graph, GraphHealth &health)
{
    health.nodes.resize(graph.nodes().size());
    health.edges.resize(graph.edges().size());
    deriveProviders(graph, health);
    RouteAvailability(graph, health).run();
    deriveTraffic(graph, health);
}

GraphHealth healthFromState(const RouteGraph &graph, const QJsonObject &state)
{
    // At time 0 every remaining cooldown reads back exactly as the state reported it.
    HealthTracker tracker(std::make_shared<const RouteGraph>(graph));
    tracker.applyState(state, 0);
    return tracker.health();
}

} // namespace aisbf::graph
