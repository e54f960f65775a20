// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// New user: name, password, role and tier.
Dialog {
    id: dialog

    property var tierNames: []
    signal createRequested(string username, string password, string role, int tierChoice)

    title: "New user"
    modal: true
    anchors.centerIn: parent
    width: 420
    standardButtons: Dialog.Cancel | Dialog.Ok
    onOpened: {
        nameField.text = ""
        passwordField.text = ""
        roleBox.currentIndex = 0
        tierBox.currentIndex = 0
        nameField.forceActiveFocus()
    }
    onAccepted: createRequested(nameField.text, passwordField.text, roleBox.currentText, tierBox.currentIndex)

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        TextField { id: nameField; placeholderText: "Username"; Layout.fillWidth: true }
        TextField { id: passwordField; placeholderText: "Password (12+ characters recommended)"; echoMode: TextInput.Password; Layout.fillWidth: true }
        RowLayout {
            Layout.fillWidth: true
            ComboBox { id: roleBox; model: ["user", "admin"]; Layout.fillWidth: true }
            ComboBox { id: tierBox; model: dialog.tierNames; Layout.fillWidth: true }
        }
    }
}
