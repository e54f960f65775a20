// SPDX-License-Identifier: GPL-3.0-or-later
#include "RouteTable.h"

#include <protocol/JsonPatch.h>
#include <routing/RouteRef.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace aisbf::dispatch {

namespace {

constexpr int kDefaultCooldownSec = 30;
constexpr int kNamesInNotFound = 20;

upstream::Timeouts resolveTimeouts(const config::UpstreamTimeouts &provider,
                                   const config::UpstreamTimeouts &global)
{
    const config::UpstreamTimeouts merged = provider.over(global);
    upstream::Timeouts timeouts;
    timeouts.connectMs = merged.connectMs.value_or(timeouts.connectMs);
    timeouts.firstByteMs = merged.firstByteMs.value_or(timeouts.firstByteMs);
    timeouts.idleMs = merged.idleMs.value_or(timeouts.idleMs);
    return timeouts;
}

template <typename Map> QStringList sortedKeys(const Map &map)
{
    QStringList keys = map.keys();
    keys.sort();
    return keys;
}

} // namespace

QJsonObject modelEntry(const QString &id, const QString &owner)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("model")},
            {QStringLiteral("created"), 0},
            {QStringLiteral("owned_by"), owner}};
}

QByteArray listJson(const QJsonArray &data)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                     {QStringLiteral("data"), data}})
        .toJson(QJsonDocument::Compact);
}

RouteTable::RouteTable(config::ConfigSnapshot config, const QString &cooldownKeyPrefix)
    : m_config(std::move(config)), m_cooldownKeyPrefix(cooldownKeyPrefix)
{
    QJsonArray models;
    for (const QString &id : sortedKeys(m_config->providers)) {
        const config::ProviderConfig &provider = *m_config->providers.constFind(id);
        for (const config::ModelConfig &model : provider.models) {
            auto candidate = providerCandidate(provider, model.name);
            const QString route = id + u'/' + model.name;
            m_providerModels.insert(route, candidate);
            m_routeNames.append(route);
            models.append(modelEntry(route, id));
        }
    }
    for (const QString &id : sortedKeys(m_config->rotations)) {
        const config::RotationConfig &rotation = *m_config->rotations.constFind(id);
        QList<std::shared_ptr<const Candidate>> entries;
        for (const config::RotationEntry &entry : rotation.entries) {
            const auto provider = m_config->providers.constFind(entry.providerId);
            if (provider == m_config->providers.cend())
                continue; // validation already refused this config
            auto candidate =
                std::make_shared<Candidate>(*providerCandidate(*provider, entry.model));
            candidate->weight = entry.weight;
            const config::ModelConfig *model = provider->model(entry.model);
            candidate->cooldownSec = entry.errorCooldownSec.value_or(
                (model && model->errorCooldownSec) ? *model->errorCooldownSec
                : provider->defaultErrorCooldownSec
                    ? *provider->defaultErrorCooldownSec
                    : rotation.defaultErrorCooldownSec.value_or(kDefaultCooldownSec));
            if (!candidate->maxRequestTokens)
                candidate->maxRequestTokens = rotation.defaultMaxRequestTokens;
            entries.append(candidate);
        }
        m_rotations.insert(id, entries);
        if (!rotation.modelName.isEmpty() && rotation.modelName != id)
            m_rotationAliases.insert(rotation.modelName, id);
        m_routeNames.append(QStringLiteral("rotation/") + id);
        models.append(modelEntry(QStringLiteral("rotation/") + id, QStringLiteral("aisbf")));
    }
    for (const QString &id : sortedKeys(m_config->autoselects)) {
        m_routeNames.append(QStringLiteral("autoselect/") + id);
        models.append(modelEntry(QStringLiteral("autoselect/") + id, QStringLiteral("aisbf")));
    }
    m_modelEntries = models;
    m_modelsJson = listJson(models);
}

std::shared_ptr<const Candidate>
RouteTable::providerCandidate(const config::ProviderConfig &provider, const QString &model) const
{
    auto candidate = std::make_shared<Candidate>();
    candidate->provider = &provider;
    candidate->model = model;
    candidate->modelLiteral = protocol::jsonStringLiteral(model);
    candidate->key = m_cooldownKeyPrefix + provider.id + u'/' + model;
    const config::ModelConfig *modelConfig = provider.model(model);
    candidate->cooldownSec = (modelConfig && modelConfig->errorCooldownSec)
                                 ? *modelConfig->errorCooldownSec
                                 : provider.defaultErrorCooldownSec.value_or(kDefaultCooldownSec);
    candidate->contextSize = modelConfig && modelConfig->contextSize ? modelConfig->contextSize
                                                                     : provider.defaultContextSize;
    candidate->maxRequestTokens = modelConfig && modelConfig->maxRequestTokens
                                      ? modelConfig->maxRequestTokens
                                      : provider.defaultMaxRequestTokens;
    const QUrl endpoint(provider.endpoint);
    candidate->origin.scheme = endpoint.scheme().toLatin1();
    candidate->origin.host = endpoint.host();
    candidate->origin.port = quint16(endpoint.port(candidate->origin.isTls() ? 443 : 80));
    QByteArray base = endpoint.path(QUrl::FullyEncoded).toUtf8();
    while (base.endsWith('/'))
        base.chop(1);
    candidate->chatTarget = base + "/chat/completions";
    if (!provider.apiKey.isEmpty())
        candidate->authorization = "Bearer " + provider.apiKey.toUtf8();
    candidate->timeouts = resolveTimeouts(provider.timeouts, m_config->server.upstreamTimeouts);
    candidate->dialect =
        translate::providerDialect(provider.type).value_or(translate::ProviderDialect::OpenAi);
    candidate->outbound.model = model;
    candidate->outbound.apiKey = provider.apiKey;
    candidate->outbound.contextSize = candidate->contextSize;
    candidate->outbound.basePath = base;
    candidate->outbound.providerRaw = provider.raw;
    // Anthropic requires max_tokens; a request without one gets the model's or provider's.
    const QJsonValue maxTokens =
        modelConfig && modelConfig->raw.contains(QLatin1String("max_tokens"))
            ? modelConfig->raw.value(QLatin1String("max_tokens"))
            : provider.raw.value(QLatin1String("default_max_tokens"));
    if (maxTokens.isDouble() && maxTokens.toDouble() >= 1)
        candidate->outbound.defaultMaxTokens = qint64(maxTokens.toDouble());
    if (modelConfig && modelConfig->raw.value(QLatin1String("capabilities")).isArray()) {
        const QJsonArray capabilities =
            modelConfig->raw.value(QLatin1String("capabilities")).toArray();
        candidate->toolsSupported = false;
        for (const char *name : {"tools", "tool_use", "function_calling"}) {
            if (capabilities.contains(QJsonValue(QLatin1String(name))))
                candidate->toolsSupported = true;
        }
        candidate->imagesSupported = false;
        for (const char *name : {"vision", "image", "images", "image_input", "multimodal"}) {
            if (capabilities.contains(QJsonValue(QLatin1String(name))))
                candidate->imagesSupported = true;
        }
    }
    return candidate;
}

Resolution RouteTable::notFound(const QString &model, const QString &what) const
{
    QStringList names = m_routeNames.mid(0, kNamesInNotFound);
    QString available =
        names.isEmpty() ? QStringLiteral("none are configured") : names.join(QStringLiteral(", "));
    if (m_routeNames.size() > kNamesInNotFound)
        available += QStringLiteral(", …");
    Resolution resolution;
    resolution.error = protocol::OpenAiError{
        404,
        what + QStringLiteral(" '") + model + QStringLiteral("' does not exist. Available: ") +
            available + QStringLiteral(" (GET /api/v1/models lists every route)."),
        {},
        QByteArrayLiteral("model_not_found"),
        QStringLiteral("model")};
    return resolution;
}

Resolution RouteTable::resolveProvider(const QString &providerId, const QString &model) const
{
    const auto provider = m_config->providers.constFind(providerId);
    if (provider == m_config->providers.cend())
        return notFound(providerId, QStringLiteral("provider"));
    if (!provider->isServable()) {
        Resolution resolution;
        resolution.route = providerId + u'/' + model;
        resolution.error = protocol::OpenAiError{
            501,
            QStringLiteral("provider '") + providerId + QStringLiteral("' has type '") +
                provider->type + QStringLiteral("', which this gateway build cannot call yet."),
            {},
            QByteArrayLiteral("provider_type_unsupported"),
            QStringLiteral("model")};
        return resolution;
    }
    Resolution resolution;
    resolution.route = providerId + u'/' + model;
    if (const auto listed = m_providerModels.constFind(resolution.route);
        listed != m_providerModels.cend()) {
        resolution.candidates.append(*listed);
    } else if (provider->models.isEmpty()) {
        resolution.candidates.append(providerCandidate(*provider, model));
    } else {
        return notFound(resolution.route, QStringLiteral("model"));
    }
    return resolution;
}

Resolution RouteTable::resolveRotation(const QString &rotationId) const
{
    auto rotation = m_rotations.constFind(rotationId);
    if (rotation == m_rotations.cend())
        rotation = m_rotations.constFind(m_rotationAliases.value(rotationId));
    if (rotation == m_rotations.cend())
        return notFound(rotationId, QStringLiteral("rotation"));
    Resolution resolution;
    resolution.route = QStringLiteral("rotation/") + rotation.key();
    resolution.isRotation = true;
    resolution.candidates = *rotation;
    return resolution;
}

Resolution RouteTable::resolve(Scope scope, const QString &scopeId, const QString &model) const
{
    Resolution resolution = resolveUnpinned(scope, scopeId, model);
    resolution.config = m_config;
    return resolution;
}

Resolution RouteTable::resolveUnpinned(Scope scope, const QString &scopeId,
                                       const QString &model) const
{
    const routing::RouteRef ref = routing::RouteRef::parse(model);
    switch (scope) {
    case Scope::Provider:
        // "/api/{provider}/chat/completions" takes a bare model name or "provider/model".
        if (ref.kind == routing::RouteRef::Kind::ProviderModel && ref.provider == scopeId)
            return resolveProvider(scopeId, ref.name);
        return resolveProvider(scopeId, model);
    case Scope::Rotations:
        return resolveRotation(ref.kind == routing::RouteRef::Kind::Rotation ? ref.name : model);
    case Scope::Autoselect:
        break;
    case Scope::User:
    case Scope::Any:
        switch (ref.kind) {
        case routing::RouteRef::Kind::ProviderModel:
            return resolveProvider(ref.provider, ref.name);
        case routing::RouteRef::Kind::Rotation:
            return resolveRotation(ref.name);
        case routing::RouteRef::Kind::Bare:
            if (m_rotations.contains(model) || m_rotationAliases.contains(model))
                return resolveRotation(model);
            if (m_config->autoselects.contains(model))
                break;
            return notFound(model, QStringLiteral("model"));
        case routing::RouteRef::Kind::Autoselect:
            break;
        case routing::RouteRef::Kind::UserProviderModel:
        case routing::RouteRef::Kind::UserRotation:
        case routing::RouteRef::Kind::UserAutoselect: {
            Resolution resolution;
            // The chat controller resolves these in the caller's own table; reaching here
            // means the request has no user to take them from.
            resolution.error = protocol::OpenAiError{
                400,
                QStringLiteral("user routes (") + model +
                    QStringLiteral(") belong to a user: call with that user's token, or "
                                   "POST /api/u/{username}/chat/completions with an admin token"),
                {},
                QByteArrayLiteral("user_route_without_user"),
                QStringLiteral("model")};
            return resolution;
        }
        case routing::RouteRef::Kind::Invalid:
        default: {
            Resolution resolution;
            resolution.error = protocol::OpenAiError{
                400,
                QStringLiteral("'model' must name a route: provider/model, rotation/name "
                               "or autoselect/name."),
                {},
                QByteArrayLiteral("invalid_model"),
                QStringLiteral("model")};
            return resolution;
        }
        }
        break;
    }
    const QString autoselectId = ref.kind == routing::RouteRef::Kind::Autoselect ? ref.name : model;
    if (!m_config->autoselects.contains(autoselectId))
        return notFound(autoselectId, QStringLiteral("autoselect"));
    Resolution resolution;
    resolution.route = QStringLiteral("autoselect/") + autoselectId; // logged and counted as such
    resolution.autoselect = *m_config->autoselects.constFind(autoselectId);
    return resolution;
}

std::shared_ptr<const Candidate> RouteTable::providerProbe(const QString &providerId) const
{
    const auto provider = m_config->providers.constFind(providerId);
    if (provider == m_config->providers.cend() || !provider->isServable())
        return nullptr;
    return providerCandidate(*provider, QString());
}

QStringList RouteTable::discoveredProviders() const
{
    QStringList ids;
    for (const config::ProviderConfig &provider : m_config->providers) {
        if (provider.models.isEmpty() && provider.isServable())
            ids.append(provider.id);
    }
    ids.sort();
    return ids;
}

QByteArray RouteTable::providerModelsJson(const QString &providerId) const
{
    QJsonArray models;
    const auto provider = m_config->providers.constFind(providerId);
    if (provider != m_config->providers.cend()) {
        for (const config::ModelConfig &model : provider->models)
            models.append(modelEntry(model.name, providerId));
    }
    return listJson(models);
}

} // namespace aisbf::dispatch
