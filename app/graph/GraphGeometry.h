// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Tessellation of a GraphScene into triangles with per-vertex colours (the hardware path of
// GraphView: one geometry for all edges, one for all node boxes).

#include "GraphScene.h"

#include <QSGGeometry>

namespace aisbf::app {

/** Vertices the edges need: six per polyline segment (a quad of two triangles). */
int edgeVertexCount(const GraphScene &scene);
/** Vertices the boxes need: a fill and four border quads per node, four for the selection. */
int nodeVertexCount(const GraphScene &scene);

/** Reallocates @p geometry (ColoredPoint2D, triangles) and fills it with the edges. */
void fillEdgeGeometry(const GraphScene &scene, QSGGeometry *geometry);
/** Reallocates @p geometry (ColoredPoint2D, triangles) and fills it with the boxes. */
void fillNodeGeometry(const GraphScene &scene, QSGGeometry *geometry);

} // namespace aisbf::app
