// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts

// A titled panel; children go into its content column.
Rectangle {
    id: card

    property string title
    property string subtitle
    default property alias content: body.data
    property alias headerExtras: extras.data
    property int padding: 16

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    implicitHeight: column.implicitHeight + 2 * padding
    implicitWidth: column.implicitWidth + 2 * padding

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: card.padding
        spacing: 12

        RowLayout {
            visible: card.title.length > 0
            Layout.fillWidth: true
            spacing: 8
            Text {
                text: card.title
                color: Theme.text
                font.pixelSize: Theme.fontHeading
                font.weight: Font.DemiBold
            }
            Text {
                text: card.subtitle
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                visible: text.length > 0
                Layout.alignment: Qt.AlignBaseline
            }
            Item { Layout.fillWidth: true }
            Row {
                id: extras
                spacing: 8
            }
        }
        ColumnLayout {
            id: body
            spacing: 8
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }
}
