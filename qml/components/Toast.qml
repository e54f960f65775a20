// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick

// A short message at the bottom of the window ("Token revoked", or an error in red).
Rectangle {
    id: toast

    property bool isError: false

    function show(message: string, error: bool) {
        label.text = message
        isError = error
        opacity = 1
        hideTimer.restart()
    }

    width: Math.min(560, label.implicitWidth + 32)
    height: 40
    radius: 20
    color: isError ? "#4a1d24" : "#1b3a2c"
    border.color: isError ? Theme.bad : Theme.ok
    opacity: 0
    visible: opacity > 0
    Behavior on opacity { NumberAnimation { duration: 200 } }

    Text {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, 528)
        elide: Text.ElideRight
        color: Theme.text
        font.pixelSize: Theme.fontBody
    }
    Timer {
        id: hideTimer
        interval: 4000
        onTriggered: toast.opacity = 0
    }
}
