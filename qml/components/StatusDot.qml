// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick

// A small health dot with a soft halo; `state` is ok / cooling / failing / down / unknown.
Item {
    id: dot

    property string health: "unknown"
    property int size: 10
    readonly property color color: Theme.stateColor(health)

    implicitWidth: size + 6
    implicitHeight: size + 6

    Rectangle {
        anchors.centerIn: parent
        width: dot.size + 6
        height: width
        radius: width / 2
        color: dot.color
        opacity: 0.22
    }
    Rectangle {
        anchors.centerIn: parent
        width: dot.size
        height: width
        radius: width / 2
        color: dot.color
    }
}
