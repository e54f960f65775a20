// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Shows a new token's secret the only time it exists in clear, with a copy button.
Dialog {
    id: dialog

    property string token
    signal dismissed

    title: "Token created"
    modal: true
    closePolicy: Popup.NoAutoClose
    anchors.centerIn: parent
    width: 560
    standardButtons: Dialog.Close
    onClosed: dismissed()

    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        Text {
            text: "Copy it now: the gateway stores only its hash and will never show it again."
            color: Theme.warn
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: tokenField
                objectName: "createdTokenField"
                text: dialog.token
                readOnly: true
                selectByMouse: true
                font.family: Theme.mono
                Layout.fillWidth: true
            }
            Button {
                objectName: "copyTokenButton"
                text: copied ? "Copied" : "Copy"
                property bool copied: false
                onClicked: {
                    tokenField.selectAll()
                    tokenField.copy()
                    tokenField.deselect()
                    copied = true
                }
            }
        }
    }
}
