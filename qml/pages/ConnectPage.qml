// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// Choose a saved gateway or enter one: URL + admin token, or dashboard username/password.
Rectangle {
    id: page

    property bool loading: false

    function useSaved(row: int) {
        if (row < 0)
            return
        nameField.text = store.get(row, "name")
        urlField.text = store.get(row, "url")
        modeBar.currentIndex = store.get(row, "authMode") === "password" ? 1 : 0
        userField.text = store.get(row, "username")
        tokenField.text = store.get(row, "token")
        rememberBox.checked = store.get(row, "remember")
        passwordField.text = ""
    }
    function connectNow() {
        const mode = modeBar.currentIndex === 1 ? "password" : "token"
        store.save(nameField.text, urlField.text, mode, userField.text,
                   mode === "token" ? tokenField.text : "", rememberBox.checked)
        if (mode === "password")
            Session.connectWithPassword(urlField.text, userField.text, passwordField.text)
        else
            Session.connectWithToken(urlField.text, tokenField.text)
    }

    color: Theme.background
    Component.onCompleted: useSaved(store.lastUsed)

    ConnectionStore { id: store }

    RowLayout {
        anchors.centerIn: parent
        spacing: 24

        Rectangle {
            Layout.preferredWidth: 300
            Layout.preferredHeight: 460
            color: Theme.surface
            radius: Theme.radius
            border.color: Theme.border
            ColumnLayout {
                anchors { fill: parent; margins: 16 }
                spacing: 8
                Text {
                    text: "Saved gateways"
                    color: Theme.text
                    font.pixelSize: Theme.fontHeading
                    font.weight: Font.DemiBold
                }
                ListView {
                    id: savedList
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: store
                    spacing: 4
                    delegate: ItemDelegate {
                        id: savedDelegate
                        required property int index
                        required property string name
                        required property string url
                        required property string authMode
                        width: savedList.width
                        highlighted: index === store.lastUsed
                        onClicked: page.useSaved(index)
                        contentItem: ColumnLayout {
                            spacing: 0
                            Text { text: savedDelegate.name; color: Theme.text; font.pixelSize: Theme.fontBody; elide: Text.ElideRight; Layout.fillWidth: true }
                            Text { text: savedDelegate.url + " · " + savedDelegate.authMode; color: Theme.textFaint; font.pixelSize: Theme.fontSmall; elide: Text.ElideRight; Layout.fillWidth: true }
                        }
                    }
                    EmptyState {
                        anchors.centerIn: parent
                        width: parent.width - 20
                        visible: store.count === 0
                        text: "No saved gateways yet"
                        hint: "Connections are saved when you connect. Passwords never are."
                    }
                }
            }
        }

        Rectangle {
            Layout.preferredWidth: 460
            Layout.preferredHeight: 460
            color: Theme.surface
            radius: Theme.radius
            border.color: Theme.border

            ColumnLayout {
                anchors { fill: parent; margins: 24 }
                spacing: 10

                RowLayout {
                    spacing: 12
                    Logo { size: 40 }
                    ColumnLayout {
                        spacing: 0
                        Text { text: "Connect to a gateway"; color: Theme.text; font.pixelSize: 20; font.weight: Font.DemiBold }
                        Text { text: "aisbf-gateway admin API over HTTP or HTTPS"; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
                    }
                }
                TextField { id: nameField; placeholderText: "Name (optional)"; Layout.fillWidth: true }
                TextField { id: urlField; objectName: "urlField"; placeholderText: "http://127.0.0.1:17765"; text: "http://127.0.0.1:17765"; Layout.fillWidth: true }
                TabBar {
                    id: modeBar
                    Layout.fillWidth: true
                    TabButton { text: "Admin token" }
                    TabButton { text: "Username & password" }
                }
                StackLayout {
                    currentIndex: modeBar.currentIndex
                    Layout.fillWidth: true
                    Layout.preferredHeight: 100
                    ColumnLayout {
                        TextField { id: tokenField; objectName: "tokenField"; placeholderText: "Admin token"; echoMode: TextInput.Password; Layout.fillWidth: true }
                        CheckBox { id: rememberBox; text: "Remember the token on this computer" }
                    }
                    ColumnLayout {
                        TextField { id: userField; placeholderText: "Username"; text: "admin"; Layout.fillWidth: true }
                        TextField { id: passwordField; placeholderText: "Password (never stored)"; echoMode: TextInput.Password; Layout.fillWidth: true; onAccepted: page.connectNow() }
                    }
                }
                Text {
                    objectName: "connectError"
                    text: Session.errorString
                    visible: text.length > 0 && Session.state === Session.Disconnected
                    color: Theme.bad
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                    Layout.fillWidth: true
                }
                Item { Layout.fillHeight: true }
                RowLayout {
                    Layout.fillWidth: true
                    BusyIndicator { running: Session.state === Session.Connecting; implicitWidth: 32; implicitHeight: 32 }
                    Item { Layout.fillWidth: true }
                    Button {
                        text: "Forget"
                        flat: true
                        enabled: savedList.count > 0 && store.lastUsed >= 0
                        onClicked: store.remove(store.lastUsed)
                    }
                    Button {
                        objectName: "connectButton"
                        text: Session.state === Session.Connecting ? "Connecting…" : "Connect"
                        highlighted: true
                        enabled: Session.state !== Session.Connecting && urlField.text.length > 0
                        onClicked: page.connectNow()
                    }
                }
            }
        }
    }
}
