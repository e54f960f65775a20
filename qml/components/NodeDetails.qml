// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// The side panel of the Graph page: what the selected node is, its health and traffic, and an
// Edit button that opens it in the route editor.
Rectangle {
    id: panel

    property var node: null // {nodeId, kind, label, health, cooldownRemaining, requestsPerSec}
    property var links: []  // [{direction, other, kind, weight, share}]
    signal editRequested(string document, string itemId)
    signal closeRequested

    // "model/openai/gpt-4o" -> providers.json item "openai".
    function target(): var {
        if (!node)
            return null
        const parts = node.nodeId.split("/")
        switch (node.kind) {
        case "autoselect": return { doc: "autoselect", id: parts.slice(1).join("/") }
        case "rotation": return { doc: "rotations", id: parts.slice(1).join("/") }
        case "model": return { doc: "providers", id: parts[1] }
        default: return { doc: "providers", id: parts.slice(1).join("/") }
        }
    }

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border

    ColumnLayout {
        anchors { fill: parent; margins: 16 }
        spacing: 10
        visible: panel.node !== null

        RowLayout {
            Layout.fillWidth: true
            Badge { text: panel.node ? panel.node.kind : ""; tone: Theme.accent }
            Item { Layout.fillWidth: true }
            ToolButton { text: "×"; onClicked: panel.closeRequested() }
        }
        Text {
            objectName: "selectedNodeLabel"
            text: panel.node ? panel.node.label : ""
            color: Theme.text
            font.pixelSize: 18
            font.weight: Font.DemiBold
            wrapMode: Text.WrapAnywhere
            Layout.fillWidth: true
        }
        Text {
            text: panel.node ? panel.node.nodeId : ""
            color: Theme.textFaint
            font.family: Theme.mono
            font.pixelSize: 11
            wrapMode: Text.WrapAnywhere
            Layout.fillWidth: true
        }
        RowLayout {
            spacing: 8
            StatusDot { health: panel.node ? panel.node.health : "unknown" }
            Text {
                text: !panel.node ? "" : panel.node.health === "cooling"
                      ? "cooling down · " + Math.ceil(panel.node.cooldownRemaining) + " s left"
                      : panel.node.health
                color: Theme.stateColor(panel.node ? panel.node.health : "")
                font.pixelSize: Theme.fontBody
                font.weight: Font.DemiBold
            }
        }
        Text {
            text: panel.node ? Format.rate(panel.node.requestsPerSec) + " requests/s" : ""
            color: Theme.textDim
            font.pixelSize: Theme.fontBody
        }
        Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
        Text { text: "CONNECTIONS"; color: Theme.textFaint; font.pixelSize: 10; font.letterSpacing: 0.8; font.weight: Font.DemiBold }
        ListView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: panel.links
            spacing: 4
            delegate: RowLayout {
                required property var modelData
                width: ListView.view.width
                spacing: 6
                Text { text: modelData.direction === "out" ? "→" : "←"; color: Theme.textDim }
                Text { text: modelData.other; color: Theme.text; font.family: Theme.mono; font.pixelSize: 11; elide: Text.ElideMiddle; Layout.fillWidth: true }
                Text {
                    visible: modelData.kind === "entry"
                    text: "w " + modelData.weight + " · " + Math.round(modelData.share * 100) + "%"
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
                Badge { visible: modelData.kind === "fallback"; text: "fallback"; tone: Theme.warn }
            }
        }
        Button {
            objectName: "editNodeButton"
            text: "Edit in Routes"
            highlighted: true
            Layout.fillWidth: true
            onClicked: {
                const t = panel.target()
                if (t)
                    panel.editRequested(t.doc, t.id)
            }
        }
    }
}
