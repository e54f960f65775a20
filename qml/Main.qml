// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Aisbf.Control

// The window: the connect screen until a gateway answers, then the sidebar and the pages.
ApplicationWindow {
    id: window

    readonly property bool showShell: Session.state === Session.Connected || Session.state === Session.Reconnecting
    // --screenshot waits for this to turn false.
    readonly property bool pageLoading: !showShell || pageLoader.status !== Loader.Ready
                                        || (pageLoader.item !== null && pageLoader.item.loading === true)
    readonly property var pageFiles: ({
        overview: "pages/OverviewPage.qml",
        routes: "pages/RoutesPage.qml",
        graph: "pages/GraphPage.qml",
        cluster: "pages/ClusterPage.qml",
        analytics: "pages/AnalyticsPage.qml",
        users: "pages/UsersPage.qml",
        playground: "pages/PlaygroundPage.qml"
    })

    function toast(message: string, isError: bool) {
        toastItem.show(message, isError)
    }

    width: 1280
    height: 800
    minimumWidth: 1100
    minimumHeight: 700
    visible: true
    title: "AISBF Control" + (showShell ? " — " + Session.gatewayUrl : "")
    color: Theme.background

    Material.theme: Material.Dark
    Material.accent: Theme.accent
    Material.primary: Theme.accent
    Material.foreground: Theme.text
    font.capitalization: Font.MixedCase

    ConnectPage {
        anchors.fill: parent
        visible: !window.showShell
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0
        visible: window.showShell

        Sidebar {
            Layout.fillHeight: true
            current: Session.currentPage
            gatewayUrl: Session.gatewayUrl
            identity: Session.identity
            live: Session.feedConnected
            onPageSelected: page => Session.currentPage = page
            onDisconnectRequested: Session.disconnectFromGateway()
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ConnectionBanner {
                visible: Session.state === Session.Reconnecting
                reason: Session.errorString
                retryInSec: Session.retryInSec
                onRetryRequested: Session.retry()
                Layout.fillWidth: true
                Layout.margins: 12
                Layout.bottomMargin: 0
            }

            Loader {
                id: pageLoader
                Layout.fillWidth: true
                Layout.fillHeight: true
                active: window.showShell
                source: window.pageFiles[Session.currentPage] ?? window.pageFiles.overview
            }
        }
    }

    Toast {
        id: toastItem
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 24
        z: 10
    }
}
