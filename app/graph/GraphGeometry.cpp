// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphGeometry.h"

#include <cmath>

namespace aisbf::app {

namespace {

constexpr int kQuad = 6;

// QSGVertexColorMaterial expects premultiplied colours.
struct Rgba
{
    uchar r, g, b, a;
};

Rgba premultiplied(const QColor &c)
{
    const int a = c.alpha();
    return {uchar(c.red() * a / 255), uchar(c.green() * a / 255), uchar(c.blue() * a / 255),
            uchar(a)};
}

class Writer
{
public:
    explicit Writer(QSGGeometry::ColoredPoint2D *v) : m_v(v) {}

    void quad(QPointF a, QPointF b, QPointF c, QPointF d, Rgba k) // a-b-c-d around
    {
        put(a, k);
        put(b, k);
        put(c, k);
        put(a, k);
        put(c, k);
        put(d, k);
    }

    void rect(const QRectF &r, Rgba k)
    {
        quad(r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft(), k);
    }

    // A segment as a quad of @p width, extended by half the width at both ends so the
    // joints of a polyline have no gaps.
    void segment(QPointF p, QPointF q, float width, Rgba k)
    {
        const QPointF d = q - p;
        const qreal length = std::hypot(d.x(), d.y());
        if (length <= 0) {
            quad(p, p, p, p, k);
            return;
        }
        const QPointF along = d * (width / 2 / length);
        const QPointF normal(-along.y(), along.x());
        p -= along;
        q += along;
        quad(p + normal, q + normal, q - normal, p - normal, k);
    }

private:
    void put(QPointF p, Rgba k) { (m_v++)->set(float(p.x()), float(p.y()), k.r, k.g, k.b, k.a); }

    QSGGeometry::ColoredPoint2D *m_v;
};

void frame(Writer &w, const QRectF &outer, qreal width, Rgba k)
{
    const QRectF inner = outer.adjusted(width, width, -width, -width);
    w.rect(QRectF(outer.topLeft(), QPointF(outer.right(), inner.top())), k);
    w.rect(QRectF(QPointF(outer.left(), inner.bottom()), outer.bottomRight()), k);
    w.rect(QRectF(QPointF(outer.left(), inner.top()), QPointF(inner.left(), inner.bottom())), k);
    w.rect(QRectF(QPointF(inner.right(), inner.top()), QPointF(outer.right(), inner.bottom())), k);
}

} // namespace

int edgeVertexCount(const GraphScene &scene)
{
    int count = 0;
    for (const EdgeStroke &edge : scene.edges)
        count += edge.points.size() > 1 ? kQuad * int(edge.points.size() - 1) : 0;
    return count;
}

int nodeVertexCount(const GraphScene &scene)
{
    return kQuad * 5 * int(scene.nodes.size()) + (scene.selection.isNull() ? 0 : kQuad * 4);
}

void fillEdgeGeometry(const GraphScene &scene, QSGGeometry *geometry)
{
    geometry->allocate(edgeVertexCount(scene));
    Writer w(geometry->vertexDataAsColoredPoint2D());
    for (const EdgeStroke &edge : scene.edges) {
        const Rgba k = premultiplied(edge.color);
        for (qsizetype i = 1; i < edge.points.size(); ++i)
            w.segment(edge.points.at(i - 1), edge.points.at(i), edge.width, k);
    }
}

void fillNodeGeometry(const GraphScene &scene, QSGGeometry *geometry)
{
    geometry->allocate(nodeVertexCount(scene));
    Writer w(geometry->vertexDataAsColoredPoint2D());
    for (const NodeBox &node : scene.nodes) {
        w.rect(node.rect, premultiplied(node.fill));
        frame(w, node.rect, node.borderWidth, premultiplied(node.border));
    }
    if (!scene.selection.isNull()) {
        const qreal s = scene.selectionWidth;
        frame(w, scene.selection.adjusted(-s, -s, s, s), s, premultiplied(scene.selectionColor));
    }
}

} // namespace aisbf::app
