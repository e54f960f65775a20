// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtTest
import Aisbf.Control

// The reusable components of the control center: what they show and what they emit.
Item {
    id: root
    width: 1000
    height: 700

    Component { id: statCard; StatCard {} }
    Component { id: badge; Badge {} }
    Component { id: banner; ConnectionBanner { width: 600 } }
    Component { id: formRow; FormFieldRow { width: 700 } }
    Component { id: choice; SegmentedChoice {} }
    Component { id: diffView; DiffView { width: 600; height: 200 } }
    Component { id: spark; Sparkline { width: 300; height: 80 } }
    Component { id: diag; DiagnosticRow { width: 500 } }
    Component { id: tokenDialog; TokenCreatedDialog {} }
    Component { id: nodeDetails; NodeDetails { width: 300; height: 500 } }

    ListModel {
        id: diffLines
        ListElement { kind: "same"; text: "{"; oldLine: 1; newLine: 1 }
        ListElement { kind: "removed"; text: "\"weight\": 6"; oldLine: 2; newLine: 0 }
        ListElement { kind: "added"; text: "\"weight\": 9"; oldLine: 0; newLine: 2 }
    }

    TestCase {
        name: "Components"
        when: windowShown

        function findByName(item, name) {
            if (!item)
                return null
            if (item.objectName === name)
                return item
            const kids = item.children
            for (let i = 0; i < kids.length; ++i) {
                const found = findByName(kids[i], name)
                if (found)
                    return found
            }
            if (item.contentItem && item.contentItem !== item) {
                const found = findByName(item.contentItem, name)
                if (found)
                    return found
            }
            return null
        }

        function test_statCardShowsValue() {
            const card = createTemporaryObject(statCard, root, { label: "Requests / s", value: "12.5", hint: "3 in flight" })
            verify(card)
            compare(findByName(card, "statValue").text, "12.5")
            verify(card.implicitHeight > 50)
        }

        function test_badgeSizesToText() {
            const small = createTemporaryObject(badge, root, { text: "ok" })
            const big = createTemporaryObject(badge, root, { text: "cooling down for a while" })
            verify(big.implicitWidth > small.implicitWidth)
        }

        function test_themeStateColors() {
            compare(Theme.stateColor("ok"), Theme.ok)
            compare(Theme.stateColor("cooling"), Theme.cooling)
            compare(Theme.stateColor("failing"), Theme.bad)
            compare(Theme.stateColor("whatever"), Theme.textFaint)
        }

        function test_formatSingleton() {
            compare(Format.duration(3725), "1h 2m")
            compare(Format.percent(0.5), "50%")
        }

        function test_bannerRetry() {
            const b = createTemporaryObject(banner, root, { reason: "connection refused", retryInSec: 4 })
            const retry = findByName(b, "retryButton")
            verify(retry)
            let fired = 0
            b.retryRequested.connect(() => fired++)
            mouseClick(retry)
            compare(fired, 1)
        }

        function test_formRowEmitsTypedEdits() {
            const row = createTemporaryObject(formRow, root, {
                pointer: "/rotations/coding/providers/0/weight", label: "weight", depth: 2,
                kind: "number", value: 6, text: "6", error: "weight must be greater than 0"
            })
            verify(row)
            let edits = []
            row.edited.connect((pointer, text, kind) => edits.push([pointer, text, kind]))
            const field = findByName(row, "field_/rotations/coding/providers/0/weight")
            verify(field)
            compare(field.text, "6")
            field.forceActiveFocus()
            field.selectAll()
            keyClick(Qt.Key_9)
            keyClick(Qt.Key_Return)
            compare(edits.length, 1)
            compare(edits[0][0], "/rotations/coding/providers/0/weight")
            compare(edits[0][1], "9")
            compare(edits[0][2], "number")
        }

        function test_formRowContainersHaveNoEditor() {
            const row = createTemporaryObject(formRow, root, { pointer: "/a", label: "models", depth: 0, kind: "array", value: 2, text: "2 items", error: "" })
            const field = findByName(row, "field_/a")
            verify(!field.visible)
            let appended = ""
            row.appendRequested.connect(p => appended = p)
            row.appendRequested("/a")
            compare(appended, "/a")
        }

        function test_segmentedChoicePicks() {
            const c = createTemporaryObject(choice, root, { options: [{ value: "1h", text: "1 h" }, { value: "24h", text: "24 h" }], value: "1h" })
            let picked = ""
            c.picked.connect(v => picked = v)
            waitForRendering(c)
            mouseClick(c, c.width - 20, c.height / 2)
            compare(picked, "24h")
        }

        function test_diffViewRendersLines() {
            const d = createTemporaryObject(diffView, root, { model: diffLines })
            waitForRendering(d)
            compare(d.count, 3)
            tryVerify(() => d.itemAtIndex(2) !== null)
            const added = findByName(d.itemAtIndex(2), "diffLine")
            compare(added.text, "+ \"weight\": 9")
            const removed = findByName(d.itemAtIndex(1), "diffLine")
            compare(removed.text, "- \"weight\": 6")
        }

        function test_sparklineScales() {
            const s = createTemporaryObject(spark, root, { values: [1, 2, 4] })
            compare(s.maxValue, 4 * 1.15)
            verify(s.linePath().startsWith("M 0 "))
            s.values = []
            compare(s.maxValue, 1)
            compare(s.linePath(), "")
        }

        function test_diagnosticRowActivates() {
            const d = createTemporaryObject(diag, root, { file: "rotations.json", path: "/rotations/x", message: "unknown provider" })
            compare(findByName(d, "diagnosticMessage").text, "unknown provider")
            let activated = 0
            d.activated.connect(() => activated++)
            mouseClick(d)
            compare(activated, 1)
        }

        function test_nodeDetailsMapsToRouteItems() {
            const n = createTemporaryObject(nodeDetails, root)
            n.node = { nodeId: "model/openai/gpt-4o", kind: "model", label: "gpt-4o", health: "cooling", cooldownRemaining: 12, requestsPerSec: 0 }
            compare(n.target().doc, "providers")
            compare(n.target().id, "openai")
            n.node = { nodeId: "rotation/coding", kind: "rotation", label: "coding", health: "ok", cooldownRemaining: 0, requestsPerSec: 1 }
            compare(n.target().doc, "rotations")
            compare(n.target().id, "coding")
            n.node = { nodeId: "autoselect/auto", kind: "autoselect", label: "auto", health: "ok", cooldownRemaining: 0, requestsPerSec: 1 }
            compare(n.target().doc, "autoselect")
            let edited = []
            n.editRequested.connect((doc, id) => edited = [doc, id])
            mouseClick(findByName(n, "editNodeButton"))
            compare(edited, ["autoselect", "auto"])
        }

        function test_tokenDialogCopies() {
            const d = createTemporaryObject(tokenDialog, root, { token: "aisbf_SECRET" })
            d.open()
            tryVerify(() => d.opened)
            const field = findByName(d.contentItem, "createdTokenField")
            compare(field.text, "aisbf_SECRET")
            const copy = findByName(d.contentItem, "copyTokenButton")
            mouseClick(copy)
            compare(copy.text, "Copied")
        }
    }
}
