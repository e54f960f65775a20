// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// "Review & apply": the line diff of the edited document against the live one, the problems
// the gateway reported if it refused, and the Apply button.
Dialog {
    id: dialog

    required property RoutesEditor editor

    title: "Review changes to " + editor.documentFile
    modal: true
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 80 : 900, 1000)
    height: Math.min(parent ? parent.height - 80 : 640, 720)
    onOpened: editor.computeDiff(3)

    ColumnLayout {
        anchors.fill: parent
        spacing: 10
        RowLayout {
            spacing: 8
            Badge { text: "+" + dialog.editor.diff.added; tone: Theme.ok }
            Badge { text: "−" + dialog.editor.diff.removed; tone: Theme.bad }
            Text {
                text: dialog.editor.documentErrors > 0 ? dialog.editor.documentErrors + " problems must be fixed first"
                                                       : "Validated with the gateway's own rules"
                color: dialog.editor.documentErrors > 0 ? Theme.bad : Theme.ok
                font.pixelSize: Theme.fontSmall
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.background
            radius: 6
            border.color: Theme.border
            DiffView {
                anchors { fill: parent; margins: 6 }
                model: dialog.editor.diff
            }
        }
        ColumnLayout {
            visible: dialog.editor.gatewayDiagnostics.count > 0 || dialog.editor.errorString.length > 0
            Layout.fillWidth: true
            Text { text: dialog.editor.errorString; color: Theme.bad; wrapMode: Text.Wrap; Layout.fillWidth: true }
            Repeater {
                model: dialog.editor.gatewayDiagnostics
                delegate: DiagnosticRow {
                    required property var model
                    Layout.fillWidth: true
                    severity: model.severity
                    file: model.file
                    path: model.path
                    message: model.message
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: "Close"; flat: true; onClicked: dialog.close() }
            Button {
                objectName: "applyButton"
                text: dialog.editor.busy ? "Applying…" : "Apply to gateway"
                highlighted: true
                enabled: !dialog.editor.busy && dialog.editor.dirty && dialog.editor.documentErrors === 0
                onClicked: dialog.editor.apply()
            }
        }
    }

    Connections {
        target: dialog.editor
        function onApplyFinished(ok: bool) {
            if (ok)
                dialog.close()
        }
    }
}
