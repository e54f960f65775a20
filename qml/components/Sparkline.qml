// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Shapes

// A small area chart of recent samples (requests/s), drawn with Shapes.
Item {
    id: spark

    property var values: []
    property color color: Theme.accent
    readonly property real maxValue: {
        let m = 0
        for (let i = 0; i < values.length; ++i)
            m = Math.max(m, values[i])
        return m > 0 ? m * 1.15 : 1
    }

    function px(i: int): real {
        return values.length < 2 ? 0 : i * width / (values.length - 1)
    }
    function py(v: real): real {
        return height - 2 - (v / maxValue) * (height - 4)
    }
    function linePath(): string {
        if (values.length < 2)
            return ""
        let d = "M " + px(0) + " " + py(values[0])
        for (let i = 1; i < values.length; ++i)
            d += " L " + px(i) + " " + py(values[i])
        return d
    }

    Shape {
        anchors.fill: parent
        visible: spark.values.length >= 2
        ShapePath {
            strokeColor: "transparent"
            fillGradient: LinearGradient {
                x1: 0; y1: 0; x2: 0; y2: spark.height
                GradientStop { position: 0; color: Qt.rgba(spark.color.r, spark.color.g, spark.color.b, 0.35) }
                GradientStop { position: 1; color: Qt.rgba(spark.color.r, spark.color.g, spark.color.b, 0.0) }
            }
            PathSvg { path: spark.linePath() + (spark.values.length >= 2 ? " L " + spark.width + " " + spark.height + " L 0 " + spark.height + " Z" : "") }
        }
        ShapePath {
            strokeColor: spark.color
            strokeWidth: 2
            fillColor: "transparent"
            joinStyle: ShapePath.RoundJoin
            PathSvg { path: spark.linePath() }
        }
    }
    Text {
        anchors.centerIn: parent
        visible: spark.values.length < 2
        text: "collecting samples…"
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
    }
}
