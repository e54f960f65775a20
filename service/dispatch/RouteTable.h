// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <config/Config.h>
#include <protocol/OpenAiError.h>
#include <translate/ProviderTranslator.h>

#include "upstream/UpstreamTypes.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

#include <memory>
#include <optional>

namespace aisbf::dispatch {

/** One provider/model an attempt can go to, with every setting resolved at config load. */
struct Candidate
{
    const config::ProviderConfig *provider = nullptr;
    QString model;           ///< the upstream's model name
    QByteArray modelLiteral; ///< model as a JSON string literal, spliced into request bodies
    QString key;             ///< "provider/model": cooldown and log key
    double weight = 1;
    int cooldownSec = 30;                   ///< entry > model > provider > rotation > 30 s
    std::optional<qint64> contextSize;      ///< model > provider default
    std::optional<qint64> maxRequestTokens; ///< model > provider > rotation default
    upstream::Origin origin;
    QByteArray chatTarget;    ///< path of chat/completions on the upstream (openai type)
    QByteArray authorization; ///< "Bearer <key>" or empty; a secret
    upstream::Timeouts timeouts;
    translate::ProviderDialect dialect = translate::ProviderDialect::OpenAi;
    /** For the other dialects: what the translator needs (model and stream set per request). */
    translate::OutboundContext outbound;
    /** False when the model's "capabilities" are listed and name no tool use. */
    bool toolsSupported = true;
    /** False when the model's "capabilities" are listed and name no vision. */
    bool imagesSupported = true;
};

/** What a request's path and "model" resolve to. */
struct Resolution
{
    QString route;           ///< canonical route name for logs and headers
    bool isRotation = false; ///< failover and cooldown skipping apply
    QList<std::shared_ptr<const Candidate>> candidates;
    std::optional<protocol::OpenAiError> error;
    config::ConfigSnapshot config; ///< keeps the providers the candidates point to alive
    /** Set when the route is an autoselect policy: no candidates, the policy chooses a route. */
    std::optional<config::AutoselectConfig> autoselect;
};

/** One entry of an OpenAI model list: {id, object:"model", created:0, owned_by}. */
QJsonObject modelEntry(const QString &id, const QString &owner);
/** {"object":"list","data":[...]} as compact JSON. */
QByteArray listJson(const QJsonArray &data);

/** Which endpoint the request came in on narrows how "model" is read. */
enum class Scope
{
    Any,
    Provider,
    Rotations,
    Autoselect,
    User ///< /api/user/… and /api/u/{username}/…: like Any, with the user's own routes
};

/**
 * The immutable routing view of one config snapshot: resolved candidates per provider model and
 * rotation, and the prebuilt /models document. Built once per config load; requests only read.
 */
class RouteTable
{
public:
    /** @p cooldownKeyPrefix sets a user's routes apart in the cooldown book ("user:12:"), so a
     *  user's provider named like a global one cools down on its own. */
    explicit RouteTable(config::ConfigSnapshot config, const QString &cooldownKeyPrefix = {});

    Resolution resolve(Scope scope, const QString &scopeId, const QString &model) const;
    const QByteArray &modelsJson() const { return m_modelsJson; }
    /** The entries of modelsJson(), for lists that add to them (discovered models, a user's). */
    const QJsonArray &modelEntries() const { return m_modelEntries; }
    /** /api/{provider}/models, or an empty array when the provider is unknown. */
    QByteArray providerModelsJson(const QString &providerId) const;
    const config::ConfigSet &config() const { return *m_config; }
    /** A candidate of @p providerId with no model, for provider-wide calls (model listing);
     *  null when the provider is unknown or of a type this build cannot call. */
    std::shared_ptr<const Candidate> providerProbe(const QString &providerId) const;
    /** Servable providers that list no models: their models are discovered. */
    QStringList discoveredProviders() const;

private:
    std::shared_ptr<const Candidate> providerCandidate(const config::ProviderConfig &provider,
                                                       const QString &model) const;
    Resolution resolveUnpinned(Scope scope, const QString &scopeId, const QString &model) const;
    Resolution resolveProvider(const QString &providerId, const QString &model) const;
    Resolution resolveRotation(const QString &rotationId) const;
    Resolution notFound(const QString &model, const QString &what) const;

    config::ConfigSnapshot m_config;
    QString m_cooldownKeyPrefix;
    // Candidates of listed provider models, keyed "provider/model". A provider that lists no
    // models accepts any name; those candidates are made per request (the table stays
    // read-only, so worker threads can share it).
    QHash<QString, std::shared_ptr<const Candidate>> m_providerModels;
    QHash<QString, QList<std::shared_ptr<const Candidate>>> m_rotations;
    QHash<QString, QString> m_rotationAliases; ///< model_name -> rotation id
    QJsonArray m_modelEntries;
    QByteArray m_modelsJson;
    QStringList m_routeNames;
};

} // namespace aisbf::dispatch
