// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// Providers, rotations and autoselect: forms or raw JSON, validated inline with the gateway's
// own rules, reviewed as a diff, applied live, and reverted to the version before.
Item {
    id: page

    readonly property RoutesEditor editor: Session.routes
    readonly property bool loading: editor.loading
    readonly property var documents: [
        { name: "providers", title: "Providers" },
        { name: "rotations", title: "Rotations" },
        { name: "autoselect", title: "Autoselect" },
        { name: "server", title: "Server" }
    ]

    function toast(message: string, isError: bool) {
        if (ApplicationWindow.window && ApplicationWindow.window.toast)
            ApplicationWindow.window.toast(message, isError)
    }

    Connections {
        target: page.editor
        function onApplyFinished(ok: bool) {
            page.toast(ok ? page.editor.statusMessage : page.editor.errorString, !ok)
        }
    }

    ReviewDialog {
        id: review
        editor: page.editor
    }

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pagePadding }
        spacing: 12

        PageHeader {
            Layout.fillWidth: true
            title: "Routes"
            subtitle: page.editor.dirtyDocuments.length > 0
                      ? "Unapplied changes in " + page.editor.dirtyDocuments.join(", ")
                      : "Edit the gateway's route inventory; every change is checked with the gateway's own validator"
            Button { text: "Reload"; flat: true; enabled: !page.editor.busy; onClicked: page.editor.refresh() }
            Button {
                text: "Revert last apply"
                flat: true
                visible: page.editor.canRevert
                enabled: !page.editor.busy
                onClicked: page.editor.revert()
            }
            Button { text: "Discard"; flat: true; enabled: page.editor.dirty; onClicked: page.editor.discard() }
            Button {
                objectName: "reviewButton"
                text: "Review and apply"
                highlighted: true
                enabled: page.editor.dirty
                onClicked: review.open()
            }
        }

        Rectangle {
            visible: page.editor.remoteNotice.length > 0
            Layout.fillWidth: true
            implicitHeight: 36
            radius: 6
            color: Qt.rgba(Theme.warn.r, Theme.warn.g, Theme.warn.b, 0.14)
            Text { anchors { fill: parent; leftMargin: 12 } verticalAlignment: Text.AlignVCenter; text: page.editor.remoteNotice; color: Theme.warn; elide: Text.ElideRight }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 12
            TabBar {
                id: tabs
                Layout.preferredWidth: 520
                background: Rectangle {
                    color: "transparent"
                    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
                }
                currentIndex: Math.max(0, page.documents.findIndex(d => d.name === page.editor.document))
                Repeater {
                    model: page.documents
                    delegate: TabButton {
                        required property var modelData
                        text: modelData.title + (page.editor.dirtyDocuments.indexOf(modelData.name) >= 0 ? " •" : "")
                        onClicked: page.editor.document = modelData.name
                    }
                }
            }
            Item { Layout.fillWidth: true }
            Badge {
                text: page.editor.documentErrors > 0 ? page.editor.documentErrors + " problems" : "valid"
                tone: page.editor.documentErrors > 0 ? Theme.bad : Theme.ok
            }
            ButtonGroup { id: viewGroup }
            Button { id: formButton; text: "Form"; checkable: true; checked: true; flat: true; ButtonGroup.group: viewGroup }
            Button { id: jsonButton; objectName: "jsonButton"; text: "JSON"; checkable: true; flat: true; ButtonGroup.group: viewGroup }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.gap

            RouteItemList {
                editor: page.editor
                visible: formButton.checked
                Layout.preferredWidth: 250
                Layout.fillHeight: true
            }

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                color: Theme.surface
                radius: Theme.radius
                border.color: Theme.border
                RouteForm {
                    anchors { fill: parent; margins: 14 }
                    visible: formButton.checked
                    editor: page.editor
                }
                RawJsonEditor {
                    anchors { fill: parent; margins: 10 }
                    visible: jsonButton.checked
                    editor: page.editor
                }
            }

            Card {
                title: "Problems"
                subtitle: page.editor.diagnostics.errorCount + " errors · " + page.editor.diagnostics.warningCount + " warnings"
                Layout.preferredWidth: 270
                Layout.fillHeight: true
                ListView {
                    id: problems
                    objectName: "problemList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 2
                    model: page.editor.diagnostics
                    delegate: DiagnosticRow {
                        required property var model
                        width: problems.width
                        severity: model.severity
                        file: model.file
                        path: model.path
                        message: model.message
                        onActivated: {
                            const doc = model.file === "aisbf.json" ? "server" : model.file.replace(".json", "")
                            const parts = model.path.split("/")
                            page.editor.openItem(doc, doc === "autoselect" || doc === "server" ? parts[1] : parts[2])
                        }
                    }
                    EmptyState {
                        anchors.centerIn: parent
                        width: parent.width - 20
                        visible: problems.count === 0
                        text: "✓ No problems"
                        hint: "The gateway would accept this configuration."
                    }
                }
            }
        }
    }
}
