// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphPainterNode.h"

#include <QHash>
#include <QPainter>
#include <QQuickWindow>
#include <QSGRendererInterface>

#include <algorithm>
#include <cmath>

namespace aisbf::app {

namespace {

// QPainter's raster engine draws 1 px cosmetic lines on a fast path and strokes anything wider
// as a path, about 20 times slower (measured with aisbf-graph-bench at 2,000 edges). Wide
// edges are therefore drawn as parallel 1 px lines, and antialiasing is kept for graphs small
// enough to afford it.
constexpr qsizetype kAntialiasedSegments = 1500;
constexpr int kMaxPixels = 6;

} // namespace

void GraphPainterNode::setScene(GraphScene scene, const QRectF &rect)
{
    m_scene = std::move(scene);
    m_rect = rect;
    m_batches.clear();
    m_segments = 0;
    QHash<QPair<QRgb, int>, qsizetype> batchOf;
    for (const EdgeStroke &edge : std::as_const(m_scene.edges)) {
        const int pixels = std::clamp(int(std::lround(edge.width * m_scene.zoom)), 1, kMaxPixels);
        const QPair<QRgb, int> key(edge.color.rgba(), pixels);
        auto it = batchOf.constFind(key);
        if (it == batchOf.cend()) {
            it = batchOf.insert(key, m_batches.size());
            m_batches.append({edge.color, pixels, {}});
        }
        QList<QLineF> &lines = m_batches[*it].lines;
        for (qsizetype i = 1; i < edge.points.size(); ++i)
            lines.append(QLineF(edge.points.at(i - 1), edge.points.at(i)));
        m_segments += std::max<qsizetype>(0, edge.points.size() - 1);
    }
    markDirty(QSGNode::DirtyMaterial);
}

void GraphPainterNode::paintEdges(QPainter *painter) const
{
    // One screen pixel in item units, for the parallel lines of wide edges.
    const QTransform t = painter->transform();
    const qreal scale = std::sqrt(std::abs(t.determinant()));
    const qreal pixel = scale > 0 ? 1 / scale : 1;
    QPen pen;
    pen.setCosmetic(true);
    pen.setWidth(1);
    pen.setCapStyle(Qt::FlatCap);
    QList<QLineF> shifted;
    for (const LineBatch &batch : m_batches) {
        pen.setColor(batch.color);
        painter->setPen(pen);
        for (int k = 0; k < batch.pixels; ++k) {
            const qreal offset = (k - (batch.pixels - 1) / 2.0) * pixel;
            if (offset == 0) {
                painter->drawLines(batch.lines);
                continue;
            }
            // Shift across the line's main direction: vertical for flat lines, else sideways.
            shifted.resize(batch.lines.size());
            for (qsizetype i = 0; i < batch.lines.size(); ++i) {
                const QLineF &l = batch.lines.at(i);
                const QPointF d =
                    std::abs(l.dx()) >= std::abs(l.dy()) ? QPointF(0, offset) : QPointF(offset, 0);
                shifted[i] = l.translated(d);
            }
            painter->drawLines(shifted);
        }
    }
}

void GraphPainterNode::render(const RenderState *state)
{
    QSGRendererInterface *renderer = m_window->rendererInterface();
    auto *painter = static_cast<QPainter *>(
        renderer->getResource(m_window, QSGRendererInterface::PainterResource));
    if (!painter)
        return;
    painter->save();
    if (const QRegion *clip = state->clipRegion(); clip && !clip->isEmpty())
        painter->setClipRegion(*clip, Qt::ReplaceClip); // before the transform, as documented
    painter->setTransform(matrix()->toTransform());
    painter->setOpacity(inheritedOpacity());
    painter->setRenderHint(QPainter::Antialiasing, m_segments <= kAntialiasedSegments);
    painter->setBrush(Qt::NoBrush);
    paintEdges(painter);
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (const NodeBox &node : std::as_const(m_scene.nodes)) {
        painter->fillRect(node.rect, node.border);
        const qreal b = node.borderWidth;
        painter->fillRect(node.rect.adjusted(b, b, -b, -b), node.fill);
    }
    if (!m_scene.selection.isNull()) {
        const qreal s = m_scene.selectionWidth;
        QPen pen(m_scene.selectionColor, s);
        pen.setJoinStyle(Qt::MiterJoin);
        painter->setPen(pen);
        painter->drawRect(m_scene.selection.adjusted(-s / 2, -s / 2, s / 2, s / 2));
    }
    painter->restore();
}

} // namespace aisbf::app
