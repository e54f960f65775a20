// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts

// A label, a proportional bar and a figure: one of the busiest routes.
Item {
    id: bar

    property string label
    property string figure
    property real share: 0
    property color color: Theme.accent

    implicitHeight: 34
    Layout.fillWidth: true

    RowLayout {
        anchors.fill: parent
        spacing: 12
        Text {
            text: bar.label
            color: Theme.text
            font.pixelSize: Theme.fontBody
            font.family: Theme.mono
            elide: Text.ElideMiddle
            Layout.preferredWidth: 220
        }
        Rectangle {
            Layout.fillWidth: true
            height: 8
            radius: 4
            color: Theme.surfaceRaised
            Rectangle {
                width: Math.max(4, parent.width * Math.min(1, bar.share))
                height: parent.height
                radius: 4
                color: bar.color
                Behavior on width { NumberAnimation { duration: 250 } }
            }
        }
        Text {
            text: bar.figure
            color: Theme.textDim
            font.pixelSize: Theme.fontBody
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: 70
        }
    }
}
