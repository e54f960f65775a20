// SPDX-License-Identifier: GPL-3.0-or-later
pragma Singleton

import QtQuick

// Colours, spacing and type sizes of the control center, in one place.
QtObject {
    readonly property color background: "#0b1220"
    readonly property color sidebar: "#0e1628"
    readonly property color surface: "#131d33"
    readonly property color surfaceRaised: "#18243f"
    readonly property color surfaceHover: "#1d2b4a"
    readonly property color border: "#24324f"
    readonly property color text: "#e6ebf5"
    readonly property color textDim: "#97a3bd"
    readonly property color textFaint: "#66738f"
    readonly property color accent: "#4f9cf9"
    readonly property color accentSoft: "#1d3558"
    readonly property color ok: "#34c38f"
    readonly property color warn: "#f1b44c"
    readonly property color bad: "#f46a6a"
    // Health colours match the graph (app/graph): ok green, cooling orange, failing red.
    readonly property color cooling: "#f0a028"
    readonly property color info: "#5bc0eb"
    readonly property color added: "#16351f"
    readonly property color removed: "#3a1a1f"

    readonly property int radius: 8
    readonly property int gap: 16
    readonly property int gapSmall: 8
    readonly property int pagePadding: 24

    readonly property int fontTitle: 22
    readonly property int fontHeading: 15
    readonly property int fontBody: 13
    readonly property int fontSmall: 11
    readonly property int fontFigure: 26
    readonly property string mono: "DejaVu Sans Mono"

    function stateColor(state: string): color {
        switch (state) {
        case "ok":
            return ok
        case "cooling":
            return cooling
        case "down":
        case "failing":
        case "error":
        case "unreachable":
            return bad
        default:
            return textFaint
        }
    }
}
