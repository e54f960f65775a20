// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Page title, one line of context, and room for the page's actions on the right.
RowLayout {
    id: header

    property string title
    property string subtitle
    default property alias actions: actionRow.data

    spacing: Theme.gap

    ColumnLayout {
        spacing: 2
        Layout.fillWidth: true
        Text {
            text: header.title
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.weight: Font.DemiBold
        }
        Text {
            text: header.subtitle
            color: Theme.textDim
            font.pixelSize: Theme.fontBody
            visible: text.length > 0
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
    RowLayout {
        id: actionRow
        spacing: Theme.gapSmall
    }
}
