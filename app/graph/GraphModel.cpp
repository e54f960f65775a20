// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphModel.h"

#include "config/ConfigLoader.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <algorithm>

namespace aisbf::app {

namespace {

Q_LOGGING_CATEGORY(lcGraph, "aisbf.app.graph")

constexpr int kTickMs = 1000;

// The control center never calls upstreams, and the gateway masks or keeps "$VAR" secrets
// as written: give every referenced variable a placeholder so an unset variable on this
// machine does not count as a config error here.
QProcessEnvironment placeholderEnvironment(const QJsonObject &providers)
{
    static const QRegularExpression reference(
        QStringLiteral("^\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?$"));
    QProcessEnvironment env;
    const QJsonObject map = providers.value(QLatin1String("providers")).toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QRegularExpressionMatch m =
            reference.match(it.value().toObject().value(QLatin1String("api_key")).toString());
        if (m.hasMatch())
            env.insert(m.captured(1), QStringLiteral("placeholder"));
    }
    return env;
}

QJsonObject rectJson(const QRectF &r)
{
    return {{QStringLiteral("x"), r.x()},
            {QStringLiteral("y"), r.y()},
            {QStringLiteral("width"), r.width()},
            {QStringLiteral("height"), r.height()}};
}

// First and last index where two lists differ, or {-1, -1}.
template <typename T> std::pair<int, int> changedRange(const QList<T> &a, const QList<T> &b)
{
    int first = -1;
    int last = -1;
    for (int i = 0; i < int(std::min(a.size(), b.size())); ++i) {
        if (a.at(i) == b.at(i))
            continue;
        if (first < 0)
            first = i;
        last = i;
    }
    return {first, last};
}

} // namespace

GraphModel::GraphModel(QObject *parent)
    : QObject(parent), m_nodes(new GraphNodeModel(this)), m_edges(new GraphEdgeModel(this)),
      m_graph(std::make_shared<const graph::RouteGraph>()), m_tracker(m_graph),
      m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_tickTimer.setInterval(kTickMs);
    connect(&m_tickTimer, &QTimer::timeout, this, &GraphModel::tick);
}

GraphModel::~GraphModel() = default;

QSizeF GraphModel::nodeSize(const graph::GraphNode &node)
{
    // Room for what the page overlays: the label (about 7 px a character at 12 px) and the
    // subtitle "kind · 123.45/s" (about 6 px a character at 10 px).
    const qreal label = 28 + 7 * qreal(node.label.size());
    const qreal subtitle = 24 + 6 * qreal(graph::nodeKindName(node.kind).size() + 11);
    const qreal width = std::clamp<qreal>(std::max(label, subtitle), 96, 220);
    return QSizeF(width, 36);
}

QRectF GraphModel::nodeRect(int index) const
{
    return QRectF(m_layout.positions.value(index), nodeSize(m_graph->nodes().at(index)));
}

QString GraphModel::selectedId() const
{
    return m_selected >= 0 ? m_graph->nodes().at(m_selected).id : QString();
}

bool GraphModel::setConfigDocuments(const QJsonObject &server, const QJsonObject &providers,
                                    const QJsonObject &rotations, const QJsonObject &autoselect)
{
    const config::LoadResult result = config::parseDocuments(
        server, providers, rotations, autoselect, placeholderEnvironment(providers));
    QStringList errors;
    QStringList warnings;
    for (const config::Diagnostic &d : result.diagnostics)
        (d.isError() ? errors : warnings).append(d.toString());
    if (!result.ok()) {
        QString message = errors.value(0, QStringLiteral("the config could not be read"));
        if (errors.size() > 1)
            message += QStringLiteral(" (and %1 more problems)").arg(errors.size() - 1);
        qCWarning(lcGraph).noquote() << "graph kept, config refused:" << message;
        setError(message);
        return false;
    }
    m_warnings = warnings;
    setError({});
    setConfig(*result.config);
    return true;
}

void GraphModel::setConfig(const config::ConfigSet &config)
{
    setGraph(std::make_shared<const graph::RouteGraph>(graph::RouteGraph::fromConfig(config)));
}

void GraphModel::setLayoutOptions(const graph::LayoutOptions &options)
{
    m_options = options;
    setGraph(m_graph);
}

void GraphModel::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
}

void GraphModel::setGraph(std::shared_ptr<const graph::RouteGraph> graph)
{
    const QString selected = selectedId();
    const int oldNodes = nodeCount();
    const int oldEdges = edgeCount();
    QList<QSizeF> sizes;
    sizes.reserve(graph->nodes().size());
    for (const graph::GraphNode &node : graph->nodes())
        sizes.append(nodeSize(node));
    graph::LayoutResult layout = graph::layoutGraph(graph::layoutInput(*graph, sizes), m_options);

    m_nodes->beginReset();
    m_edges->beginReset();
    m_graph = std::move(graph);
    m_layout = std::move(layout);
    m_tracker.setGraph(m_graph, m_clock());
    m_selected = m_graph->indexOf(selected);
    m_nodes->endReset(oldNodes);
    m_edges->endReset(oldEdges);
    Q_EMIT graphChanged();
    if (m_selected < 0 && !selected.isEmpty())
        Q_EMIT selectedIdChanged();
    scheduleTick();
}

void GraphModel::setError(const QString &error)
{
    if (m_error == error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

void GraphModel::applyState(const QJsonObject &state)
{
    const graph::GraphHealth before = health();
    m_tracker.applyState(state, m_clock());
    healthUpdated(before);
}

void GraphModel::applyEvent(const QString &type, const QJsonObject &data)
{
    const graph::GraphHealth before = health();
    const qint64 now = m_clock();
    if (type == QLatin1String("cooldown"))
        m_tracker.applyCooldown(data, now);
    else if (type == QLatin1String("stats"))
        m_tracker.applyStats(data, now);
    else if (type == QLatin1String("request"))
        m_tracker.applyRequest(data, now);
    else
        return; // "config" and future events: the page reloads documents itself
    healthUpdated(before);
}

void GraphModel::tick()
{
    const graph::GraphHealth before = health();
    m_tracker.tick(m_clock());
    healthUpdated(before);
}

void GraphModel::healthUpdated(const graph::GraphHealth &before)
{
    const auto [firstNode, lastNode] = changedRange(before.nodes, health().nodes);
    const auto [firstEdge, lastEdge] = changedRange(before.edges, health().edges);
    if (firstNode >= 0)
        m_nodes->healthChanged(firstNode, lastNode);
    if (firstEdge >= 0)
        m_edges->trafficChanged(firstEdge, lastEdge);
    if (firstNode >= 0 || firstEdge >= 0)
        Q_EMIT healthChanged();
    scheduleTick();
}

void GraphModel::scheduleTick()
{
    if (m_tracker.hasDeadlines(m_clock())) {
        if (!m_tickTimer.isActive())
            m_tickTimer.start();
    } else {
        m_tickTimer.stop();
    }
}

QString GraphModel::nodeAt(qreal x, qreal y) const
{
    const QPointF point(x, y);
    for (int i = 0; i < nodeCount(); ++i) {
        if (nodeRect(i).contains(point))
            return m_graph->nodes().at(i).id;
    }
    return {};
}

void GraphModel::select(const QString &id)
{
    const int index = id.isEmpty() ? -1 : m_graph->indexOf(id);
    if (index == m_selected)
        return;
    const int previous = m_selected;
    m_selected = index;
    m_nodes->selectionChanged(previous);
    m_nodes->selectionChanged(m_selected);
    Q_EMIT selectedIdChanged();
}

QJsonObject GraphModel::toJson() const
{
    QJsonArray nodes;
    for (int i = 0; i < nodeCount(); ++i) {
        const graph::GraphNode &n = m_graph->nodes().at(i);
        const graph::NodeHealth &h = health().nodes.at(i);
        QJsonObject o = rectJson(nodeRect(i));
        o.insert(QStringLiteral("id"), n.id);
        o.insert(QStringLiteral("kind"), graph::nodeKindName(n.kind));
        o.insert(QStringLiteral("label"), n.label);
        o.insert(QStringLiteral("layer"), m_layout.layers.value(i));
        o.insert(QStringLiteral("health"), graph::healthStateName(h.state));
        o.insert(QStringLiteral("cooldownRemaining"), h.cooldownRemainingSec);
        o.insert(QStringLiteral("requestsPerSec"), h.requestsPerSec);
        o.insert(QStringLiteral("selected"), i == m_selected);
        nodes.append(o);
    }
    QJsonArray edges;
    for (int i = 0; i < edgeCount(); ++i) {
        const graph::GraphEdge &e = m_graph->edges().at(i);
        const graph::EdgeTraffic &t = health().edges.at(i);
        edges.append(QJsonObject{{QStringLiteral("from"), m_graph->nodes().at(e.from).id},
                                 {QStringLiteral("to"), m_graph->nodes().at(e.to).id},
                                 {QStringLiteral("kind"), graph::edgeKindName(e.kind)},
                                 {QStringLiteral("weight"), e.weight},
                                 {QStringLiteral("share"), e.share},
                                 {QStringLiteral("fallback"), e.fallback},
                                 {QStringLiteral("traffic"), t.share},
                                 {QStringLiteral("requestsPerSec"), t.requestsPerSec}});
    }
    QJsonArray skipped;
    for (const graph::SkippedReference &s : m_graph->skippedReferences())
        skipped.append(QJsonObject{{QStringLiteral("from"), s.fromId},
                                   {QStringLiteral("reference"), s.reference}});
    return {{QStringLiteral("nodes"), nodes},
            {QStringLiteral("edges"), edges},
            {QStringLiteral("bounds"), rectJson(bounds())},
            {QStringLiteral("crossings"), m_layout.crossingsAfter},
            {QStringLiteral("skipped"), skipped},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(m_warnings)},
            {QStringLiteral("error"), m_error}};
}

} // namespace aisbf::app
