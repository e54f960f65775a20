// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Adds a key to an object of the route form; the value is JSON (plain text becomes a string).
Dialog {
    id: dialog

    property string parentPointer
    signal addRequested(string parentPointer, string key, string value)

    title: "Add field"
    modal: true
    anchors.centerIn: parent
    width: 420
    standardButtons: Dialog.Cancel | Dialog.Ok
    onOpened: {
        keyField.text = ""
        valueField.text = ""
        keyField.forceActiveFocus()
    }
    onAccepted: addRequested(parentPointer, keyField.text, valueField.text)

    ColumnLayout {
        anchors.fill: parent
        Text { text: "under " + (dialog.parentPointer || "/"); color: Theme.textDim; font.family: Theme.mono; font.pixelSize: 12 }
        TextField { id: keyField; placeholderText: "key, e.g. default_error_cooldown"; Layout.fillWidth: true }
        TextField { id: valueField; placeholderText: "value as JSON, e.g. 60, true, \"text\", []"; Layout.fillWidth: true }
    }
}
