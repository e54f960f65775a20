// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What GraphView draws, in item coordinates, independent of the scene graph backend: the
// hardware path tessellates it into vertex buffers, the software path paints it.

#include "graph/GraphHealth.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QRectF>

namespace aisbf::app {

class GraphModel;

struct EdgeStroke
{
    QList<QPointF> points;
    QColor color;
    float width = 1; ///< item units
};

struct NodeBox
{
    QRectF rect;
    QColor fill;
    QColor border;
    float borderWidth = 1; ///< item units, drawn inside rect
};

struct GraphScene
{
    QList<EdgeStroke> edges;
    QList<NodeBox> nodes;
    QRectF selection; ///< the selected node's rect (null when none)
    QColor selectionColor;
    float selectionWidth = 3; ///< item units, drawn outside the selected rect
    qreal zoom = 1;           ///< screen pixels per item unit the widths were made for
};

/** Fill colour of a node in @p state: ok green, cooling amber, failing red. */
QColor healthColor(graph::HealthState state);
/** Colour of an edge carrying @p traffic (0..1) of its source's requests. */
QColor edgeColor(double traffic, bool fallback);
/** Width in screen pixels of an edge carrying @p traffic. */
float edgePixelWidth(double traffic);

/** The scene for @p model at @p zoom (screen pixels per item unit; widths stay constant on
 *  screen). */
GraphScene buildScene(const GraphModel &model, qreal zoom);

} // namespace aisbf::app
