// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One sidebar entry: a glyph, the page name, highlighted when current.
ItemDelegate {
    id: nav

    property string glyph
    property bool current: false

    implicitHeight: 40
    Layout.fillWidth: true
    hoverEnabled: true

    background: Rectangle {
        radius: 6
        color: nav.current ? Theme.accentSoft : (nav.hovered ? Theme.surfaceHover : "transparent")
        Rectangle {
            visible: nav.current
            width: 3
            radius: 2
            color: Theme.accent
            anchors { left: parent.left; top: parent.top; bottom: parent.bottom; topMargin: 8; bottomMargin: 8 }
        }
    }
    contentItem: RowLayout {
        spacing: 12
        Text {
            text: nav.glyph
            color: nav.current ? Theme.accent : Theme.textDim
            font.pixelSize: 16
            horizontalAlignment: Text.AlignHCenter
            Layout.preferredWidth: 20
            Layout.leftMargin: 6
        }
        Text {
            text: nav.text
            color: nav.current ? Theme.text : Theme.textDim
            font.pixelSize: 14
            font.weight: nav.current ? Font.DemiBold : Font.Normal
            Layout.fillWidth: true
        }
    }
}
