// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Aisbf.Control

// Health, traffic, latency and the busiest routes of the connected gateway.
Item {
    id: page

    readonly property OverviewModel model: Session.overview
    readonly property bool loading: model.loading

    Component.onCompleted: model.refresh()

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: parent.width
            spacing: Theme.gap

            PageHeader {
                Layout.fillWidth: true
                Layout.margins: Theme.pagePadding
                Layout.bottomMargin: 0
                title: "Overview"
                subtitle: (page.model.nodeId || Session.gatewayUrl) + "  ·  version " + (page.model.version || "?")
                          + "  ·  up " + Format.duration(page.model.uptimeSec)
                Badge {
                    text: page.model.health === "ok" ? "HEALTHY" : page.model.health.toUpperCase()
                    tone: page.model.health === "ok" ? Theme.ok : Theme.bad
                }
            }

            Text {
                visible: page.model.errorString.length > 0
                text: "Live state unavailable: " + page.model.errorString
                color: Theme.warn
                font.pixelSize: Theme.fontSmall
                Layout.leftMargin: Theme.pagePadding
            }

            GridLayout {
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pagePadding
                Layout.rightMargin: Theme.pagePadding
                columns: 6
                columnSpacing: Theme.gap
                rowSpacing: Theme.gap

                StatCard {
                    Layout.fillWidth: true
                    label: "Requests / s"
                    value: Format.rate(page.model.requestsPerSec)
                    hint: page.model.activeRequests + " in flight"
                }
                StatCard {
                    Layout.fillWidth: true
                    label: "Error rate"
                    value: Format.percent(page.model.errorRate)
                    hint: "last 60 s"
                    accent: page.model.errorRate > 0.05 ? Theme.bad : (page.model.errorRate > 0 ? Theme.warn : Theme.ok)
                }
                StatCard {
                    Layout.fillWidth: true
                    label: "Latency p50"
                    value: Format.millis(page.model.latencyP50Ms)
                    hint: "median, last 60 s"
                    accent: Theme.info
                }
                StatCard {
                    Layout.fillWidth: true
                    label: "Latency p99"
                    value: Format.millis(page.model.latencyP99Ms)
                    hint: "tail, last 60 s"
                    accent: page.model.latencyP99Ms > 5000 ? Theme.warn : Theme.info
                }
                StatCard {
                    Layout.fillWidth: true
                    label: "Active streams"
                    value: page.model.activeStreams
                    hint: "SSE answers open"
                    accent: "#a78bfa"
                }
                StatCard {
                    Layout.fillWidth: true
                    label: "Routes health"
                    value: page.model.coolingCount + page.model.failingCount === 0 ? "All OK"
                           : (page.model.coolingCount + page.model.failingCount) + " down"
                    hint: page.model.providerCount + " providers · " + page.model.coolingCount + " cooling · "
                          + page.model.failingCount + " failing"
                    accent: page.model.failingCount > 0 ? Theme.bad : (page.model.coolingCount > 0 ? Theme.cooling : Theme.ok)
                }
            }

            Card {
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pagePadding
                Layout.rightMargin: Theme.pagePadding
                title: "Traffic"
                subtitle: "requests per second, last " + page.model.rateHistory.length + " samples"
                headerExtras: [
                    Text {
                        text: "now " + Format.rate(page.model.requestsPerSec) + " req/s"
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                    }
                ]
                Sparkline {
                    Layout.fillWidth: true
                    Layout.preferredHeight: 120
                    values: page.model.rateHistory
                }
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: Theme.pagePadding
                Layout.rightMargin: Theme.pagePadding
                Layout.bottomMargin: Theme.pagePadding
                spacing: Theme.gap

                Card {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    Layout.minimumHeight: 260
                    title: "Top routes"
                    subtitle: "by requests/s"
                    Repeater {
                        model: page.model.topRoutes
                        delegate: BarRow {
                            required property var model
                            label: model.route
                            share: model.share
                            figure: Format.rate(model.requestsPerSec) + "/s"
                            color: model.route.startsWith("rotation/") ? Theme.accent
                                   : (model.route.startsWith("autoselect/") ? "#a78bfa" : Theme.ok)
                        }
                    }
                    EmptyState {
                        visible: page.model.topRoutes.count === 0
                        text: "No traffic yet"
                        hint: "Routes appear here as requests arrive."
                        Layout.fillWidth: true
                        Layout.topMargin: 40
                    }
                    Item { Layout.fillHeight: true }
                }

                Card {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    Layout.minimumHeight: 260
                    title: "Recent errors"
                    subtitle: "failed attempts, newest first"
                    Repeater {
                        model: page.model.recentErrors
                        delegate: RowLayout {
                            required property string time
                            required property string route
                            required property string provider
                            required property string modelName
                            required property int status
                            required property string reason
                            spacing: 10
                            Layout.fillWidth: true
                            Text { text: time; color: Theme.textFaint; font.pixelSize: Theme.fontSmall; font.family: Theme.mono }
                            Badge { text: status > 0 ? String(status) : "ERR"; tone: status >= 500 || status === 0 ? Theme.bad : Theme.warn }
                            Text {
                                text: provider.length > 0 ? provider + "/" + modelName : route
                                color: Theme.text
                                font.pixelSize: Theme.fontBody
                                font.family: Theme.mono
                                Layout.preferredWidth: 180
                                elide: Text.ElideRight
                            }
                            Text {
                                text: reason
                                color: Theme.textDim
                                font.pixelSize: Theme.fontSmall
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                        }
                    }
                    EmptyState {
                        visible: page.model.recentErrors.count === 0
                        text: "No errors in the last minutes"
                        hint: "Failed upstream attempts and cooldowns show up here."
                        Layout.fillWidth: true
                        Layout.topMargin: 40
                    }
                    Item { Layout.fillHeight: true }
                }
            }
        }
    }

    LoadingIndicator {
        running: page.loading
        text: "Loading live state…"
    }
}
