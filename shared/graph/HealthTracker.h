// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "GraphHealth.h"
#include "RouteGraph.h"

#include <QJsonObject>

#include <memory>

namespace aisbf::graph {

/**
 * Live health of a RouteGraph, fed by the admin API: a state snapshot now and then, and the
 * event feed in between ("cooldown", "stats", "request"). Cooldowns are kept as deadlines so
 * the remaining time counts down on tick(). Times are milliseconds since the epoch, passed in
 * so tests control the clock.
 */
class HealthTracker
{
public:
    /** How long a failed request keeps a route "failing" (the API's 60 s window). */
    static constexpr qint64 kFailingWindowMs = 60'000;

    explicit HealthTracker(std::shared_ptr<const RouteGraph> graph = {});

    /** Switches to @p graph; health of nodes and edges with the same ids is kept. */
    void setGraph(std::shared_ptr<const RouteGraph> graph, qint64 nowMs);
    const RouteGraph *graph() const { return m_graph.get(); }

    /** Replaces everything with GET /api/admin/state. */
    void applyState(const QJsonObject &state, qint64 nowMs);
    /** "cooldown" {provider, model, state: "started"|"ended", until: ISO|null}. */
    bool applyCooldown(const QJsonObject &data, qint64 nowMs);
    /** "stats" {routes: {"rotation/x": rps, "provider/model": rps, ...}}. */
    bool applyStats(const QJsonObject &data, qint64 nowMs);
    /** "request" {provider, model, status, ...}: a 5xx or 429 marks the route failing. */
    bool applyRequest(const QJsonObject &data, qint64 nowMs);
    /** Counts cooldowns down and ends expired ones; true when the health changed. */
    bool tick(qint64 nowMs);
    /** Whether a deadline is pending (a ticking timer is worth running). */
    bool hasDeadlines(qint64 nowMs) const;

    const GraphHealth &health() const { return m_health; }

private:
    // Deadlines of a node whose state is reported rather than derived (provider models, and
    // providers without models).
    struct Deadlines
    {
        qint64 coolingUntilMs = 0; ///< 0 = not cooling; max = cooling, end unknown
        qint64 failingUntilMs = 0;
    };

    int reportedNode(const QString &provider, const QString &model) const;
    void setReported(int node, const QString &state, const QJsonValue &remainingSec, qint64 nowMs);
    bool recompute(qint64 nowMs);

    std::shared_ptr<const RouteGraph> m_graph;
    QList<Deadlines> m_deadlines;
    GraphHealth m_health;
};

} // namespace aisbf::graph
