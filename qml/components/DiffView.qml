// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls

// A line diff: removed lines red with "-", added lines green with "+", line numbers on the left.
ListView {
    id: view

    clip: true
    boundsBehavior: Flickable.StopAtBounds
    ScrollBar.vertical: ScrollBar {}

    delegate: Rectangle {
        id: line
        required property string kind
        required property string text
        required property int oldLine
        required property int newLine
        width: view.width
        height: 20
        color: kind === "added" ? Theme.added : (kind === "removed" ? Theme.removed : "transparent")
        Row {
            anchors.verticalCenter: parent.verticalCenter
            spacing: 8
            Text { width: 36; horizontalAlignment: Text.AlignRight; text: line.oldLine > 0 ? line.oldLine : ""; color: Theme.textFaint; font.family: Theme.mono; font.pixelSize: 11 }
            Text { width: 36; horizontalAlignment: Text.AlignRight; text: line.newLine > 0 ? line.newLine : ""; color: Theme.textFaint; font.family: Theme.mono; font.pixelSize: 11 }
            Text {
                objectName: "diffLine"
                text: (line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  ") + line.text
                color: line.kind === "added" ? Theme.ok : (line.kind === "removed" ? Theme.bad : Theme.textDim)
                font.family: Theme.mono
                font.pixelSize: 12
            }
        }
    }
}
