// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// Every gateway node with its load and last heartbeat (a single node shows itself).
Item {
    id: page

    readonly property ClusterModel model: Session.cluster
    property bool loaded: false
    readonly property bool loading: !loaded

    Component.onCompleted: model.refresh()

    Connections {
        target: page.model
        function onLoadingChanged() {
            if (!page.model.loading)
                page.loaded = true
        }
    }
    Timer {
        interval: 5000
        running: true
        repeat: true
        onTriggered: page.model.refresh()
    }

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pagePadding }
        spacing: Theme.gap

        PageHeader {
            Layout.fillWidth: true
            title: "Cluster"
            subtitle: page.model.count + (page.model.count === 1 ? " node" : " nodes") + "  ·  "
                      + Format.rate(page.model.totalRequestsPerSec) + " requests/s in total"
            Button {
                text: "Refresh"
                flat: true
                onClicked: page.model.refresh()
            }
        }

        Text {
            visible: page.model.errorString.length > 0
            text: "Cannot load the cluster: " + page.model.errorString
            color: Theme.bad
            font.pixelSize: Theme.fontBody
        }

        GridView {
            id: grid
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            cellWidth: Math.max(380, width / Math.max(1, Math.floor(width / 420)))
            cellHeight: 170
            model: page.model
            delegate: Item {
                required property string nodeId
                required property string host
                required property int port
                required property string version
                required property real uptimeSec
                required property real requestsPerSec
                required property int activeRequests
                required property int heartbeatAgeSec
                required property bool self
                required property bool stale
                width: grid.cellWidth
                height: grid.cellHeight
                NodeCard {
                    anchors { fill: parent; rightMargin: Theme.gap; bottomMargin: Theme.gap }
                    nodeId: parent.nodeId
                    host: parent.host
                    port: parent.port
                    version: parent.version
                    uptimeSec: parent.uptimeSec
                    requestsPerSec: parent.requestsPerSec
                    activeRequests: parent.activeRequests
                    heartbeatAgeSec: parent.heartbeatAgeSec
                    self: parent.self
                    stale: parent.stale
                }
            }
        }

        Text {
            text: "Nodes report a heartbeat every few seconds; one silent for over 30 s is marked stale. "
                  + "In a MySQL + Redis cluster every node appears here."
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
    }
}
