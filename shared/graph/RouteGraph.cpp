// SPDX-License-Identifier: GPL-3.0-or-later
#include "RouteGraph.h"

#include "routing/RouteRef.h"

#include <QSet>

#include <algorithm>

namespace aisbf::graph {

namespace {

template <typename Map> QStringList sortedKeys(const Map &map)
{
    QStringList keys = map.keys();
    keys.sort();
    return keys;
}

} // namespace

QString nodeKindName(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Autoselect:
        return QStringLiteral("autoselect");
    case NodeKind::Rotation:
        return QStringLiteral("rotation");
    case NodeKind::ProviderModel:
        return QStringLiteral("model");
    case NodeKind::Provider:
        return QStringLiteral("provider");
    }
    return {};
}

QString edgeKindName(EdgeKind kind)
{
    switch (kind) {
    case EdgeKind::Candidate:
        return QStringLiteral("candidate");
    case EdgeKind::Fallback:
        return QStringLiteral("fallback");
    case EdgeKind::RotationEntry:
        return QStringLiteral("entry");
    case EdgeKind::ModelProvider:
        return QStringLiteral("provider");
    }
    return {};
}

QString RouteGraph::autoselectId(const QString &id)
{
    return QLatin1String("autoselect/") + id;
}

QString RouteGraph::rotationId(const QString &id)
{
    return QLatin1String("rotation/") + id;
}

QString RouteGraph::modelId(const QString &providerId, const QString &model)
{
    return QLatin1String("model/") + providerId + u'/' + model;
}

QString RouteGraph::providerId(const QString &providerId)
{
    return QLatin1String("provider/") + providerId;
}

int RouteGraph::addNode(GraphNode node)
{
    const int index = int(m_nodes.size());
    m_index.insert(node.id, index);
    m_nodes.append(std::move(node));
    return index;
}

void RouteGraph::addEdge(GraphEdge edge)
{
    m_edges.append(edge);
}

void RouteGraph::indexEdges()
{
    m_out = QList<QList<int>>(m_nodes.size());
    m_in = QList<QList<int>>(m_nodes.size());
    for (int i = 0; i < int(m_edges.size()); ++i) {
        m_out[m_edges.at(i).from].append(i);
        m_in[m_edges.at(i).to].append(i);
    }
}

// Resolves references the way the gateway's route table does, so the drawing shows where
// requests actually go.
class RouteGraphBuilder
{
public:
    explicit RouteGraphBuilder(const config::ConfigSet &config) : m_config(config)
    {
        for (auto it = config.rotations.cbegin(); it != config.rotations.cend(); ++it) {
            if (!it->modelName.isEmpty() && it->modelName != it.key())
                m_rotationAliases.insert(it->modelName, it.key());
        }
    }

    RouteGraph build()
    {
        collectModels();
        for (const QString &id : sortedKeys(m_config.autoselects)) {
            const config::AutoselectConfig &a = *m_config.autoselects.constFind(id);
            m_graph.addNode({RouteGraph::autoselectId(id),
                             NodeKind::Autoselect,
                             a.modelName.isEmpty() ? id : a.modelName,
                             {},
                             id});
        }
        for (const QString &id : sortedKeys(m_config.rotations))
            m_graph.addNode({RouteGraph::rotationId(id), NodeKind::Rotation, id, {}, id});
        QStringList modelIds = m_models.keys();
        modelIds.sort();
        for (const QString &id : modelIds)
            m_graph.addNode(m_models.value(id));
        for (const QString &id : sortedKeys(m_config.providers)) {
            const config::ProviderConfig &p = *m_config.providers.constFind(id);
            m_graph.addNode({RouteGraph::providerId(id), NodeKind::Provider,
                             p.name.isEmpty() ? id : p.name, id, id});
        }
        for (const QString &id : sortedKeys(m_config.autoselects))
            autoselectEdges(*m_config.autoselects.constFind(id));
        for (const QString &id : sortedKeys(m_config.rotations))
            rotationEdges(*m_config.rotations.constFind(id));
        for (const QString &id : modelIds) {
            const GraphNode model = m_models.value(id);
            m_graph.addEdge({m_graph.indexOf(id),
                             m_graph.indexOf(RouteGraph::providerId(model.providerId)),
                             EdgeKind::ModelProvider, 1.0, 1.0, false});
        }
        m_graph.indexEdges();
        return std::move(m_graph);
    }

private:
    void addModel(const QString &providerId, const QString &model)
    {
        const QString id = RouteGraph::modelId(providerId, model);
        if (!m_models.contains(id))
            m_models.insert(id, {id, NodeKind::ProviderModel, model, providerId, model});
    }

    // A provider/model reference resolves when the provider lists the model, or lists none
    // (model discovery: the gateway forwards any name).
    bool providerModelResolves(const QString &providerId, const QString &model) const
    {
        const auto provider = m_config.providers.constFind(providerId);
        return provider != m_config.providers.cend() &&
               (provider->models.isEmpty() || provider->model(model) != nullptr);
    }

    void collectModels()
    {
        // The providers.json key is the id references use (an "id" field inside may differ).
        for (auto it = m_config.providers.cbegin(); it != m_config.providers.cend(); ++it) {
            for (const config::ModelConfig &m : it->models)
                addModel(it.key(), m.name);
        }
        // Rotation entries reach any model of a known provider (validation only warns).
        for (const config::RotationConfig &r : m_config.rotations) {
            for (const config::RotationEntry &e : r.entries) {
                if (m_config.providers.contains(e.providerId))
                    addModel(e.providerId, e.model);
            }
        }
        for (const config::AutoselectConfig &a : m_config.autoselects) {
            QStringList refs{a.fallback};
            for (const config::AutoselectCandidate &c : a.candidates)
                refs.append(c.modelId);
            for (const QString &text : refs) {
                const routing::RouteRef ref = routing::RouteRef::parse(text);
                if (ref.kind == routing::RouteRef::Kind::ProviderModel &&
                    providerModelResolves(ref.provider, ref.name))
                    addModel(ref.provider, ref.name);
            }
        }
    }

    QString resolve(const QString &text) const
    {
        const routing::RouteRef ref = routing::RouteRef::parse(text);
        switch (ref.kind) {
        case routing::RouteRef::Kind::ProviderModel:
            return providerModelResolves(ref.provider, ref.name)
                       ? RouteGraph::modelId(ref.provider, ref.name)
                       : QString();
        case routing::RouteRef::Kind::Rotation:
            return rotation(ref.name);
        case routing::RouteRef::Kind::Autoselect:
            return m_config.autoselects.contains(ref.name) ? RouteGraph::autoselectId(ref.name)
                                                           : QString();
        case routing::RouteRef::Kind::Bare:
            // A bare name means a rotation first, as in the original AISBF.
            if (const QString r = rotation(ref.name); !r.isEmpty())
                return r;
            return m_config.autoselects.contains(ref.name) ? RouteGraph::autoselectId(ref.name)
                                                           : QString();
        default:
            // User routes live in the database, per user; the global graph cannot draw them.
            return {};
        }
    }

    QString rotation(const QString &name) const
    {
        if (m_config.rotations.contains(name))
            return RouteGraph::rotationId(name);
        const QString aliased = m_rotationAliases.value(name);
        return aliased.isEmpty() ? QString() : RouteGraph::rotationId(aliased);
    }

    void autoselectEdges(const config::AutoselectConfig &a)
    {
        const QString fromId = RouteGraph::autoselectId(a.id);
        const int from = m_graph.indexOf(fromId);
        const QString fallback = a.fallback.isEmpty() ? QString() : resolve(a.fallback);
        QList<int> targets;
        for (const config::AutoselectCandidate &c : a.candidates) {
            const int to = m_graph.indexOf(resolve(c.modelId));
            if (to < 0 || to == from) {
                m_graph.m_skipped.append({fromId, c.modelId});
                continue;
            }
            if (!targets.contains(to))
                targets.append(to);
        }
        const double share = targets.isEmpty() ? 0.0 : 1.0 / double(targets.size());
        for (int to : std::as_const(targets)) {
            m_graph.addEdge(
                {from, to, EdgeKind::Candidate, 1.0, share, m_graph.m_nodes.at(to).id == fallback});
        }
        if (a.fallback.isEmpty())
            return;
        const int to = m_graph.indexOf(fallback);
        if (to < 0 || to == from)
            m_graph.m_skipped.append({fromId, a.fallback});
        else if (!targets.contains(to))
            m_graph.addEdge({from, to, EdgeKind::Fallback, 0.0, 0.0, true});
    }

    void rotationEdges(const config::RotationConfig &r)
    {
        const QString fromId = RouteGraph::rotationId(r.id);
        const int from = m_graph.indexOf(fromId);
        // Duplicate provider/model entries add up: they are one path with more weight.
        QList<int> targets;
        QHash<int, double> weights;
        double total = 0;
        for (const config::RotationEntry &e : r.entries) {
            const int to = m_graph.indexOf(RouteGraph::modelId(e.providerId, e.model));
            if (to < 0 || !m_config.providers.contains(e.providerId)) {
                m_graph.m_skipped.append({fromId, e.providerId + u'/' + e.model});
                continue;
            }
            if (!weights.contains(to))
                targets.append(to);
            weights[to] += e.weight;
            total += e.weight;
        }
        for (int to : std::as_const(targets)) {
            const double weight = weights.value(to);
            m_graph.addEdge({from, to, EdgeKind::RotationEntry, weight,
                             total > 0 ? weight / total : 0.0, false});
        }
    }

    const config::ConfigSet &m_config;
    QHash<QString, QString> m_rotationAliases;
    QHash<QString, GraphNode> m_models;
    RouteGraph m_graph;
};

RouteGraph RouteGraph::fromConfig(const config::ConfigSet &config)
{
    return RouteGraphBuilder(config).build();
}

QString RouteGraph::nodeIdForRoute(const QString &route) const
{
    const routing::RouteRef ref = routing::RouteRef::parse(route);
    QString id;
    switch (ref.kind) {
    case routing::RouteRef::Kind::ProviderModel:
        id = modelId(ref.provider, ref.name);
        break;
    case routing::RouteRef::Kind::Rotation:
        id = rotationId(ref.name);
        break;
    case routing::RouteRef::Kind::Autoselect:
        id = autoselectId(ref.name);
        break;
    case routing::RouteRef::Kind::Bare:
        id = m_index.contains(rotationId(ref.name)) ? rotationId(ref.name) : autoselectId(ref.name);
        break;
    default:
        return {};
    }
    return m_index.contains(id) ? id : QString();
}

} // namespace aisbf::graph
