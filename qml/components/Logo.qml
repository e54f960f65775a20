// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Shapes

// The app mark (resources/icons/aisbf-control.svg) drawn with Shapes, so it needs no SVG plugin.
Item {
    id: logo

    property real size: 32

    implicitWidth: size
    implicitHeight: size

    Rectangle {
        anchors.fill: parent
        radius: logo.size * 0.22
        gradient: Gradient {
            GradientStop { position: 0; color: "#1e3a8a" }
            GradientStop { position: 1; color: "#0f172a" }
        }
    }
    Shape {
        anchors.fill: parent
        ShapePath {
            strokeColor: "#60a5fa"
            strokeWidth: Math.max(1.5, logo.size * 0.035)
            fillColor: "transparent"
            capStyle: ShapePath.RoundCap
            PathMove { x: logo.size * 0.5; y: logo.size * 0.24 }
            PathLine { x: logo.size * 0.27; y: logo.size * 0.5 }
            PathLine { x: logo.size * 0.27; y: logo.size * 0.76 }
            PathMove { x: logo.size * 0.5; y: logo.size * 0.24 }
            PathLine { x: logo.size * 0.73; y: logo.size * 0.5 }
            PathLine { x: logo.size * 0.73; y: logo.size * 0.76 }
            PathMove { x: logo.size * 0.27; y: logo.size * 0.5 }
            PathLine { x: logo.size * 0.73; y: logo.size * 0.76 }
        }
    }
    Repeater {
        model: [
            { x: 0.5, y: 0.24, r: 0.095, c: "#7dd3fc" },
            { x: 0.27, y: 0.5, r: 0.08, c: "#60a5fa" },
            { x: 0.73, y: 0.5, r: 0.08, c: "#f59e0b" },
            { x: 0.27, y: 0.76, r: 0.07, c: "#34d399" },
            { x: 0.73, y: 0.76, r: 0.07, c: "#34d399" }
        ]
        delegate: Rectangle {
            required property var modelData
            width: logo.size * modelData.r * 2
            height: width
            radius: width / 2
            x: logo.size * modelData.x - width / 2
            y: logo.size * modelData.y - height / 2
            color: modelData.c
        }
    }
}
