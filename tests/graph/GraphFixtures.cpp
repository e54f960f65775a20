// SPDX-License-Identifier: GPL-3.0-or-later
#include "GraphFixtures.h"

#include "graph/RouteGraph.h"

#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>

namespace aisbf::testing {

namespace {

// @p count distinct indexes below @p range (all of them when count >= range).
QList<int> pickDistinct(QRandomGenerator &rng, int range, int count)
{
    QList<int> picked;
    QSet<int> seen;
    while (int(picked.size()) < std::min(count, range)) {
        const int i = int(rng.bounded(range));
        if (!seen.contains(i)) {
            seen.insert(i);
            picked.append(i);
        }
    }
    return picked;
}

} // namespace

config::ConfigSet syntheticConfig(const SyntheticShape &shape, quint32 seed)
{
    QRandomGenerator rng(seed);
    config::ConfigSet set;
    QList<std::pair<QString, QString>> models;
    for (int p = 0; p < shape.providers; ++p) {
        config::ProviderConfig provider;
        provider.id = QStringLiteral("provider-%1").arg(p);
        provider.name = provider.id;
        provider.type = QStringLiteral("openai");
        provider.endpoint = QStringLiteral("http://127.0.0.1:9/v1");
        for (int m = 0; m < shape.modelsPerProvider; ++m) {
            provider.models.append({QStringLiteral("model-%1").arg(m), {}, {}, {}, {}});
            models.append({provider.id, provider.models.last().name});
        }
        set.providers.insert(provider.id, provider);
    }
    for (int r = 0; r < shape.rotations; ++r) {
        config::RotationConfig rotation;
        rotation.id = QStringLiteral("rotation-%1").arg(r);
        rotation.modelName = rotation.id;
        for (int m : pickDistinct(rng, int(models.size()), shape.entriesPerRotation))
            rotation.entries.append(
                {models.at(m).first, models.at(m).second, double(1 + rng.bounded(9)), {}});
        set.rotations.insert(rotation.id, rotation);
    }
    // Candidate routes: every rotation, every model, and (for chains) earlier autoselects.
    QStringList routes;
    for (int r = 0; r < shape.rotations; ++r)
        routes.append(QStringLiteral("rotation/rotation-%1").arg(r));
    for (const auto &[provider, model] : std::as_const(models))
        routes.append(provider + u'/' + model);
    for (int a = 0; a < shape.autoselects; ++a) {
        config::AutoselectConfig autoselect;
        autoselect.id = QStringLiteral("auto-%1").arg(a);
        autoselect.modelName = autoselect.id;
        QStringList pool = routes.mid(0, shape.rotations * 2); // mostly rotations ...
        pool += routes.mid(shape.rotations, 20 + a);           // ... some models ...
        if (a > 0)
            pool.append(QStringLiteral("autoselect/auto-%1").arg(a - 1)); // ... a chain
        pool.removeDuplicates();
        for (int i : pickDistinct(rng, int(pool.size()), shape.candidatesPerAutoselect))
            autoselect.candidates.append({pool.at(i), {}, false, false});
        set.autoselects.insert(autoselect.id, autoselect);
    }
    return set;
}

QJsonObject syntheticStats(const graph::RouteGraph &graph, int frame)
{
    QJsonObject routes;
    int i = 0;
    for (const graph::GraphNode &node : graph.nodes()) {
        const double rate = double((i++ * 7 + frame) % 13) / 4.0;
        if (node.kind == graph::NodeKind::ProviderModel)
            routes.insert(node.providerId + u'/' + node.name, rate);
        else if (node.kind == graph::NodeKind::Rotation)
            routes.insert(QStringLiteral("rotation/") + node.name, rate);
        else if (node.kind == graph::NodeKind::Autoselect)
            routes.insert(QStringLiteral("autoselect/") + node.name, rate);
    }
    return {{QStringLiteral("routes"), routes}};
}

QJsonObject readDataJson(const QString &relativePath)
{
    QFile file(QStringLiteral(AISBF_TEST_DATA_DIR "/") + relativePath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace aisbf::testing
