// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// Send a chat through any route, watch it stream, and see which provider/model served it.
Item {
    id: page

    readonly property PlaygroundModel model: Session.playground
    property bool loaded: false
    readonly property bool loading: !loaded

    Component.onCompleted: model.refreshRoutes()
    Connections {
        target: page.model
        function onLoadingChanged() {
            if (!page.model.loading)
                page.loaded = true
        }
    }

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pagePadding }
        spacing: Theme.gap

        PageHeader {
            Layout.fillWidth: true
            title: "Playground"
            subtitle: "POST /api/v1/chat/completions with \"stream\": true through any route"
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.gap

            Card {
                title: "Request"
                Layout.preferredWidth: 440
                Layout.fillHeight: true
                Text { text: "Route"; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
                ComboBox {
                    id: routeBox
                    objectName: "routeBox"
                    model: page.model.routes
                    Layout.fillWidth: true
                }
                Text { text: "System prompt"; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
                TextField {
                    id: systemField
                    placeholderText: "optional"
                    Layout.fillWidth: true
                }
                Text { text: "Message"; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
                ScrollView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    TextArea {
                        id: promptArea
                        objectName: "promptArea"
                        text: "Say hello and name the model you are."
                        wrapMode: TextArea.Wrap
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    SpinBox {
                        id: maxTokens
                        from: 0
                        to: 32768
                        stepSize: 64
                        value: 256
                        editable: true
                    }
                    Text { text: "max tokens"; color: Theme.textFaint; font.pixelSize: Theme.fontSmall }
                    Item { Layout.fillWidth: true }
                    Button {
                        text: "Stop"
                        visible: page.model.streaming
                        onClicked: page.model.stop()
                    }
                    Button {
                        objectName: "sendButton"
                        text: "Send"
                        highlighted: true
                        enabled: !page.model.streaming && routeBox.currentText.length > 0
                        onClicked: page.model.send(routeBox.currentText, promptArea.text, systemField.text, maxTokens.value)
                    }
                }
            }

            Card {
                title: "Answer"
                subtitle: page.model.streaming ? "streaming…" : (page.model.status > 0 ? "HTTP " + page.model.status : "")
                Layout.fillWidth: true
                Layout.fillHeight: true

                Flow {
                    Layout.fillWidth: true
                    spacing: 8
                    visible: page.model.status > 0
                    Badge { text: "provider  " + (page.model.servedProvider || "—"); tone: Theme.accent }
                    Badge { text: "model  " + (page.model.servedModel || "—"); tone: "#a78bfa" }
                    Badge { visible: page.model.failover.length > 0; text: "failed over  " + page.model.failover; tone: Theme.warn }
                    Badge { visible: page.model.firstTokenMs >= 0; text: "first token  " + Format.millis(page.model.firstTokenMs); tone: Theme.info }
                    Badge { visible: page.model.totalMs >= 0; text: "total  " + Format.millis(page.model.totalMs); tone: Theme.ok }
                    Badge { visible: page.model.chunks > 0; text: page.model.chunks + " chunks"; tone: Theme.textDim }
                }
                Rectangle {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    color: Theme.background
                    radius: 6
                    border.color: Theme.border
                    ScrollView {
                        anchors { fill: parent; margins: 12 }
                        TextArea {
                            objectName: "answerArea"
                            readOnly: true
                            wrapMode: TextArea.Wrap
                            text: page.model.output
                            color: Theme.text
                            font.pixelSize: 14
                            background: null
                            placeholderText: "The answer streams in here."
                        }
                    }
                }
                Text {
                    visible: page.model.errorString.length > 0
                    text: page.model.errorString
                    color: Theme.bad
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }
        }
    }
}
