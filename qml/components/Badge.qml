// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick

// A rounded label ("admin", "cooling", "HTTP 503") tinted by `tone`.
Rectangle {
    id: badge

    property string text
    property color tone: Theme.accent

    implicitWidth: label.implicitWidth + 14
    implicitHeight: 20
    radius: 10
    color: Qt.rgba(tone.r, tone.g, tone.b, 0.16)
    border.color: Qt.rgba(tone.r, tone.g, tone.b, 0.45)

    Text {
        id: label
        anchors.centerIn: parent
        text: badge.text
        color: badge.tone
        font.pixelSize: Theme.fontSmall
        font.weight: Font.DemiBold
    }
}
