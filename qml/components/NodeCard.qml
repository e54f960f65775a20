// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts
import Aisbf.Control

// One gateway node of the cluster: identity, load and heartbeat.
Rectangle {
    id: node

    property string nodeId
    property string host
    property int port
    property string version
    property real uptimeSec
    property real requestsPerSec
    property int activeRequests
    property int heartbeatAgeSec
    property bool self
    property bool stale

    implicitWidth: 360
    implicitHeight: column.implicitHeight + 32
    radius: Theme.radius
    color: Theme.surface
    border.color: stale ? Theme.bad : Theme.border

    component Figure: ColumnLayout {
        property string label
        property string value
        property color valueColor: Theme.text
        spacing: 2
        Layout.fillWidth: true
        Text { text: parent.label.toUpperCase(); color: Theme.textFaint; font.pixelSize: 10; font.letterSpacing: 0.8; font.weight: Font.DemiBold }
        Text { text: parent.value; color: parent.valueColor; font.pixelSize: 18; font.weight: Font.DemiBold }
    }

    ColumnLayout {
        id: column
        anchors { fill: parent; margins: 16 }
        spacing: 14

        RowLayout {
            spacing: 10
            Layout.fillWidth: true
            StatusDot { health: node.stale ? "down" : "ok" }
            ColumnLayout {
                spacing: 0
                Layout.fillWidth: true
                Text { text: node.nodeId; color: Theme.text; font.pixelSize: Theme.fontHeading; font.weight: Font.DemiBold; elide: Text.ElideRight; Layout.fillWidth: true }
                Text { text: node.host + ":" + node.port + "  ·  v" + node.version; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
            }
            Badge { visible: node.self; text: "THIS NODE"; tone: Theme.accent }
            Badge { visible: node.stale; text: "STALE"; tone: Theme.bad }
        }
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            Figure { label: "Requests/s"; value: Format.rate(node.requestsPerSec) }
            Figure { label: "Active"; value: String(node.activeRequests) }
            Figure { label: "Uptime"; value: Format.duration(node.uptimeSec) }
            Figure {
                label: "Heartbeat"
                value: node.heartbeatAgeSec <= 1 ? "just now" : Format.duration(node.heartbeatAgeSec) + " ago"
                valueColor: node.stale ? Theme.bad : Theme.ok
            }
        }
    }
}
