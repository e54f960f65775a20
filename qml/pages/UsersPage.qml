// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// Users, their API tokens (created once, revoked any time) and the rate-limit tiers.
Item {
    id: page

    readonly property UsersModel users: Session.users
    readonly property TokensModel tokens: Session.tokens
    readonly property TiersModel tiers: Session.tiers
    property bool usersLoaded: false
    property bool tiersLoaded: false
    readonly property bool loading: !usersLoaded || !tiersLoaded
    property int tierRevision: 0 // bumps when tiers change so names re-evaluate

    function toast(message: string, isError: bool) {
        if (ApplicationWindow.window && ApplicationWindow.window.toast)
            ApplicationWindow.window.toast(message, isError)
    }

    Component.onCompleted: {
        users.refresh()
        tiers.refresh()
    }

    Connections {
        target: page.users
        function onLoadingChanged() {
            if (page.users.loading)
                return
            page.usersLoaded = true
            if (page.tokens.username === "" && page.users.count > 0)
                page.tokens.username = page.users.data(page.users.index(0, 0), UsersModel.UsernameRole)
        }
        function onActionFinished(ok: bool, message: string) { page.toast(message, !ok) }
    }
    Connections {
        target: page.tiers
        function onLoadingChanged() {
            if (!page.tiers.loading) {
                page.tiersLoaded = true
                page.tierRevision++
            }
        }
        function onActionFinished(ok: bool, message: string) { page.toast(message, !ok) }
    }
    Connections {
        target: page.tokens
        function onActionFinished(ok: bool, message: string) { page.toast(message, !ok) }
        function onCreatedTokenChanged() {
            if (page.tokens.createdToken.length > 0) {
                createdDialog.token = page.tokens.createdToken
                createdDialog.open()
            }
        }
    }

    CreateUserDialog {
        id: userDialog
        tierNames: { page.tierRevision; return page.tiers.choiceNames() }
        onCreateRequested: (username, password, role, tierChoice) =>
                           page.users.createUser(username, password, role, page.tiers.choiceId(tierChoice))
    }
    CreateTokenDialog {
        id: tokenDialog
        username: page.tokens.username
        onCreateRequested: (name, scope, expiresAt, rpm) => page.tokens.createToken(name, scope, expiresAt, rpm)
    }
    TokenCreatedDialog {
        id: createdDialog
        onDismissed: page.tokens.clearCreatedToken()
    }
    CreateTierDialog {
        id: tierDialog
        onCreateRequested: (name, rpm, rpd, tpm) => page.tiers.createTier(name, rpm, rpd, tpm)
    }

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pagePadding }
        spacing: Theme.gap

        PageHeader {
            Layout.fillWidth: true
            title: "Users & tokens"
            subtitle: page.users.count + " users  ·  " + page.tiers.count + " tiers"
            Button { text: "New tier"; flat: true; onClicked: tierDialog.open() }
            Button { objectName: "newUserButton"; text: "New user"; highlighted: true; onClicked: userDialog.open() }
        }

        Text {
            visible: page.users.errorString.length > 0
            text: "Cannot load users: " + page.users.errorString
            color: Theme.bad
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.gap

            Card {
                title: "Users"
                Layout.preferredWidth: 420
                Layout.fillHeight: true
                TableHeader {
                    Layout.fillWidth: true
                    Layout.leftMargin: 16
                    Layout.rightMargin: 16
                    columns: [{ title: "User", width: -1 }, { title: "Role", width: 60 }, { title: "Tier", width: 80 }, { title: "", width: 80 }]
                }
                ListView {
                    id: userList
                    objectName: "userList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.users
                    delegate: ItemDelegate {
                        id: userRow
                        required property string username
                        required property string role
                        required property int tierId
                        required property bool disabled
                        width: userList.width
                        highlighted: page.tokens.username === username
                        onClicked: page.tokens.username = username
                        contentItem: RowLayout {
                            spacing: 12
                            ColumnLayout {
                                spacing: 0
                                Layout.fillWidth: true
                                Text { text: userRow.username; color: userRow.disabled ? Theme.textFaint : Theme.text; font.pixelSize: Theme.fontBody; font.weight: Font.DemiBold; font.strikeout: userRow.disabled }
                                Text { text: userRow.disabled ? "disabled" : "active"; color: userRow.disabled ? Theme.bad : Theme.ok; font.pixelSize: Theme.fontSmall }
                            }
                            Badge { text: userRow.role; tone: userRow.role === "admin" ? "#a78bfa" : Theme.accent; Layout.preferredWidth: 60 }
                            Text { text: { page.tierRevision; return page.tiers.nameOf(userRow.tierId) } color: Theme.textDim; font.pixelSize: Theme.fontSmall; Layout.preferredWidth: 80; elide: Text.ElideRight }
                            Button {
                                text: userRow.disabled ? "Enable" : "Disable"
                                flat: true
                                font.pixelSize: 12
                                implicitHeight: 34
                                Layout.preferredWidth: 80
                                onClicked: page.users.setDisabled(userRow.username, !userRow.disabled)
                            }
                        }
                    }
                    EmptyState {
                        anchors.centerIn: parent
                        width: parent.width - 40
                        visible: userList.count === 0 && page.usersLoaded
                        text: "No users yet"
                        hint: "The dashboard admin appears after its first login."
                    }
                }
            }

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: Theme.gap

                Card {
                    title: page.tokens.username ? "Tokens of " + page.tokens.username : "Tokens"
                    subtitle: page.tokens.count + " tokens"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    headerExtras: [
                        Button {
                            text: "New token"
                            flat: true
                            implicitHeight: 34
                            enabled: page.tokens.username.length > 0
                            onClicked: tokenDialog.open()
                        }
                    ]
                    TableHeader {
                        Layout.fillWidth: true
                        columns: [{ title: "Name", width: 140 }, { title: "Token", width: -1 }, { title: "Scope", width: 60 }, { title: "Last used", width: 130 }, { title: "", width: 80 }]
                    }
                    ListView {
                        id: tokenList
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: page.tokens
                        delegate: RowLayout {
                            id: tokenRow
                            required property var tokenId
                            required property string name
                            required property string maskedToken
                            required property string scope
                            required property bool revoked
                            required property var lastUsedAt
                            width: tokenList.width
                            height: 40
                            spacing: 12
                            Text { text: tokenRow.name; color: Theme.text; font.pixelSize: Theme.fontBody; Layout.preferredWidth: 140; elide: Text.ElideRight }
                            Text { text: tokenRow.maskedToken; color: tokenRow.revoked ? Theme.textFaint : Theme.textDim; font.family: Theme.mono; font.pixelSize: 12; font.strikeout: tokenRow.revoked; Layout.fillWidth: true; elide: Text.ElideRight }
                            Badge { text: tokenRow.scope; tone: tokenRow.scope === "admin" ? "#a78bfa" : Theme.accent; Layout.preferredWidth: 60 }
                            Text {
                                text: tokenRow.lastUsedAt && !isNaN(tokenRow.lastUsedAt) ? Qt.formatDateTime(tokenRow.lastUsedAt, "yyyy-MM-dd HH:mm") : "never"
                                color: Theme.textFaint
                                font.pixelSize: Theme.fontSmall
                                Layout.preferredWidth: 130
                            }
                            Item {
                                Layout.preferredWidth: 80
                                implicitHeight: 32
                                Button {
                                    anchors.fill: parent
                                    visible: !tokenRow.revoked
                                    text: "Revoke"
                                    flat: true
                                    font.pixelSize: 12
                                    onClicked: page.tokens.revoke(tokenRow.tokenId)
                                }
                                Badge { anchors.centerIn: parent; visible: tokenRow.revoked; text: "revoked"; tone: Theme.bad }
                            }
                        }
                        EmptyState {
                            anchors.centerIn: parent
                            width: parent.width - 40
                            visible: tokenList.count === 0
                            text: page.tokens.username ? "No tokens for " + page.tokens.username : "Select a user"
                            hint: page.tokens.username ? "Create one; its secret is shown once." : ""
                        }
                    }
                }

                Card {
                    title: "Tiers"
                    subtitle: "rate limits per user"
                    Layout.fillWidth: true
                    Layout.preferredHeight: 200
                    TableHeader {
                        Layout.fillWidth: true
                        columns: [{ title: "Tier", width: -1 }, { title: "Req/min", width: 90 }, { title: "Req/day", width: 90 }, { title: "Tokens/min", width: 100 }, { title: "", width: 70 }]
                    }
                    ListView {
                        id: tierList
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: page.tiers
                        delegate: RowLayout {
                            id: tierRow
                            required property var tierId
                            required property string name
                            required property var requestsPerMinute
                            required property var requestsPerDay
                            required property var tokensPerMinute
                            function limit(v: var): string { return v < 0 ? "∞" : Format.compact(v) }
                            width: tierList.width
                            height: 34
                            spacing: 12
                            Text { text: tierRow.name; color: Theme.text; font.pixelSize: Theme.fontBody; Layout.fillWidth: true }
                            Text { text: tierRow.limit(tierRow.requestsPerMinute); color: Theme.textDim; Layout.preferredWidth: 90 }
                            Text { text: tierRow.limit(tierRow.requestsPerDay); color: Theme.textDim; Layout.preferredWidth: 90 }
                            Text { text: tierRow.limit(tierRow.tokensPerMinute); color: Theme.textDim; Layout.preferredWidth: 100 }
                            Button { text: "Delete"; flat: true; font.pixelSize: 12; Layout.preferredWidth: 70; onClicked: page.tiers.removeTier(tierRow.tierId) }
                        }
                        EmptyState {
                            anchors.centerIn: parent
                            visible: tierList.count === 0
                            text: "No tiers: users without one are unlimited"
                        }
                    }
                }
            }
        }
    }
}
