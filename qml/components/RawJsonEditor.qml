// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// The whole document as JSON text; typing pauses are parsed and validated.
ColumnLayout {
    id: raw

    required property RoutesEditor editor

    spacing: 6

    function reload() {
        if (!area.activeFocus)
            area.text = editor.rawText
    }
    Component.onCompleted: reload()
    Connections {
        target: raw.editor
        function onContentChanged() { raw.reload() }
        function onDocumentChanged() { area.text = raw.editor.rawText }
    }
    Timer {
        id: commit
        interval: 600
        onTriggered: raw.editor.setRawText(area.text)
    }

    Text {
        visible: raw.editor.rawError.length > 0
        text: raw.editor.rawError
        color: Theme.bad
        font.family: Theme.mono
        font.pixelSize: 12
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        color: Theme.background
        radius: 6
        border.color: raw.editor.rawError.length > 0 ? Theme.bad : Theme.border
        ScrollView {
            anchors { fill: parent; margins: 4 }
            TextArea {
                id: area
                objectName: "rawJsonArea"
                font.family: Theme.mono
                font.pixelSize: 12
                color: Theme.text
                selectByMouse: true
                background: null
                onTextChanged: if (activeFocus) commit.restart()
                onActiveFocusChanged: if (!activeFocus && commit.running) { commit.stop(); raw.editor.setRawText(text) }
            }
        }
    }
}
