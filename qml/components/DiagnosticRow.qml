// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts

// One config problem as the gateway prints it: severity, file + JSON pointer, message.
Rectangle {
    id: row

    property string severity: "error"
    property string file
    property string path
    property string message
    signal activated

    implicitHeight: column.implicitHeight + 14
    radius: 6
    color: mouse.containsMouse ? Theme.surfaceHover : "transparent"

    RowLayout {
        anchors { fill: parent; leftMargin: 8; rightMargin: 8 }
        spacing: 10
        Badge {
            text: row.severity === "error" ? "error" : "warning"
            tone: row.severity === "error" ? Theme.bad : Theme.warn
            Layout.alignment: Qt.AlignTop
            Layout.topMargin: 7
        }
        ColumnLayout {
            id: column
            spacing: 2
            Layout.fillWidth: true
            Text {
                text: row.file + " " + row.path
                color: Theme.textDim
                font.family: Theme.mono
                font.pixelSize: 12
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
            Text {
                objectName: "diagnosticMessage"
                text: row.message
                color: Theme.text
                font.pixelSize: Theme.fontBody
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }
    MouseArea {
        id: mouse
        anchors.fill: parent
        hoverEnabled: true
        onClicked: row.activated()
    }
}
