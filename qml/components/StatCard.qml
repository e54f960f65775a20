// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Layouts

// One key figure: label, big value, a hint line, and a colour stripe for its health.
Rectangle {
    id: stat

    property string label
    property string value
    property string hint
    property color accent: Theme.accent

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    implicitHeight: 104
    implicitWidth: 180

    Rectangle {
        width: 3
        radius: 2
        color: stat.accent
        anchors { left: parent.left; top: parent.top; bottom: parent.bottom; margins: 12 }
    }

    ColumnLayout {
        anchors { fill: parent; leftMargin: 26; rightMargin: 14; topMargin: 14; bottomMargin: 12 }
        spacing: 2
        Text {
            text: stat.label.toUpperCase()
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            font.letterSpacing: 0.8
            font.weight: Font.DemiBold
        }
        Text {
            objectName: "statValue"
            text: stat.value
            color: Theme.text
            font.pixelSize: Theme.fontFigure
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 16
            font.weight: Font.DemiBold
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Text {
            text: stat.hint
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }
}
