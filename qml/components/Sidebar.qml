// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The page list, the app mark on top and the connection at the bottom.
Rectangle {
    id: sidebar

    property string current: "overview"
    property string gatewayUrl
    property string identity
    property bool live: false
    signal pageSelected(string page)
    signal disconnectRequested

    readonly property var pages: [
        { name: "overview", title: "Overview", glyph: "◉" },
        { name: "routes", title: "Routes", glyph: "⇄" },
        { name: "graph", title: "Graph", glyph: "⬡" },
        { name: "cluster", title: "Cluster", glyph: "▦" },
        { name: "analytics", title: "Analytics", glyph: "∿" },
        { name: "users", title: "Users & tokens", glyph: "☺" },
        { name: "playground", title: "Playground", glyph: "▷" }
    ]

    implicitWidth: 232
    color: Theme.sidebar

    Rectangle {
        anchors { right: parent.right; top: parent.top; bottom: parent.bottom }
        width: 1
        color: Theme.border
    }

    ColumnLayout {
        anchors { fill: parent; margins: 14 }
        spacing: 4

        RowLayout {
            spacing: 10
            Layout.bottomMargin: 18
            Layout.topMargin: 4
            Logo { size: 34 }
            ColumnLayout {
                spacing: 0
                Text {
                    text: "AISBF Control"
                    color: Theme.text
                    font.pixelSize: 15
                    font.weight: Font.DemiBold
                }
                Text {
                    text: "LLM gateway console"
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
            }
        }

        Repeater {
            model: sidebar.pages
            delegate: NavButton {
                required property var modelData
                objectName: "nav_" + modelData.name
                text: modelData.title
                glyph: modelData.glyph
                current: sidebar.current === modelData.name
                onClicked: sidebar.pageSelected(modelData.name)
            }
        }

        Item { Layout.fillHeight: true }

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: connCol.implicitHeight + 20
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            ColumnLayout {
                id: connCol
                anchors { fill: parent; margins: 10 }
                spacing: 4
                RowLayout {
                    spacing: 6
                    StatusDot { health: sidebar.live ? "ok" : "failing"; size: 8 }
                    Text {
                        text: sidebar.live ? "Live" : "Polling"
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                    }
                    Item { Layout.fillWidth: true }
                    Text {
                        text: sidebar.identity
                        color: Theme.textFaint
                        font.pixelSize: Theme.fontSmall
                    }
                }
                Text {
                    text: sidebar.gatewayUrl
                    color: Theme.text
                    font.pixelSize: 12
                    elide: Text.ElideMiddle
                    Layout.fillWidth: true
                }
                Button {
                    text: "Disconnect"
                    flat: true
                    font.pixelSize: 12
                    Layout.fillWidth: true
                    implicitHeight: 34
                    onClicked: sidebar.disconnectRequested()
                }
            }
        }
    }
}
