// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/ConfigLoader.h"
#include "graph/GraphHealth.h"
#include "graph/GraphLayout.h"
#include "graph/HealthTracker.h"
#include "graph/RouteGraph.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRectF>
#include <QTest>

using namespace aisbf;
using namespace aisbf::graph;

class TestRouteGraph : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void guideGraph();
    void guideWithGlobalReferences();
    void originalRotationShape();
    void originalReferenceConfig();
    void references_data();
    void references();
    void layersOrderedByKind();
    void nodesDoNotOverlap();
    void edgePathsJoinTheirNodes();
    void crossingsReduced();
    void countCrossings_data();
    void countCrossings();
    void cycleDoesNotHang();
    void layoutIsFast();
    void healthFromStateJson();
    void providerIsWorstOfItsModels();
    void trackerEvents();
};

namespace {

const QString kDataDir = QStringLiteral(AISBF_TEST_DATA_DIR);

config::ConfigSet loadDir(const QString &dir)
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("RUNPOD_API_KEY"), QStringLiteral("test-key"));
    const config::LoadResult result = config::loadConfigDir(dir, env, false);
    if (!result.ok()) {
        for (const config::Diagnostic &d : result.diagnostics)
            qWarning().noquote() << d.toString();
        return {};
    }
    return *result.config;
}

config::ProviderConfig provider(const QString &id, const QStringList &models)
{
    config::ProviderConfig p;
    p.id = id;
    p.name = id;
    p.type = QStringLiteral("openai");
    for (const QString &m : models)
        p.models.append({m, {}, {}, {}, {}});
    return p;
}

config::RotationConfig rotation(const QString &id, const QList<config::RotationEntry> &entries)
{
    config::RotationConfig r;
    r.id = id;
    r.modelName = id;
    r.entries = entries;
    return r;
}

config::AutoselectConfig autoselect(const QString &id, const QStringList &candidates,
                                    const QString &fallback = {})
{
    config::AutoselectConfig a;
    a.id = id;
    a.fallback = fallback;
    for (const QString &c : candidates)
        a.candidates.append({c, {}, false, false});
    return a;
}

const GraphEdge *edge(const RouteGraph &g, const QString &from, const QString &to)
{
    for (const GraphEdge &e : g.edges()) {
        if (g.nodes().at(e.from).id == from && g.nodes().at(e.to).id == to)
            return &e;
    }
    return nullptr;
}

QStringList nodeIds(const RouteGraph &g)
{
    QStringList ids;
    for (const GraphNode &n : g.nodes())
        ids.append(n.id);
    return ids;
}

// A random config: chains of autoselects over rotations and models of many providers.
config::ConfigSet randomConfig(quint32 seed, int providers, int modelsEach, int rotations,
                               int entriesEach, int autoselects, int candidatesEach)
{
    QRandomGenerator rng(seed);
    config::ConfigSet set;
    QStringList models;
    for (int p = 0; p < providers; ++p) {
        const QString id = QStringLiteral("p%1").arg(p);
        QStringList names;
        for (int m = 0; m < modelsEach; ++m) {
            names.append(QStringLiteral("m%1").arg(m));
            models.append(id + u'/' + names.last());
        }
        set.providers.insert(id, provider(id, names));
    }
    for (int r = 0; r < rotations; ++r) {
        QList<config::RotationEntry> entries;
        for (int e = 0; e < entriesEach; ++e) {
            const QStringList pm = models.at(rng.bounded(int(models.size()))).split(u'/');
            entries.append({pm.at(0), pm.at(1), double(1 + rng.bounded(9)), {}});
        }
        const QString id = QStringLiteral("r%1").arg(r);
        set.rotations.insert(id, rotation(id, entries));
    }
    for (int a = 0; a < autoselects; ++a) {
        QStringList candidates;
        for (int c = 0; c < candidatesEach; ++c) {
            const int pick = rng.bounded(10);
            if (pick == 0 && a > 0)
                candidates.append(QStringLiteral("autoselect/a%1").arg(rng.bounded(a)));
            else if (pick < 4)
                candidates.append(models.at(rng.bounded(int(models.size()))));
            else
                candidates.append(QStringLiteral("rotation/r%1").arg(rng.bounded(rotations)));
        }
        const QString id = QStringLiteral("a%1").arg(a);
        set.autoselects.insert(id, autoselect(id, candidates));
    }
    return set;
}

QList<QSizeF> sizes(const RouteGraph &g)
{
    QList<QSizeF> s;
    for (const GraphNode &n : g.nodes())
        s.append(QSizeF(80 + 4 * (n.label.size() % 10), 30));
    return s;
}

LayoutResult layout(const RouteGraph &g, LayoutOptions options = {})
{
    return layoutGraph(layoutInput(g, sizes(g)), options);
}

} // namespace

void TestRouteGraph::guideGraph()
{
    const RouteGraph g = RouteGraph::fromConfig(loadDir(kDataDir + QStringLiteral("/guide")));
    QCOMPARE(nodeIds(g), (QStringList{
                             QStringLiteral("autoselect/engineering"),
                             QStringLiteral("rotation/coding-production"),
                             QStringLiteral("model/ollama-private/qwen2.5-coder:32b"),
                             QStringLiteral("model/openai-prod/gpt-4.1-mini"),
                             QStringLiteral("model/runpod-gpu-a/deepseek-coder-v2"),
                             QStringLiteral("provider/ollama-private"),
                             QStringLiteral("provider/openai-prod"),
                             QStringLiteral("provider/runpod-gpu-a"),
                         }));
    QCOMPARE(g.nodes().at(g.indexOf(QStringLiteral("provider/openai-prod"))).label,
             QStringLiteral("OpenAI"));
    QCOMPARE(g.edges().size(), 6); // 3 rotation entries + 3 model -> provider
    const GraphEdge *heavy = edge(g, QStringLiteral("rotation/coding-production"),
                                  QStringLiteral("model/ollama-private/qwen2.5-coder:32b"));
    QVERIFY(heavy);
    QCOMPARE(heavy->kind, EdgeKind::RotationEntry);
    QCOMPARE(heavy->weight, 6.0);
    QCOMPARE(heavy->share, 0.6);
    QCOMPARE(edge(g, QStringLiteral("rotation/coding-production"),
                  QStringLiteral("model/openai-prod/gpt-4.1-mini"))
                 ->share,
             0.1);
    QVERIFY(edge(g, QStringLiteral("model/runpod-gpu-a/deepseek-coder-v2"),
                 QStringLiteral("provider/runpod-gpu-a")));
    // The guide's autoselect names user routes, which live per user in the database.
    QCOMPARE(g.outEdges(g.indexOf(QStringLiteral("autoselect/engineering"))).size(), 0);
    QCOMPARE(g.skippedReferences().size(), 4);
    QCOMPARE(g.skippedReferences().at(0).reference,
             QStringLiteral("user-rotation/coding-production"));
}

void TestRouteGraph::guideWithGlobalReferences()
{
    config::ConfigSet set = loadDir(kDataDir + QStringLiteral("/guide"));
    set.autoselects[QStringLiteral("engineering")] =
        autoselect(QStringLiteral("engineering"),
                   {QStringLiteral("rotation/coding-production"),
                    QStringLiteral("runpod-gpu-a/deepseek-coder-v2"),
                    QStringLiteral("openai-prod/gpt-4.1-mini")},
                   QStringLiteral("coding-production"));
    const RouteGraph g = RouteGraph::fromConfig(set);
    const QString from = QStringLiteral("autoselect/engineering");
    QCOMPARE(g.outEdges(g.indexOf(from)).size(), 3); // the fallback is also a candidate
    const GraphEdge *toRotation = edge(g, from, QStringLiteral("rotation/coding-production"));
    QVERIFY(toRotation);
    QCOMPARE(toRotation->kind, EdgeKind::Candidate);
    QVERIFY(toRotation->fallback);
    QCOMPARE(toRotation->share, 1.0 / 3.0);
    const GraphEdge *toModel = edge(g, from, QStringLiteral("model/openai-prod/gpt-4.1-mini"));
    QVERIFY(toModel);
    QVERIFY(!toModel->fallback);
    QVERIFY(g.skippedReferences().isEmpty());
}

void TestRouteGraph::originalRotationShape()
{
    // The original AISBF's {"provider_id", "weight", "models": [{"name", "weight"}]} entry.
    const QByteArray rotations = R"({"rotations":{"mixed":{"providers":[
        {"provider_id":"p1","weight":2,"models":[{"name":"m1","weight":1},{"name":"m2","weight":3}]},
        {"provider_id":"p2","model":"x","weight":2},
        {"provider_id":"p1","model":"m1","weight":2}]}}})";
    const QByteArray providers = R"({"providers":{
        "p1":{"type":"openai","endpoint":"http://127.0.0.1:9/v1","models":[{"name":"m1"},{"name":"m2"}]},
        "p2":{"type":"openai","endpoint":"http://127.0.0.1:9/v1","models":[{"name":"x"}]}}})";
    const config::LoadResult loaded = config::parseDocuments(
        {}, QJsonDocument::fromJson(providers).object(),
        QJsonDocument::fromJson(rotations).object(), {}, QProcessEnvironment());
    QVERIFY(loaded.ok());
    const RouteGraph g = RouteGraph::fromConfig(*loaded.config);
    const QString r = QStringLiteral("rotation/mixed");
    QCOMPARE(g.outEdges(g.indexOf(r)).size(), 3);
    // m1: 2*1 (original shape) + 2 (guide shape) = 4; m2: 2*3 = 6; x: 2; total 12.
    QCOMPARE(edge(g, r, QStringLiteral("model/p1/m1"))->weight, 4.0);
    QCOMPARE(edge(g, r, QStringLiteral("model/p1/m2"))->weight, 6.0);
    QCOMPARE(edge(g, r, QStringLiteral("model/p1/m2"))->share, 0.5);
    QCOMPARE(edge(g, r, QStringLiteral("model/p2/x"))->share, 2.0 / 12.0);
}

void TestRouteGraph::originalReferenceConfig()
{
    const RouteGraph g =
        RouteGraph::fromConfig(loadDir(kDataDir + QStringLiteral("/original-aisbf-config")));
    // Providers with empty models lists still get a node; the autoselect's "general"
    // fallback resolves to nothing and is skipped.
    for (const char *id : {"provider/codex", "provider/kiro", "provider/claude", "provider/kilo",
                           "provider/coderai", "autoselect/autoselect"})
        QVERIFY2(g.indexOf(QLatin1String(id)) >= 0, id);
    QCOMPARE(g.edges().size(), 0);
    QCOMPARE(g.skippedReferences().size(), 1);
    QCOMPARE(g.skippedReferences().at(0).reference, QStringLiteral("general"));
}

void TestRouteGraph::references_data()
{
    QTest::addColumn<QString>("reference");
    QTest::addColumn<QString>("target"); // empty: skipped
    QTest::addRow("rotation") << QStringLiteral("rotation/coding")
                              << QStringLiteral("rotation/coding");
    QTest::addRow("bare rotation") << QStringLiteral("coding") << QStringLiteral("rotation/coding");
    QTest::addRow("rotation model_name")
        << QStringLiteral("coding-alias") << QStringLiteral("rotation/coding");
    QTest::addRow("autoselect") << QStringLiteral("autoselect/inner")
                                << QStringLiteral("autoselect/inner");
    QTest::addRow("bare autoselect")
        << QStringLiteral("inner") << QStringLiteral("autoselect/inner");
    QTest::addRow("listed model") << QStringLiteral("p1/m1") << QStringLiteral("model/p1/m1");
    QTest::addRow("model with slash")
        << QStringLiteral("disc/org/model") << QStringLiteral("model/disc/org/model");
    QTest::addRow("unlisted model") << QStringLiteral("p1/nope") << QStringLiteral("");
    QTest::addRow("discovery provider")
        << QStringLiteral("disc/anything") << QStringLiteral("model/disc/anything");
    QTest::addRow("unknown provider") << QStringLiteral("nope/m1") << QStringLiteral("");
    QTest::addRow("unknown rotation") << QStringLiteral("rotation/missing") << QStringLiteral("");
    QTest::addRow("user rotation") << QStringLiteral("user-rotation/coding") << QStringLiteral("");
    QTest::addRow("user provider") << QStringLiteral("user-provider/p1/m1") << QStringLiteral("");
    QTest::addRow("self") << QStringLiteral("autoselect/outer") << QStringLiteral("");
}

void TestRouteGraph::references()
{
    QFETCH(QString, reference);
    QFETCH(QString, target);
    config::ConfigSet set;
    set.providers.insert(QStringLiteral("p1"),
                         provider(QStringLiteral("p1"), {QStringLiteral("m1")}));
    set.providers.insert(QStringLiteral("disc"), provider(QStringLiteral("disc"), {}));
    config::RotationConfig coding =
        rotation(QStringLiteral("coding"), {{QStringLiteral("p1"), QStringLiteral("m1"), 1, {}},
                                            {QStringLiteral("gone"), QStringLiteral("m"), 1, {}}});
    coding.modelName = QStringLiteral("coding-alias");
    set.rotations.insert(coding.id, coding);
    set.autoselects.insert(QStringLiteral("inner"),
                           autoselect(QStringLiteral("inner"), {QStringLiteral("coding")}));
    set.autoselects.insert(QStringLiteral("outer"),
                           autoselect(QStringLiteral("outer"), {reference}));
    const RouteGraph g = RouteGraph::fromConfig(set);
    const QList<int> out = g.outEdges(g.indexOf(QStringLiteral("autoselect/outer")));
    if (target.isEmpty()) {
        QCOMPARE(out.size(), 0);
        QCOMPARE(g.skippedReferences().size(), 2); // with the rotation's unknown provider
        QCOMPARE(g.skippedReferences().at(0).fromId, QStringLiteral("autoselect/outer"));
        QCOMPARE(g.skippedReferences().at(0).reference, reference);
    } else {
        QCOMPARE(out.size(), 1);
        QCOMPARE(g.nodes().at(g.edges().at(out.first()).to).id, target);
    }
    // The rotation entry naming an unknown provider is always skipped.
    QCOMPARE(g.outEdges(g.indexOf(QStringLiteral("rotation/coding"))).size(), 1);
    QVERIFY(g.indexOf(QStringLiteral("provider/disc")) >= 0);
}

void TestRouteGraph::layersOrderedByKind()
{
    const RouteGraph g = RouteGraph::fromConfig(randomConfig(7, 10, 4, 20, 4, 12, 5));
    const LayoutResult r = layout(g);
    int lastOf[4] = {-1, -1, -1, -1};
    int firstOf[4] = {1 << 30, 1 << 30, 1 << 30, 1 << 30};
    for (int v = 0; v < int(g.nodes().size()); ++v) {
        const int k = int(g.nodes().at(v).kind);
        lastOf[k] = std::max(lastOf[k], r.layers.at(v));
        firstOf[k] = std::min(firstOf[k], r.layers.at(v));
    }
    QVERIFY2(lastOf[0] >= 1, "the random config should chain autoselects");
    QCOMPARE(firstOf[0], 0);
    QCOMPARE(firstOf[1], lastOf[0] + 1);
    QCOMPARE(lastOf[1], firstOf[1]);
    QCOMPARE(firstOf[2], lastOf[1] + 1);
    QCOMPARE(firstOf[3], lastOf[2] + 1);
    QCOMPARE(r.layerCount, lastOf[3] + 1);
    // Every edge points right (no cycle in this config).
    for (const GraphEdge &e : g.edges())
        QVERIFY(r.layers.at(e.from) < r.layers.at(e.to));
}

void TestRouteGraph::nodesDoNotOverlap()
{
    const RouteGraph g = RouteGraph::fromConfig(randomConfig(11, 12, 5, 25, 5, 10, 6));
    const QList<QSizeF> s = sizes(g);
    const LayoutResult r = layoutGraph(layoutInput(g, s));
    const QRectF bounds(QPointF(0, 0), r.size);
    for (int a = 0; a < int(s.size()); ++a) {
        const QRectF ra(r.positions.at(a), s.at(a));
        QVERIFY(bounds.adjusted(-0.01, -0.01, 0.01, 0.01).contains(ra));
        for (int b = a + 1; b < int(s.size()); ++b) {
            const QRectF rb(r.positions.at(b), s.at(b));
            QVERIFY2(!ra.adjusted(0.01, 0.01, -0.01, -0.01).intersects(rb),
                     qPrintable(g.nodes().at(a).id + u' ' + g.nodes().at(b).id));
        }
    }
}

void TestRouteGraph::edgePathsJoinTheirNodes()
{
    const RouteGraph g = RouteGraph::fromConfig(randomConfig(5, 6, 3, 8, 3, 6, 4));
    const QList<QSizeF> s = sizes(g);
    const LayoutResult r = layoutGraph(layoutInput(g, s));
    QCOMPARE(r.edgePaths.size(), g.edges().size());
    for (int i = 0; i < int(g.edges().size()); ++i) {
        const GraphEdge &e = g.edges().at(i);
        const QList<QPointF> &path = r.edgePaths.at(i);
        QVERIFY(path.size() >= 2);
        const QRectF from(r.positions.at(e.from), s.at(e.from));
        const QRectF to(r.positions.at(e.to), s.at(e.to));
        QCOMPARE(path.first(), QPointF(from.right(), from.center().y()));
        QCOMPARE(path.last(), QPointF(to.left(), to.center().y()));
        // One bend pair per layer the edge passes through.
        QCOMPARE(path.size(), 2 + 2 * (r.layers.at(e.to) - r.layers.at(e.from) - 1));
    }
}

void TestRouteGraph::crossingsReduced()
{
    const RouteGraph g = RouteGraph::fromConfig(randomConfig(3, 15, 4, 30, 4, 15, 6));
    const LayoutResult unordered = layout(g, {96, 12, 0, 4});
    QCOMPARE(unordered.crossingsAfter, unordered.crossingsBefore);
    const LayoutResult r = layout(g);
    QCOMPARE(r.crossingsBefore, unordered.crossingsBefore);
    QVERIFY2(r.crossingsAfter < r.crossingsBefore,
             qPrintable(QStringLiteral("%1 -> %2").arg(r.crossingsBefore).arg(r.crossingsAfter)));
    // The reported figures are the crossings of the orders returned.
    QCOMPARE(graph::countCrossings(r.layerOrder, r.properEdges), r.crossingsAfter);
    QCOMPARE(graph::countCrossings(unordered.layerOrder, unordered.properEdges),
             unordered.crossingsBefore);
}

void TestRouteGraph::countCrossings_data()
{
    using Layers = QList<QList<int>>;
    using Edges = QList<std::pair<int, int>>;
    QTest::addColumn<Layers>("layers");
    QTest::addColumn<Edges>("edges");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("parallel") << Layers{{0, 1}, {2, 3}} << Edges{{0, 2}, {1, 3}} << qint64(0);
    QTest::addRow("one X") << Layers{{0, 1}, {2, 3}} << Edges{{0, 3}, {1, 2}} << qint64(1);
    QTest::addRow("reversed edge counts")
        << Layers{{0, 1}, {2, 3}} << Edges{{3, 0}, {1, 2}} << qint64(1);
    QTest::addRow("shared end") << Layers{{0, 1}, {2}} << Edges{{0, 2}, {1, 2}} << qint64(0);
    QTest::addRow("K3,3") << Layers{{0, 1, 2}, {3, 4, 5}}
                          << Edges{{0, 3}, {0, 4}, {0, 5}, {1, 3}, {1, 4},
                                   {1, 5}, {2, 3}, {2, 4}, {2, 5}}
                          << qint64(9);
    QTest::addRow("two layer pairs")
        << Layers{{0, 1}, {2, 3}, {4, 5}} << Edges{{0, 3}, {1, 2}, {2, 5}, {3, 4}} << qint64(2);
    QTest::addRow("long edge ignored")
        << Layers{{0, 1}, {2, 3}, {4}} << Edges{{0, 3}, {1, 2}, {0, 4}} << qint64(1);
}

void TestRouteGraph::countCrossings()
{
    using Layers = QList<QList<int>>;
    using Edges = QList<std::pair<int, int>>;
    QFETCH(Layers, layers);
    QFETCH(Edges, edges);
    QFETCH(qint64, expected);
    QCOMPARE(graph::countCrossings(layers, edges), expected);
}

void TestRouteGraph::cycleDoesNotHang()
{
    config::ConfigSet set;
    set.providers.insert(QStringLiteral("p"), provider(QStringLiteral("p"), {QStringLiteral("m")}));
    set.autoselects.insert(
        QStringLiteral("a"),
        autoselect(QStringLiteral("a"), {QStringLiteral("autoselect/b"), QStringLiteral("p/m")}));
    set.autoselects.insert(QStringLiteral("b"),
                           autoselect(QStringLiteral("b"), {QStringLiteral("autoselect/c")}));
    set.autoselects.insert(QStringLiteral("c"),
                           autoselect(QStringLiteral("c"), {QStringLiteral("autoselect/a")}));
    const RouteGraph g = RouteGraph::fromConfig(set);
    QCOMPARE(g.edges().size(), 5);
    const LayoutResult r = layout(g);
    QCOMPARE(r.positions.size(), g.nodes().size());
    for (const QList<QPointF> &path : r.edgePaths)
        QVERIFY(path.size() >= 2);
    // Exactly one autoselect edge had to be turned around: two of the three point right.
    int rightwards = 0;
    for (const GraphEdge &e : g.edges()) {
        if (e.kind == EdgeKind::Candidate && g.nodes().at(e.to).kind == NodeKind::Autoselect)
            rightwards += r.layers.at(e.from) < r.layers.at(e.to) ? 1 : 0;
    }
    QCOMPARE(rightwards, 2);
    // Health derivation walks the same cycle.
    GraphHealth health = healthFromState(g, {});
    QCOMPARE(health.nodes.size(), g.nodes().size());

    // A raw cycle plus self-loops and out-of-range edges.
    LayoutInput raw;
    raw.sizes = QList<QSizeF>(4, QSizeF(10, 10));
    raw.edges = {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {2, 2}, {5, 1}};
    const LayoutResult rr = layoutGraph(raw);
    QCOMPARE(rr.layerCount, 4);
    QVERIFY(rr.edgePaths.at(4).isEmpty());
    QVERIFY(rr.edgePaths.at(5).isEmpty());
}

void TestRouteGraph::layoutIsFast()
{
    // 500 nodes / ~2,000 edges; the Release figure is in aisbf-graph-bench. This only catches
    // an accidental blow-up (a debug build on a busy machine stays far under a second).
    const RouteGraph g = RouteGraph::fromConfig(randomConfig(1, 40, 9, 80, 13, 20, 28));
    QVERIFY2(g.nodes().size() >= 450, qPrintable(QString::number(g.nodes().size())));
    QVERIFY2(g.edges().size() >= 1800, qPrintable(QString::number(g.edges().size())));
    const LayoutInput input = layoutInput(g, sizes(g));
    QElapsedTimer timer;
    timer.start();
    const LayoutResult r = layoutGraph(input);
    const qint64 ms = timer.elapsed();
    QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    QVERIFY(r.crossingsAfter < r.crossingsBefore);
}

void TestRouteGraph::healthFromStateJson()
{
    const RouteGraph g = RouteGraph::fromConfig(loadDir(kDataDir + QStringLiteral("/guide")));
    const QJsonObject state = QJsonDocument::fromJson(R"({
      "providers":[
        {"id":"runpod-gpu-a","state":"cooling","requests_per_s":0,
         "models":[{"name":"deepseek-coder-v2","state":"cooling","cooldown_remaining_s":42,
                    "requests_per_s":0}]},
        {"id":"openai-prod","state":"failing","requests_per_s":1,
         "models":[{"name":"gpt-4.1-mini","state":"failing","cooldown_remaining_s":null,
                    "requests_per_s":1}]},
        {"id":"ollama-private","state":"ok",
         "models":[{"name":"qwen2.5-coder:32b","state":"ok","requests_per_s":3}]},
        {"id":"not-in-config","state":"failing","models":[{"name":"x","state":"failing"}]}],
      "rotations":[{"id":"coding-production","requests_per_s":4,"entries":[
        {"provider":"ollama-private","model":"qwen2.5-coder:32b","weight":6,"state":"ok","requests_per_s":3},
        {"provider":"runpod-gpu-a","model":"deepseek-coder-v2","weight":3,"state":"cooling","requests_per_s":0},
        {"provider":"openai-prod","model":"gpt-4.1-mini","weight":1,"state":"failing","requests_per_s":1}]}],
      "autoselects":[{"id":"engineering","requests_per_s":0.5}]})")
                                  .object();
    const GraphHealth h = healthFromState(g, state);
    const auto node = [&](const char *id) {
        return h.nodes.at(g.indexOf(QLatin1String(id)));
    };
    QCOMPARE(node("model/runpod-gpu-a/deepseek-coder-v2").state, HealthState::Cooling);
    QCOMPARE(node("model/runpod-gpu-a/deepseek-coder-v2").cooldownRemainingSec, 42);
    QCOMPARE(node("provider/runpod-gpu-a").state, HealthState::Cooling);
    QCOMPARE(node("provider/runpod-gpu-a").cooldownRemainingSec, 42);
    QCOMPARE(node("provider/openai-prod").state, HealthState::Failing);
    QCOMPARE(node("provider/ollama-private").state, HealthState::Ok);
    QCOMPARE(node("provider/ollama-private").requestsPerSec, 3.0);
    QCOMPARE(node("rotation/coding-production").state, HealthState::Ok); // one entry is ok
    QCOMPARE(node("rotation/coding-production").requestsPerSec, 4.0);
    QCOMPARE(node("autoselect/engineering").requestsPerSec, 0.5);
    const auto traffic = [&](const char *from, const char *to) {
        const GraphEdge *e = edge(g, QLatin1String(from), QLatin1String(to));
        return e ? h.edges.at(int(e - g.edges().data())) : EdgeTraffic{-1, -1, false};
    };
    const EdgeTraffic busy =
        traffic("rotation/coding-production", "model/ollama-private/qwen2.5-coder:32b");
    QVERIFY(busy.measured);
    QCOMPARE(busy.requestsPerSec, 3.0);
    QCOMPARE(busy.share, 0.75);
    QCOMPARE(traffic("rotation/coding-production", "model/runpod-gpu-a/deepseek-coder-v2").share,
             0.0);
    QCOMPARE(traffic("model/openai-prod/gpt-4.1-mini", "provider/openai-prod").share, 1.0);
    QCOMPARE(traffic("model/runpod-gpu-a/deepseek-coder-v2", "provider/runpod-gpu-a").share, 0.0);
    // The provider's rate was left out: its models' rates add up, and the busy model sends
    // everything there.
    QCOMPARE(traffic("model/ollama-private/qwen2.5-coder:32b", "provider/ollama-private").share,
             1.0);
    QCOMPARE(
        traffic("model/ollama-private/qwen2.5-coder:32b", "provider/ollama-private").requestsPerSec,
        3.0);

    // A busy rotation with no per-entry or per-model rates splits by its weights (6:3:1).
    const GraphHealth byWeight =
        healthFromState(g, QJsonDocument::fromJson(R"({"rotations":[{"id":"coding-production",
            "requests_per_s":10,"entries":[]}]})")
                               .object());
    const GraphEdge *heavy = edge(g, QStringLiteral("rotation/coding-production"),
                                  QStringLiteral("model/ollama-private/qwen2.5-coder:32b"));
    QCOMPARE(byWeight.edges.at(int(heavy - g.edges().data())).share, 0.6);
    QCOMPARE(byWeight.edges.at(int(heavy - g.edges().data())).requestsPerSec, 6.0);
}

void TestRouteGraph::providerIsWorstOfItsModels()
{
    config::ConfigSet set;
    set.providers.insert(QStringLiteral("p"),
                         provider(QStringLiteral("p"),
                                  {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    set.rotations.insert(
        QStringLiteral("r"),
        rotation(QStringLiteral("r"), {{QStringLiteral("p"), QStringLiteral("a"), 1, {}},
                                       {QStringLiteral("p"), QStringLiteral("b"), 1, {}}}));
    const RouteGraph g = RouteGraph::fromConfig(set);
    const auto stateOf = [&](const QByteArray &models, const char *id) {
        const QJsonObject state =
            QJsonDocument::fromJson(R"({"providers":[{"id":"p","state":"ok","models":)" + models +
                                    "}]}")
                .object();
        return healthFromState(g, state).nodes.at(g.indexOf(QLatin1String(id)));
    };
    const QByteArray coolingAndFailing =
        R"([{"name":"a","state":"cooling","cooldown_remaining_s":5},
        {"name":"b","state":"cooling","cooldown_remaining_s":9},{"name":"c","state":"failing"}])";
    QCOMPARE(stateOf(coolingAndFailing, "provider/p").state, HealthState::Failing);
    const QByteArray twoCooling = R"([{"name":"a","state":"cooling","cooldown_remaining_s":5},
        {"name":"b","state":"cooling","cooldown_remaining_s":9},{"name":"c","state":"ok"}])";
    QCOMPARE(stateOf(twoCooling, "provider/p").state, HealthState::Cooling);
    QCOMPARE(stateOf(twoCooling, "provider/p").cooldownRemainingSec, 9);
    // Both entries cooling: the rotation has nothing to send to until the first returns.
    QCOMPARE(stateOf(twoCooling, "rotation/r").state, HealthState::Cooling);
    QCOMPARE(stateOf(twoCooling, "rotation/r").cooldownRemainingSec, 5);
    QCOMPARE(stateOf(R"([{"name":"a","state":"ok"}])", "provider/p").state, HealthState::Ok);
}

void TestRouteGraph::trackerEvents()
{
    config::ConfigSet set = loadDir(kDataDir + QStringLiteral("/guide"));
    auto g = std::make_shared<const RouteGraph>(RouteGraph::fromConfig(set));
    HealthTracker tracker(g);
    const int model = g->indexOf(QStringLiteral("model/runpod-gpu-a/deepseek-coder-v2"));
    const int provider = g->indexOf(QStringLiteral("provider/runpod-gpu-a"));
    const qint64 t0 = QDateTime::fromString(QStringLiteral("2026-11-24T09:00:00Z"), Qt::ISODate)
                          .toMSecsSinceEpoch();
    QVERIFY(tracker.applyCooldown(
        QJsonDocument::fromJson(R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2",
            "state":"started","until":"2026-11-24T09:00:30Z"})")
            .object(),
        t0));
    QCOMPARE(tracker.health().nodes.at(model).state, HealthState::Cooling);
    QCOMPARE(tracker.health().nodes.at(provider).cooldownRemainingSec, 30);
    QVERIFY(tracker.hasDeadlines(t0));
    QVERIFY(tracker.tick(t0 + 10'000));
    QCOMPARE(tracker.health().nodes.at(model).cooldownRemainingSec, 20);
    QVERIFY(!tracker.tick(t0 + 10'000));
    QVERIFY(tracker.tick(t0 + 30'000));
    QCOMPARE(tracker.health().nodes.at(provider).state, HealthState::Ok);
    QVERIFY(!tracker.hasDeadlines(t0 + 30'000));

    QVERIFY(!tracker.applyRequest(
        QJsonDocument::fromJson(
            R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2","status":200})")
            .object(),
        t0));
    QVERIFY(tracker.applyRequest(
        QJsonDocument::fromJson(
            R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2","status":503})")
            .object(),
        t0));
    QCOMPARE(tracker.health().nodes.at(provider).state, HealthState::Failing);
    QVERIFY(tracker.tick(t0 + HealthTracker::kFailingWindowMs));
    QCOMPARE(tracker.health().nodes.at(provider).state, HealthState::Ok);

    QVERIFY(tracker.applyStats(QJsonDocument::fromJson(R"({"routes":{
        "rotation/coding-production":2,"runpod-gpu-a/deepseek-coder-v2":1.5,
        "ollama-private/qwen2.5-coder:32b":0.5}})")
                                   .object(),
                               t0));
    QCOMPARE(tracker.health().nodes.at(provider).requestsPerSec, 1.5);
    const int rot = g->indexOf(QStringLiteral("rotation/coding-production"));
    QCOMPARE(tracker.health().nodes.at(rot).requestsPerSec, 2.0);
    for (int e : g->outEdges(rot)) {
        if (g->edges().at(e).to == model) {
            QCOMPARE(tracker.health().edges.at(e).share, 0.75); // 1.5 of 2.0 by target rates
            QCOMPARE(tracker.health().edges.at(e).requestsPerSec, 1.5);
        }
    }

    // A new graph keeps the health of nodes that are still there.
    QVERIFY(tracker.applyCooldown(
        QJsonDocument::fromJson(
            R"({"provider":"runpod-gpu-a","model":"deepseek-coder-v2","state":"started","until":null})")
            .object(),
        t0));
    set.rotations.clear();
    auto smaller = std::make_shared<const RouteGraph>(RouteGraph::fromConfig(set));
    tracker.setGraph(smaller, t0);
    QCOMPARE(tracker.health().nodes.size(), smaller->nodes().size());
    const int again = smaller->indexOf(QStringLiteral("model/runpod-gpu-a/deepseek-coder-v2"));
    QCOMPARE(tracker.health().nodes.at(again).state, HealthState::Cooling);
    QCOMPARE(tracker.health().nodes.at(again).cooldownRemainingSec, 0); // end unknown
}

QTEST_GUILESS_MAIN(TestRouteGraph)
#include "tst_route_graph.moc"
