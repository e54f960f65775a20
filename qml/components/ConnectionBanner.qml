// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Shown while the gateway does not answer: why, when the next try is, and a Retry button.
Rectangle {
    id: banner

    property string reason
    property int retryInSec: 0
    signal retryRequested

    implicitHeight: row.implicitHeight + 16
    color: Qt.rgba(Theme.bad.r, Theme.bad.g, Theme.bad.b, 0.14)
    border.color: Qt.rgba(Theme.bad.r, Theme.bad.g, Theme.bad.b, 0.5)
    radius: Theme.radius

    RowLayout {
        id: row
        anchors { fill: parent; leftMargin: 14; rightMargin: 8; topMargin: 8; bottomMargin: 8 }
        spacing: 10
        StatusDot { health: "down" }
        ColumnLayout {
            spacing: 0
            Layout.fillWidth: true
            Text {
                text: "Disconnected from the gateway"
                color: Theme.text
                font.pixelSize: Theme.fontBody
                font.weight: Font.DemiBold
            }
            Text {
                text: banner.reason + (banner.retryInSec > 0 ? "  ·  retrying in " + banner.retryInSec + " s" : "  ·  retrying…")
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
        }
        Button {
            objectName: "retryButton"
            text: "Retry now"
            onClicked: banner.retryRequested()
        }
    }
}
