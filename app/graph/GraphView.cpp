// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphView.h"

#include "GraphGeometry.h"
#include "GraphPainterNode.h"

#include <QQuickWindow>
#include <QSGGeometryNode>
#include <QSGRendererInterface>
#include <QSGVertexColorMaterial>

#include <algorithm>

namespace aisbf::app {

namespace {

QSGGeometryNode *colouredTriangles()
{
    auto *node = new QSGGeometryNode;
    auto *geometry = new QSGGeometry(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
    geometry->setDrawingMode(QSGGeometry::DrawTriangles);
    node->setGeometry(geometry);
    node->setMaterial(new QSGVertexColorMaterial);
    node->setFlags(QSGNode::OwnsGeometry | QSGNode::OwnsMaterial);
    return node;
}

bool softwareBackend(const QQuickWindow *window)
{
    return window && window->rendererInterface()->graphicsApi() == QSGRendererInterface::Software;
}

} // namespace

GraphView::GraphView(QQuickItem *parent) : QQuickItem(parent)
{
    setFlag(ItemHasContents, true);
}

void GraphView::setModel(GraphModel *model)
{
    if (m_model == model)
        return;
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &GraphModel::graphChanged, this, &GraphView::modelGraphChanged);
        connect(m_model, &GraphModel::healthChanged, this, &GraphView::invalidate);
        connect(m_model, &GraphModel::selectedIdChanged, this, &GraphView::invalidate);
        connect(m_model, &QObject::destroyed, this, &GraphView::modelGraphChanged);
    }
    modelGraphChanged();
    Q_EMIT modelChanged();
}

void GraphView::setZoom(qreal zoom)
{
    if (zoom <= 0 || qFuzzyCompare(m_zoom, zoom))
        return;
    setZoomAndThreshold(zoom, m_labelZoomThreshold);
    Q_EMIT zoomChanged();
    invalidate();
}

void GraphView::setLabelZoomThreshold(qreal threshold)
{
    if (qFuzzyCompare(m_labelZoomThreshold, threshold))
        return;
    setZoomAndThreshold(m_zoom, threshold);
    Q_EMIT labelZoomThresholdChanged();
}

void GraphView::setZoomAndThreshold(qreal zoom, qreal threshold)
{
    const bool wereVisible = labelsVisible();
    m_zoom = zoom;
    m_labelZoomThreshold = threshold;
    if (wereVisible != labelsVisible())
        Q_EMIT labelsVisibleChanged();
}

void GraphView::modelGraphChanged()
{
    const QRectF bounds = m_model ? m_model->bounds() : QRectF();
    setImplicitSize(bounds.width(), bounds.height());
    invalidate();
}

void GraphView::invalidate()
{
    m_dirty = true;
    update();
}

QSGNode *GraphView::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *)
{
    if (!m_model || m_model->nodeCount() == 0) {
        delete oldNode;
        return nullptr;
    }
    const bool software = softwareBackend(window());
    const QSGNode::NodeType wanted = software ? QSGNode::RenderNodeType : QSGNode::BasicNodeType;
    if (oldNode && oldNode->type() != wanted) {
        delete oldNode;
        oldNode = nullptr;
    }
    if (oldNode && !m_dirty)
        return oldNode;
    m_dirty = false;
    ++m_sceneBuilds;
    GraphScene scene = buildScene(*m_model, m_zoom);
    if (software) {
        auto *node =
            oldNode ? static_cast<GraphPainterNode *>(oldNode) : new GraphPainterNode(window());
        const qreal margin = 2 * scene.selectionWidth + 8 / std::max<qreal>(m_zoom, 0.01);
        node->setScene(std::move(scene),
                       m_model->bounds().adjusted(-margin, -margin, margin, margin));
        return node;
    }
    QSGNode *root = oldNode;
    if (!root) {
        root = new QSGNode;
        root->appendChildNode(colouredTriangles()); // edges below ...
        root->appendChildNode(colouredTriangles()); // ... node boxes
    }
    auto *edges = static_cast<QSGGeometryNode *>(root->firstChild());
    auto *boxes = static_cast<QSGGeometryNode *>(root->lastChild());
    fillEdgeGeometry(scene, edges->geometry());
    fillNodeGeometry(scene, boxes->geometry());
    edges->markDirty(QSGNode::DirtyGeometry);
    boxes->markDirty(QSGNode::DirtyGeometry);
    return root;
}

} // namespace aisbf::app
