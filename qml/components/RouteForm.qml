// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// The selected item as a form: every field editable in place, each with its own message.
Item {
    id: form

    required property RoutesEditor editor

    AddFieldDialog {
        id: addField
        onAddRequested: (parentPointer, key, value) => form.editor.addField(parentPointer, key, value)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            visible: form.editor.selectedItem.length > 0
            Layout.fillWidth: true
            Text {
                text: form.editor.selectedItem
                color: Theme.text
                font.pixelSize: 18
                font.weight: Font.DemiBold
            }
            Text {
                text: form.editor.documentFile
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Button { text: "+ field"; flat: true; onClicked: { addField.parentPointer = form.editor.form.basePointer; addField.open() } }
            Button { text: "Delete"; flat: true; onClicked: form.editor.removeItem(form.editor.selectedItem) }
        }
        Repeater {
            model: form.editor.itemProblems
            delegate: Text {
                required property string modelData
                text: "⚠ " + modelData
                color: Theme.bad
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
        ListView {
            id: rows
            objectName: "formRows"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            model: form.editor.form
            ScrollBar.vertical: ScrollBar {}
            delegate: FormFieldRow {
                required property var model
                width: rows.width - 12
                pointer: model.pointer
                label: model.label
                depth: model.depth
                kind: model.kind
                value: model.value
                text: model.text
                error: model.error
                onEdited: (pointer, text, kind) => form.editor.setField(pointer, text, kind)
                onBoolEdited: (pointer, value) => form.editor.setBool(pointer, value)
                onRemoveRequested: pointer => form.editor.removeField(pointer)
                onAppendRequested: pointer => form.editor.appendElement(pointer)
                onAddFieldRequested: pointer => { addField.parentPointer = pointer; addField.open() }
            }
        }
        EmptyState {
            visible: form.editor.selectedItem.length === 0
            text: form.editor.document === "server" ? "Pick a section of aisbf.json on the left" : "Pick an item on the left, or add one"
            hint: "Every field is checked as you type, with the gateway's own messages."
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }
}
