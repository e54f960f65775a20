// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts

// Column titles above a list; widths match the delegate's columns (-1 = fill).
RowLayout {
    id: header

    property var columns: []

    spacing: 12
    Repeater {
        model: header.columns
        delegate: Text {
            required property var modelData
            text: modelData.title.toUpperCase()
            color: Theme.textFaint
            font.pixelSize: 10
            font.letterSpacing: 0.8
            font.weight: Font.DemiBold
            Layout.preferredWidth: modelData.width > 0 ? modelData.width : -1
            Layout.fillWidth: modelData.width <= 0
        }
    }
}
