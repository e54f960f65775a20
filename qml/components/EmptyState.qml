// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts

// What a list shows when it has nothing (or could not load): a line and a hint.
ColumnLayout {
    id: empty

    property string text
    property string hint
    property bool isError: false

    spacing: 4
    Text {
        text: empty.text
        color: empty.isError ? Theme.bad : Theme.textDim
        font.pixelSize: Theme.fontBody
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        Layout.fillWidth: true
    }
    Text {
        text: empty.hint
        visible: text.length > 0
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        Layout.fillWidth: true
    }
}
