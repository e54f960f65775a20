// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A row of mutually exclusive buttons: [{value, text}], current `value`.
Rectangle {
    id: choice

    property var options: []
    property string value
    signal picked(string value)

    implicitWidth: row.implicitWidth + 6
    implicitHeight: 34
    radius: 17
    color: Theme.surface
    border.color: Theme.border

    RowLayout {
        id: row
        anchors.centerIn: parent
        spacing: 2
        Repeater {
            model: choice.options
            delegate: Rectangle {
                required property var modelData
                readonly property bool active: choice.value === modelData.value
                implicitWidth: label.implicitWidth + 22
                implicitHeight: 28
                radius: 14
                color: active ? Theme.accentSoft : (mouse.containsMouse ? Theme.surfaceHover : "transparent")
                Text {
                    id: label
                    anchors.centerIn: parent
                    text: modelData.text
                    color: parent.active ? Theme.accent : Theme.textDim
                    font.pixelSize: 12
                    font.weight: parent.active ? Font.DemiBold : Font.Normal
                }
                MouseArea {
                    id: mouse
                    anchors.fill: parent
                    hoverEnabled: true
                    onClicked: choice.picked(modelData.value)
                }
            }
        }
    }
}
