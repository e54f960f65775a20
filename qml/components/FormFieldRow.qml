// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One row of the route form: a key at its depth, an editor for its kind, and the validator's
// message for exactly this JSON pointer.
Item {
    id: row

    property string pointer
    property string label
    property int depth
    property string kind
    property var value
    property string text
    property string error
    signal edited(string pointer, string text, string kind)
    signal boolEdited(string pointer, bool value)
    signal removeRequested(string pointer)
    signal appendRequested(string pointer)
    signal addFieldRequested(string pointer)

    readonly property bool container: kind === "object" || kind === "array"

    implicitHeight: column.implicitHeight + 6

    ColumnLayout {
        id: column
        anchors { left: parent.left; right: parent.right; leftMargin: row.depth * 20 }
        spacing: 2

        RowLayout {
            Layout.fillWidth: true
            spacing: 10
            Text {
                text: row.label
                color: row.container ? Theme.text : Theme.textDim
                font.pixelSize: Theme.fontBody
                font.weight: row.container ? Font.DemiBold : Font.Normal
                font.family: Theme.mono
                Layout.preferredWidth: row.container ? -1 : Math.max(110, 190 - row.depth * 20)
                elide: Text.ElideRight
            }
            Text {
                visible: row.container
                text: row.text
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
            Item { visible: row.container; Layout.fillWidth: true }
            Button {
                visible: row.kind === "array"
                text: "+ entry"
                flat: true
                font.pixelSize: 12
                implicitHeight: 30
                onClicked: row.appendRequested(row.pointer)
            }
            Button {
                visible: row.kind === "object"
                text: "+ field"
                flat: true
                font.pixelSize: 12
                implicitHeight: 30
                onClicked: row.addFieldRequested(row.pointer)
            }
            TextField {
                id: field
                objectName: "field_" + row.pointer
                visible: !row.container && row.kind !== "bool"
                text: row.kind === "null" ? "" : row.text
                placeholderText: row.kind === "null" ? "null" : ""
                font.family: row.kind === "number" ? Theme.mono : Qt.application.font.family
                selectByMouse: true
                Layout.fillWidth: true
                Layout.minimumWidth: 140
                color: row.error.length > 0 ? Theme.bad : Theme.text
                onEditingFinished: if (text !== row.text) row.edited(row.pointer, text, row.kind)
                // Show a long value (an endpoint URL) from its start, not scrolled to its end.
                onTextChanged: if (!activeFocus) ensureVisible(0)
                onActiveFocusChanged: if (!activeFocus) ensureVisible(0)
            }
            CheckBox {
                visible: row.kind === "bool"
                checked: row.kind === "bool" && row.value === true
                text: checked ? "true" : "false"
                onToggled: row.boolEdited(row.pointer, checked)
            }
            Item { visible: row.kind === "bool"; Layout.fillWidth: true }
            ToolButton {
                text: "×"
                font.pixelSize: 16
                implicitWidth: 30
                implicitHeight: 30
                ToolTip.visible: hovered
                ToolTip.text: "Remove " + row.label
                onClicked: row.removeRequested(row.pointer)
            }
        }
        Text {
            visible: row.error.length > 0
            text: "⚠ " + row.error
            color: Theme.bad
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            Layout.leftMargin: row.container ? 0 : Math.max(110, 190 - row.depth * 20) + 10
        }
    }
}
