// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls

// Centered busy indicator for a page or a panel still fetching its first data.
Item {
    id: indicator

    property bool running: false
    property string text: "Loading…"

    visible: running
    anchors.fill: parent

    Column {
        anchors.centerIn: parent
        spacing: 10
        BusyIndicator {
            running: indicator.running
            anchors.horizontalCenter: parent.horizontalCenter
        }
        Text {
            text: indicator.text
            color: Theme.textDim
            font.pixelSize: Theme.fontBody
            anchors.horizontalCenter: parent.horizontalCenter
        }
    }
}
