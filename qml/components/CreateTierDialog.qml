// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// New rate-limit tier; empty limits are unlimited.
Dialog {
    id: dialog

    signal createRequested(string name, int rpm, int rpd, int tpm)

    title: "New tier"
    modal: true
    anchors.centerIn: parent
    width: 400
    standardButtons: Dialog.Cancel | Dialog.Ok
    onOpened: {
        nameField.text = ""
        rpmField.text = ""
        rpdField.text = ""
        tpmField.text = ""
    }
    onAccepted: createRequested(nameField.text, parseInt(rpmField.text) || 0,
                                parseInt(rpdField.text) || 0, parseInt(tpmField.text) || 0)

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        TextField { id: nameField; placeholderText: "Name, e.g. free"; Layout.fillWidth: true }
        TextField { id: rpmField; placeholderText: "Requests per minute (empty: unlimited)"; Layout.fillWidth: true }
        TextField { id: rpdField; placeholderText: "Requests per day (empty: unlimited)"; Layout.fillWidth: true }
        TextField { id: tpmField; placeholderText: "Tokens per minute (empty: unlimited)"; Layout.fillWidth: true }
    }
}
