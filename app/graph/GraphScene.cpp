// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphScene.h"

#include "GraphModel.h"

#include <algorithm>
#include <cmath>

namespace aisbf::app {

namespace {

QColor mix(const QColor &a, const QColor &b, double t)
{
    const auto channel = [t](int x, int y) {
        return int(x + (y - x) * t + 0.5);
    };
    return QColor(channel(a.red(), b.red()), channel(a.green(), b.green()),
                  channel(a.blue(), b.blue()), channel(a.alpha(), b.alpha()));
}

} // namespace

QColor healthColor(graph::HealthState state)
{
    switch (state) {
    case graph::HealthState::Ok:
        return QColor(63, 164, 106);
    case graph::HealthState::Cooling:
        return QColor(240, 160, 40);
    case graph::HealthState::Failing:
        return QColor(214, 64, 60);
    }
    return QColor(128, 128, 128);
}

QColor edgeColor(double traffic, bool fallback)
{
    const QColor idle = fallback ? QColor(150, 130, 190, 150) : QColor(140, 150, 168, 170);
    const QColor busy(40, 110, 230, 255);
    // A little traffic should already show: the square root lifts small shares.
    return mix(idle, busy, std::sqrt(std::clamp(traffic, 0.0, 1.0)));
}

float edgePixelWidth(double traffic)
{
    return float(1.0 + 4.0 * std::clamp(traffic, 0.0, 1.0));
}

GraphScene buildScene(const GraphModel &model, qreal zoom)
{
    const qreal unit = 1.0 / std::max<qreal>(zoom, 0.01); // item units per screen pixel
    const graph::RouteGraph &g = model.graph();
    const graph::GraphHealth &health = model.health();
    GraphScene scene;
    scene.zoom = std::max<qreal>(zoom, 0.01);
    scene.edges.reserve(g.edges().size());
    for (int i = 0; i < int(g.edges().size()); ++i) {
        const graph::GraphEdge &edge = g.edges().at(i);
        const double traffic = health.edges.value(i).share;
        scene.edges.append({model.layout().edgePaths.value(i), edgeColor(traffic, edge.fallback),
                            float(edgePixelWidth(traffic) * unit)});
    }
    scene.nodes.reserve(g.nodes().size());
    for (int i = 0; i < int(g.nodes().size()); ++i) {
        const QColor fill = healthColor(health.nodes.value(i).state);
        scene.nodes.append({model.nodeRect(i), fill, fill.darker(150), float(unit)});
    }
    if (model.selectedIndex() >= 0)
        scene.selection = model.nodeRect(model.selectedIndex());
    scene.selectionColor = QColor(40, 110, 230);
    scene.selectionWidth = float(3 * unit);
    return scene;
}

} // namespace aisbf::app
