// SPDX-License-Identifier: GPL-3.0-or-later
#include "HealthTracker.h"

#include "routing/RouteRef.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>
#include <limits>

namespace aisbf::graph {

namespace {

constexpr qint64 kNoEnd = std::numeric_limits<qint64>::max();

QString text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

double number(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toDouble();
}

QJsonArray array(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toArray();
}

bool isReportedKind(const RouteGraph &graph, int node)
{
    const NodeKind kind = graph.nodes().at(node).kind;
    return kind == NodeKind::ProviderModel ||
           (kind == NodeKind::Provider && graph.inEdges(node).isEmpty());
}

QString edgeKey(const RouteGraph &graph, const GraphEdge &edge)
{
    return graph.nodes().at(edge.from).id + u'>' + graph.nodes().at(edge.to).id;
}

} // namespace

HealthTracker::HealthTracker(std::shared_ptr<const RouteGraph> graph)
    : m_graph(graph ? std::move(graph) : std::make_shared<const RouteGraph>())
{
    m_deadlines.resize(m_graph->nodes().size());
    deriveHealth(*m_graph, m_health);
}

void HealthTracker::setGraph(std::shared_ptr<const RouteGraph> graph, qint64 nowMs)
{
    if (!graph)
        graph = std::make_shared<const RouteGraph>();
    QHash<QString, std::pair<Deadlines, NodeHealth>> nodes;
    for (int v = 0; v < int(m_graph->nodes().size()); ++v)
        nodes.insert(m_graph->nodes().at(v).id, {m_deadlines.at(v), m_health.nodes.at(v)});
    QHash<QString, EdgeTraffic> edges;
    for (int e = 0; e < int(m_graph->edges().size()); ++e)
        edges.insert(edgeKey(*m_graph, m_graph->edges().at(e)), m_health.edges.at(e));

    m_graph = std::move(graph);
    m_deadlines = QList<Deadlines>(m_graph->nodes().size());
    m_health.nodes = QList<NodeHealth>(m_graph->nodes().size());
    m_health.edges = QList<EdgeTraffic>(m_graph->edges().size());
    for (int v = 0; v < int(m_graph->nodes().size()); ++v) {
        const auto it = nodes.constFind(m_graph->nodes().at(v).id);
        if (it == nodes.cend())
            continue;
        m_deadlines[v] = it->first;
        m_health.nodes[v] = it->second;
    }
    for (int e = 0; e < int(m_graph->edges().size()); ++e)
        m_health.edges[e] = edges.value(edgeKey(*m_graph, m_graph->edges().at(e)));
    recompute(nowMs);
}

int HealthTracker::reportedNode(const QString &provider, const QString &model) const
{
    const int node = m_graph->indexOf(RouteGraph::modelId(provider, model));
    if (node >= 0)
        return node;
    // A provider without listed models reports for itself.
    const int p = m_graph->indexOf(RouteGraph::providerId(provider));
    return p >= 0 && isReportedKind(*m_graph, p) ? p : -1;
}

void HealthTracker::setReported(int node, const QString &state, const QJsonValue &remainingSec,
                                qint64 nowMs)
{
    if (node < 0 || !isReportedKind(*m_graph, node))
        return;
    Deadlines &d = m_deadlines[node];
    d = {};
    if (state == QLatin1String("cooling")) {
        d.coolingUntilMs = remainingSec.isDouble()
                               ? nowMs + qint64(std::ceil(remainingSec.toDouble() * 1000))
                               : kNoEnd;
    } else if (state == QLatin1String("failing")) {
        d.failingUntilMs = nowMs + kFailingWindowMs;
    }
}

void HealthTracker::applyState(const QJsonObject &state, qint64 nowMs)
{
    m_deadlines = QList<Deadlines>(m_graph->nodes().size());
    m_health.nodes = QList<NodeHealth>(m_graph->nodes().size());
    m_health.edges = QList<EdgeTraffic>(m_graph->edges().size());
    const auto setRate = [this](int node, double rate) {
        if (node >= 0)
            m_health.nodes[node].requestsPerSec = rate;
    };
    for (const QJsonValue &pv : array(state, "providers")) {
        const QJsonObject p = pv.toObject();
        const QString id = text(p, "id");
        const int provider = m_graph->indexOf(RouteGraph::providerId(id));
        setReported(provider, text(p, "state"), {}, nowMs);
        double modelRates = 0;
        for (const QJsonValue &mv : array(p, "models")) {
            const QJsonObject m = mv.toObject();
            const int model = m_graph->indexOf(RouteGraph::modelId(id, text(m, "name")));
            setRate(model, number(m, "requests_per_s"));
            modelRates += number(m, "requests_per_s");
            setReported(model, text(m, "state"), m.value(QLatin1String("cooldown_remaining_s")),
                        nowMs);
        }
        setRate(provider, p.contains(QLatin1String("requests_per_s")) ? number(p, "requests_per_s")
                                                                      : modelRates);
    }
    for (const QJsonValue &rv : array(state, "rotations")) {
        const QJsonObject r = rv.toObject();
        const int rotation = m_graph->indexOf(RouteGraph::rotationId(text(r, "id")));
        if (rotation < 0)
            continue;
        setRate(rotation, number(r, "requests_per_s"));
        for (const QJsonValue &ev : array(r, "entries")) {
            const QJsonObject entry = ev.toObject();
            const int model = m_graph->indexOf(
                RouteGraph::modelId(text(entry, "provider"), text(entry, "model")));
            for (int e : m_graph->outEdges(rotation)) {
                if (m_graph->edges().at(e).to != model)
                    continue;
                m_health.edges[e].requestsPerSec += number(entry, "requests_per_s");
                m_health.edges[e].measured = true;
            }
        }
    }
    for (const QJsonValue &av : array(state, "autoselects")) {
        const QJsonObject a = av.toObject();
        setRate(m_graph->indexOf(RouteGraph::autoselectId(text(a, "id"))),
                number(a, "requests_per_s"));
    }
    recompute(nowMs);
}

bool HealthTracker::applyCooldown(const QJsonObject &data, qint64 nowMs)
{
    const int node = reportedNode(text(data, "provider"), text(data, "model"));
    if (node < 0)
        return false;
    Deadlines &d = m_deadlines[node];
    if (text(data, "state") == QLatin1String("started")) {
        const QDateTime until = QDateTime::fromString(text(data, "until"), Qt::ISODateWithMs);
        d.coolingUntilMs = until.isValid() ? until.toMSecsSinceEpoch() : kNoEnd;
    } else if (text(data, "state") == QLatin1String("ended")) {
        d.coolingUntilMs = 0;
    } else {
        return false;
    }
    return recompute(nowMs);
}

bool HealthTracker::applyStats(const QJsonObject &data, qint64 nowMs)
{
    // The event lists every route with traffic: anything absent is idle now, and the rates
    // measured per rotation entry by the last snapshot are stale.
    for (NodeHealth &node : m_health.nodes)
        node.requestsPerSec = 0;
    for (EdgeTraffic &edge : m_health.edges)
        edge = {};
    QList<double> unlisted(m_graph->nodes().size(), 0.0); // provider traffic to unlisted models
    const QJsonObject routes = data.value(QLatin1String("routes")).toObject();
    for (auto it = routes.begin(); it != routes.end(); ++it) {
        const int node = m_graph->indexOf(m_graph->nodeIdForRoute(it.key()));
        if (node >= 0) {
            m_health.nodes[node].requestsPerSec = it.value().toDouble();
            continue;
        }
        const routing::RouteRef ref = routing::RouteRef::parse(it.key());
        const int provider = ref.kind == routing::RouteRef::Kind::ProviderModel
                                 ? m_graph->indexOf(RouteGraph::providerId(ref.provider))
                                 : -1;
        if (provider >= 0)
            unlisted[provider] += it.value().toDouble();
    }
    for (int v = 0; v < int(m_graph->nodes().size()); ++v) {
        if (m_graph->nodes().at(v).kind != NodeKind::Provider)
            continue;
        double rate = unlisted.at(v);
        for (int e : m_graph->inEdges(v))
            rate += m_health.nodes.at(m_graph->edges().at(e).from).requestsPerSec;
        m_health.nodes[v].requestsPerSec = rate;
    }
    recompute(nowMs);
    return true;
}

bool HealthTracker::applyRequest(const QJsonObject &data, qint64 nowMs)
{
    const int status = data.value(QLatin1String("status")).toInt();
    if (status < 500 && status != 429)
        return false;
    const int node = reportedNode(text(data, "provider"), text(data, "model"));
    if (node < 0)
        return false;
    m_deadlines[node].failingUntilMs = nowMs + kFailingWindowMs;
    return recompute(nowMs);
}

bool HealthTracker::tick(qint64 nowMs)
{
    return recompute(nowMs);
}

bool HealthTracker::hasDeadlines(qint64 nowMs) const
{
    for (const Deadlines &d : m_deadlines) {
        if ((d.coolingUntilMs > nowMs && d.coolingUntilMs != kNoEnd) || d.failingUntilMs > nowMs)
            return true;
    }
    return false;
}

bool HealthTracker::recompute(qint64 nowMs)
{
    const GraphHealth before = m_health;
    for (int v = 0; v < int(m_graph->nodes().size()); ++v) {
        if (!isReportedKind(*m_graph, v))
            continue;
        Deadlines &d = m_deadlines[v];
        NodeHealth &h = m_health.nodes[v];
        if (d.coolingUntilMs > nowMs) {
            h.state = HealthState::Cooling;
            h.cooldownRemainingSec =
                d.coolingUntilMs == kNoEnd ? 0 : int((d.coolingUntilMs - nowMs + 999) / 1000);
        } else {
            d.coolingUntilMs = 0;
            h.state = d.failingUntilMs > nowMs ? HealthState::Failing : HealthState::Ok;
            h.cooldownRemainingSec = 0;
        }
    }
    deriveHealth(*m_graph, m_health);
    return m_health != before;
}

} // namespace aisbf::graph
