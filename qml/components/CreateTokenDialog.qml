// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// New API token for a user: name, scope, optional expiry and per-token limit.
Dialog {
    id: dialog

    property string username
    signal createRequested(string name, string scope, string expiresAt, int requestsPerMinute)

    title: "New token for " + username
    modal: true
    anchors.centerIn: parent
    width: 440
    standardButtons: Dialog.Cancel | Dialog.Ok
    onOpened: {
        nameField.text = ""
        expiryField.text = ""
        rpmField.text = ""
        scopeBox.currentIndex = 0
        nameField.forceActiveFocus()
    }
    onAccepted: createRequested(nameField.text, scopeBox.currentText, expiryField.text,
                                parseInt(rpmField.text) || 0)

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        TextField { id: nameField; placeholderText: "Name, e.g. laptop"; Layout.fillWidth: true }
        ComboBox { id: scopeBox; model: ["api", "admin"]; Layout.fillWidth: true }
        TextField { id: expiryField; placeholderText: "Expires (ISO-8601, e.g. 2027-01-01T00:00:00Z) — empty: never"; Layout.fillWidth: true }
        TextField { id: rpmField; placeholderText: "Requests per minute for this token — empty: tier limit"; inputMethodHints: Qt.ImhDigitsOnly; Layout.fillWidth: true }
    }
}
