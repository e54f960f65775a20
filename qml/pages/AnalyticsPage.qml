// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Aisbf.Control

// Requests, tokens, latency and errors over time, by provider, model, route or user.
Item {
    id: page

    readonly property AnalyticsModel model: Session.analytics
    property bool loaded: false
    readonly property bool loading: !loaded || model.loading

    function rebuild() {
        chart.removeAllSeries()
        const from = model.from
        const to = model.to
        if (from && !isNaN(from))
            xAxis.min = from
        if (to && !isNaN(to))
            xAxis.max = to
        yAxis.max = Math.max(1, model.maxValue * 1.15)
        for (let i = 0; i < model.count; ++i) {
            const s = model.seriesAt(i)
            const line = chart.createSeries(ChartView.SeriesTypeLine, s.group, xAxis, yAxis)
            line.color = s.color
            line.width = 2
            // Markers while points are few: a single bucket is otherwise invisible.
            line.pointsVisible = s.points.length <= 60
            for (let p = 0; p < s.points.length; ++p)
                line.append(s.points[p].x, s.points[p].y)
        }
    }

    Component.onCompleted: model.refresh()
    Connections {
        target: page.model
        function onResultChanged() { page.rebuild() }
        function onLoadingChanged() {
            if (!page.model.loading) {
                page.loaded = true
                page.rebuild()
            }
        }
    }

    ColumnLayout {
        anchors { fill: parent; margins: Theme.pagePadding }
        spacing: Theme.gap

        PageHeader {
            Layout.fillWidth: true
            title: "Analytics"
            subtitle: "Usage from the gateway's request log · " + page.model.bucket + " buckets"
            SegmentedChoice {
                objectName: "rangeChoice"
                options: [{ value: "1h", text: "1 h" }, { value: "6h", text: "6 h" }, { value: "24h", text: "24 h" }, { value: "7d", text: "7 d" }, { value: "30d", text: "30 d" }]
                value: page.model.range
                onPicked: value => page.model.range = value
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.gap
            StatCard { Layout.fillWidth: true; label: "Requests"; value: Format.compact(page.model.totalRequests); hint: "in the range" }
            StatCard {
                Layout.fillWidth: true
                label: "Errors"
                value: Format.compact(page.model.totalErrors)
                hint: page.model.totalRequests > 0 ? Format.percent(page.model.totalErrors / page.model.totalRequests) + " of requests" : "—"
                accent: page.model.totalErrors > 0 ? Theme.bad : Theme.ok
            }
            StatCard { Layout.fillWidth: true; label: "Tokens"; value: Format.compact(page.model.totalTokens); hint: "prompt + completion"; accent: "#a78bfa" }
            StatCard { Layout.fillWidth: true; label: "Series"; value: String(page.model.count); hint: "grouped by " + page.model.groupBy; accent: Theme.info }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.gap
            Text { text: "Show"; color: Theme.textDim; font.pixelSize: Theme.fontBody }
            SegmentedChoice {
                objectName: "metricChoice"
                options: [{ value: "requests", text: "Requests" }, { value: "tokens", text: "Tokens" }, { value: "latency", text: "Latency" }, { value: "errors", text: "Errors" }]
                value: page.model.metric
                onPicked: value => page.model.metric = value
            }
            Item { Layout.preferredWidth: 12 }
            Text { text: "by"; color: Theme.textDim; font.pixelSize: Theme.fontBody }
            SegmentedChoice {
                objectName: "groupChoice"
                options: [{ value: "provider", text: "Provider" }, { value: "model", text: "Model" }, { value: "route", text: "Route" }, { value: "user", text: "User" }]
                value: page.model.groupBy
                onPicked: value => page.model.groupBy = value
            }
            Item { Layout.fillWidth: true }
        }

        Text {
            visible: page.model.errorString.length > 0
            text: "Cannot load analytics: " + page.model.errorString
            color: Theme.bad
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.gap

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                color: Theme.surface
                radius: Theme.radius
                border.color: Theme.border
                ChartView {
                    id: chart
                    objectName: "analyticsChart"
                    anchors { fill: parent; margins: 4 }
                    antialiasing: true
                    backgroundColor: "transparent"
                    plotAreaColor: "transparent"
                    dropShadowEnabled: false
                    animationOptions: ChartView.NoAnimation
                    legend.visible: false
                    margins { left: 8; right: 16; top: 12; bottom: 8 }
                    DateTimeAxis {
                        id: xAxis
                        format: page.model.bucket === "day" ? "MMM d" : (page.model.bucket === "hour" ? "MMM d HH:mm" : "HH:mm")
                        tickCount: 7
                        labelsColor: Theme.textDim
                        gridLineColor: Theme.border
                        lineVisible: false
                    }
                    ValueAxis {
                        id: yAxis
                        min: 0
                        labelFormat: "%.0f"
                        tickCount: 6
                        labelsColor: Theme.textDim
                        gridLineColor: Theme.border
                        lineVisible: false
                        titleText: page.model.metricLabel
                        titleBrush: Theme.textDim
                    }
                }
                EmptyState {
                    anchors.centerIn: parent
                    visible: page.loaded && page.model.count === 0
                    text: "No requests in this range"
                    hint: "Traffic through the gateway shows up here within seconds."
                }
            }

            Card {
                title: "Legend"
                subtitle: page.model.metricLabel
                Layout.preferredWidth: 280
                Layout.fillHeight: true
                ListView {
                    id: legend
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    spacing: 6
                    model: page.model
                    delegate: RowLayout {
                        required property string group
                        required property color color
                        required property real total
                        width: legend.width
                        spacing: 8
                        Rectangle { width: 12; height: 12; radius: 3; color: parent.color }
                        Text { text: parent.group; color: Theme.text; font.pixelSize: Theme.fontBody; elide: Text.ElideRight; Layout.fillWidth: true }
                        Text {
                            text: page.model.metric === "latency" ? Format.millis(parent.total) : Format.compact(parent.total)
                            color: Theme.textDim
                            font.pixelSize: Theme.fontBody
                        }
                    }
                }
            }
        }
    }

    LoadingIndicator {
        running: !page.loaded
        text: "Loading analytics…"
    }
}
