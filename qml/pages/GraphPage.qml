// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control
import Aisbf.Graph 1.0

// autoselect -> rotations -> provider/models -> providers, with live health and traffic.
// Drag to pan, wheel or pinch to zoom, click a node for its details.
Item {
    id: page

    readonly property GraphFeed feed: Session.graph
    readonly property var graphModel: feed.model
    readonly property bool loading: feed.loading
    property var selectedNode: null
    // The part of the graph in the window, in graph coordinates: only its labels are created.
    readonly property rect visibleArea: Qt.rect(-canvas.x / viewport.zoom, -canvas.y / viewport.zoom,
                                                viewport.width / viewport.zoom,
                                                viewport.height / viewport.zoom)
    property var selectedLinks: []

    function roleOf(model: var, row: int, role: int): var {
        return model.data(model.index(row, 0), role)
    }
    function refreshSelection() {
        const id = graphModel.selectedId
        if (!id) {
            selectedNode = null
            selectedLinks = []
            return
        }
        const nodes = graphModel.nodes
        for (let i = 0; i < nodes.count; ++i) {
            if (roleOf(nodes, i, GraphNodeModel.NodeIdRole) !== id)
                continue
            selectedNode = {
                nodeId: id,
                kind: roleOf(nodes, i, GraphNodeModel.KindRole),
                label: roleOf(nodes, i, GraphNodeModel.LabelRole),
                health: roleOf(nodes, i, GraphNodeModel.HealthRole),
                cooldownRemaining: roleOf(nodes, i, GraphNodeModel.CooldownRemainingRole),
                requestsPerSec: roleOf(nodes, i, GraphNodeModel.RequestsPerSecRole)
            }
        }
        const edges = graphModel.edges
        const links = []
        for (let e = 0; e < edges.count; ++e) {
            const from = roleOf(edges, e, GraphEdgeModel.FromIdRole)
            const to = roleOf(edges, e, GraphEdgeModel.ToIdRole)
            if (from !== id && to !== id)
                continue
            links.push({
                direction: from === id ? "out" : "in",
                other: from === id ? to : from,
                kind: roleOf(edges, e, GraphEdgeModel.KindRole),
                weight: roleOf(edges, e, GraphEdgeModel.WeightRole),
                share: roleOf(edges, e, GraphEdgeModel.ShareRole)
            })
        }
        selectedLinks = links
    }
    function zoomAt(px: real, py: real, factor: real) {
        const z = Math.max(0.15, Math.min(3, viewport.zoom * factor))
        canvas.x = px - (px - canvas.x) * z / viewport.zoom
        canvas.y = py - (py - canvas.y) * z / viewport.zoom
        viewport.zoom = z
    }
    function fit() {
        const b = graphModel.bounds
        if (b.width <= 0 || b.height <= 0 || viewport.width <= 0)
            return
        const z = Math.max(0.15, Math.min(1.3, Math.min((viewport.width - 60) / b.width, (viewport.height - 60) / b.height)))
        viewport.zoom = z
        canvas.x = (viewport.width - b.width * z) / 2
        canvas.y = (viewport.height - b.height * z) / 2
    }

    Connections {
        target: page.graphModel
        function onGraphChanged() { page.fit(); page.refreshSelection() }
        function onHealthChanged() { page.refreshSelection() }
        function onSelectedIdChanged() { page.refreshSelection() }
    }
    Component.onCompleted: Qt.callLater(fit)

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pagePadding }
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: "Graph"
            subtitle: page.graphModel.nodeCount + " nodes · " + page.graphModel.edgeCount + " edges · live health from the gateway"
            Repeater {
                model: [{ h: "ok", t: "ok" }, { h: "failing", t: "failing" }, { h: "cooling", t: "cooling" }, { h: "unknown", t: "idle" }]
                delegate: RowLayout {
                    required property var modelData
                    spacing: 4
                    StatusDot { health: modelData.h; size: 8 }
                    Text { text: modelData.t; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
                }
            }
            Button { text: "−"; flat: true; onClicked: page.zoomAt(viewport.width / 2, viewport.height / 2, 0.8) }
            Button { text: "+"; flat: true; onClicked: page.zoomAt(viewport.width / 2, viewport.height / 2, 1.25) }
            Button { text: "Fit"; flat: true; onClicked: page.fit() }
        }

        Text {
            visible: page.graphModel.error.length > 0
            text: page.graphModel.error
            color: Theme.bad
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.gap

            Rectangle {
                id: viewport
                objectName: "graphViewport"
                property real zoom: 1
                Layout.fillWidth: true
                Layout.fillHeight: true
                color: Theme.surface
                radius: Theme.radius
                border.color: Theme.border
                clip: true
                onWidthChanged: if (page.graphModel.nodeCount > 0 && zoom === 1) Qt.callLater(page.fit)

                Item {
                    id: canvas
                    objectName: "graphCanvas"
                    transformOrigin: Item.TopLeft
                    scale: viewport.zoom
                    width: page.graphModel.bounds.width
                    height: page.graphModel.bounds.height

                    GraphView {
                        id: view
                        anchors.fill: parent
                        model: page.graphModel
                        zoom: viewport.zoom
                    }
                    Repeater {
                        model: ViewportFilter {
                            sourceModel: view.labelsVisible ? page.graphModel.edges : null
                            area: page.visibleArea
                            xRole: "labelX"
                            yRole: "labelY"
                        }
                        delegate: Text {
                            required property string kind
                            required property real weight
                            required property real labelX
                            required property real labelY
                            visible: view.labelsVisible && kind === "entry"
                            x: labelX - width / 2
                            y: labelY - height / 2
                            text: "w" + weight
                            color: Theme.textDim
                            font.pixelSize: 10
                        }
                    }
                    Repeater {
                        model: ViewportFilter {
                            sourceModel: view.labelsVisible ? page.graphModel.nodes : null
                            area: page.visibleArea
                            widthRole: "width"
                            heightRole: "height"
                        }
                        delegate: Item {
                            id: nodeLabel
                            required property var model
                            x: model.x
                            y: model.y
                            width: model.width
                            height: model.height
                            visible: view.labelsVisible
                            Column {
                                anchors.centerIn: parent
                                width: parent.width - 12
                                spacing: 1
                                Text {
                                    width: parent.width
                                    horizontalAlignment: Text.AlignHCenter
                                    text: nodeLabel.model.label
                                    color: "white"
                                    font.pixelSize: 12
                                    font.weight: Font.DemiBold
                                    elide: Text.ElideMiddle
                                }
                                Text {
                                    width: parent.width
                                    horizontalAlignment: Text.AlignHCenter
                                    text: nodeLabel.model.health === "cooling"
                                          ? "cooling " + Math.ceil(nodeLabel.model.cooldownRemaining) + "s"
                                          : nodeLabel.model.kind + (nodeLabel.model.requestsPerSec > 0
                                                                    ? " · " + Format.rate(nodeLabel.model.requestsPerSec) + "/s" : "")
                                    color: Theme.text
                                    opacity: 0.85
                                    font.pixelSize: 10
                                    elide: Text.ElideRight
                                }
                            }
                        }
                    }
                }

                DragHandler {
                    target: canvas
                    cursorShape: Qt.ClosedHandCursor
                }
                WheelHandler {
                    onWheel: event => page.zoomAt(event.x, event.y, event.angleDelta.y > 0 ? 1.15 : 1 / 1.15)
                }
                PinchHandler {
                    target: null
                    property real startZoom: 1
                    onActiveChanged: if (active) startZoom = viewport.zoom
                    onActiveScaleChanged: page.zoomAt(centroid.position.x, centroid.position.y,
                                                      startZoom * activeScale / viewport.zoom)
                }
                TapHandler {
                    onTapped: (eventPoint, button) => {
                        const p = canvas.mapFromItem(viewport, eventPoint.position.x, eventPoint.position.y)
                        page.graphModel.select(page.graphModel.nodeAt(p.x, p.y))
                    }
                }
                Text {
                    anchors { left: parent.left; bottom: parent.bottom; margins: 10 }
                    text: Math.round(viewport.zoom * 100) + "%" + (view.labelsVisible ? "" : " · zoom in for labels")
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
                EmptyState {
                    anchors.centerIn: parent
                    visible: page.graphModel.nodeCount === 0 && !page.loading
                    text: "No routes configured"
                    hint: "Add providers and rotations on the Routes page."
                }
            }

            NodeDetails {
                visible: page.selectedNode !== null
                Layout.preferredWidth: 300
                Layout.fillHeight: true
                node: page.selectedNode
                links: page.selectedLinks
                onCloseRequested: page.graphModel.select("")
                onEditRequested: (document, itemId) => Session.openRoute(document, itemId)
            }
        }
    }

    LoadingIndicator {
        running: page.loading
        text: "Loading routes and live state…"
    }
}
