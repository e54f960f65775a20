// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "GraphModel.h"

#include <QPointer>
#include <QQuickItem>

namespace aisbf::app {

/**
 * Draws a GraphModel: all edges in one geometry node, all node boxes in another (vertex
 * colours; on the software backend one QPainter render node instead). Item coordinates are
 * graph coordinates and the implicit size is the model's bounds, so a page pans and zooms by
 * transforming this item and overlays labels from model.nodes at the same coordinates.
 * Geometry is rebuilt only when the model or the zoom changes. QML: "Aisbf.Graph" 1.0.
 */
class GraphView : public QQuickItem
{
    Q_OBJECT
    Q_PROPERTY(aisbf::app::GraphModel *model READ model WRITE setModel NOTIFY modelChanged)
    /** The scale the page applies to this item; keeps edge and outline widths constant on
     *  screen and drives labelsVisible. */
    Q_PROPERTY(qreal zoom READ zoom WRITE setZoom NOTIFY zoomChanged)
    /** Below this zoom labelsVisible turns false (default 0.5). */
    Q_PROPERTY(qreal labelZoomThreshold READ labelZoomThreshold WRITE setLabelZoomThreshold NOTIFY
                   labelZoomThresholdChanged)
    /** Whether overlaid labels are legible at the current zoom. */
    Q_PROPERTY(bool labelsVisible READ labelsVisible NOTIFY labelsVisibleChanged)

public:
    explicit GraphView(QQuickItem *parent = nullptr);

    GraphModel *model() const { return m_model; }
    void setModel(GraphModel *model);
    qreal zoom() const { return m_zoom; }
    void setZoom(qreal zoom);
    qreal labelZoomThreshold() const { return m_labelZoomThreshold; }
    void setLabelZoomThreshold(qreal threshold);
    bool labelsVisible() const { return m_zoom >= m_labelZoomThreshold; }

    /** How many times the drawing was rebuilt from the model (tests check it stays put). */
    int sceneBuildCount() const { return m_sceneBuilds; }

Q_SIGNALS:
    void modelChanged();
    void zoomChanged();
    void labelZoomThresholdChanged();
    void labelsVisibleChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *data) override;

private:
    void invalidate();
    void modelGraphChanged();
    void setZoomAndThreshold(qreal zoom, qreal threshold);

    QPointer<GraphModel> m_model;
    qreal m_zoom = 1;
    qreal m_labelZoomThreshold = 0.5;
    bool m_dirty = true;
    int m_sceneBuilds = 0;
};

} // namespace aisbf::app
