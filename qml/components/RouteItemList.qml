// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// The items of the current document (providers, rotations, autoselects) with their problem
// counts, and a field to add one.
Rectangle {
    id: pane

    required property RoutesEditor editor

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border

    ColumnLayout {
        anchors { fill: parent; margins: 10 }
        spacing: 6

        ListView {
            id: list
            objectName: "routeItemList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: pane.editor.items
            spacing: 2
            delegate: ItemDelegate {
                id: itemRow
                required property string itemId
                required property string summary
                required property int errorCount
                required property bool changed
                width: list.width
                highlighted: pane.editor.selectedItem === itemId
                onClicked: pane.editor.selectItem(itemId)
                contentItem: RowLayout {
                    spacing: 8
                    ColumnLayout {
                        spacing: 1
                        Layout.fillWidth: true
                        RowLayout {
                            spacing: 6
                            Text { text: itemRow.itemId; color: Theme.text; font.pixelSize: Theme.fontBody; font.weight: Font.DemiBold; elide: Text.ElideRight; Layout.maximumWidth: 170 }
                            Rectangle { visible: itemRow.changed; width: 7; height: 7; radius: 4; color: Theme.warn }
                        }
                        Text { text: itemRow.summary; color: Theme.textFaint; font.pixelSize: Theme.fontSmall; elide: Text.ElideRight; Layout.fillWidth: true }
                    }
                    Badge { visible: itemRow.errorCount > 0; text: String(itemRow.errorCount); tone: Theme.bad }
                }
            }
            EmptyState {
                anchors.centerIn: parent
                width: parent.width - 20
                visible: list.count === 0
                text: "Nothing here yet"
                hint: "Add one below."
            }
        }
        RowLayout {
            visible: pane.editor.document !== "server"
            Layout.fillWidth: true
            TextField {
                id: newId
                placeholderText: "new id"
                Layout.fillWidth: true
                implicitHeight: 36
                onAccepted: addButton.clicked()
            }
            Button {
                id: addButton
                text: "Add"
                enabled: newId.text.trim().length > 0
                onClicked: {
                    if (pane.editor.addItem(newId.text))
                        newId.text = ""
                }
            }
        }
    }
}
