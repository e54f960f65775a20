// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// GraphView's path for the software scene graph backend (no GPU, or the offscreen
// platform), which does not draw QSGGeometryNode: a render node painting with QPainter.

#include "GraphScene.h"

#include <QLineF>
#include <QSGRenderNode>

class QPainter;
class QQuickWindow;

namespace aisbf::app {

class GraphPainterNode : public QSGRenderNode
{
public:
    explicit GraphPainterNode(QQuickWindow *window) : m_window(window) {}

    void setScene(GraphScene scene, const QRectF &rect);

    void render(const RenderState *state) override;
    StateFlags changedStates() const override { return {}; }
    RenderingFlags flags() const override { return BoundedRectRendering; }
    QRectF rect() const override { return m_rect; }

private:
    // Edge segments of one colour and width in whole screen pixels.
    struct LineBatch
    {
        QColor color;
        int pixels = 1;
        QList<QLineF> lines;
    };

    void paintEdges(QPainter *painter) const;

    QQuickWindow *m_window;
    GraphScene m_scene;
    QList<LineBatch> m_batches;
    qsizetype m_segments = 0;
    QRectF m_rect;
};

} // namespace aisbf::app
