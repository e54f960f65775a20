// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

#include <QJsonArray>

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

/** Health and model listings: read-only views of the gateway's state. */
class InfoController
{
public:
    explicit InfoController(Gateway &gateway) : m_gateway(gateway) {}

    /** GET /health -> {status, version, uptime_s, draining, in_flight, providers, rotations} */
    void health(ClientResponse &&response);
    /** GET /api/v1/models (/api/models, /v1/models) -> {object:"list", data:[{id, object,
     *  created, owned_by}]}: provider/model, rotation/name and autoselect/name routes, plus the
     *  models discovered so far of providers that list none (a stale listing is refreshed in
     *  the background, never waited for). */
    void models(ClientResponse &&response);
    /** GET /api/{provider}/models -> the provider's models, same list shape: the configured
     *  ones, or for a provider that lists none, the upstream's own listing (cached). */
    void providerModels(const QString &providerId, ClientResponse &&response);
    /** GET /api/user/models, /api/u/{username}/models -> the user's own routes
     *  (user-provider/p/m, user-rotation/x, user-autoselect/x, owned_by the username) followed
     *  by the global ones, in the OpenAI list shape. */
    void userModels(const QString &username, ClientResponse &&response);
    /** GET /api/tags (Ollama) -> {models:[{name, model, modified_at, size, digest, details}]}:
     *  every route, named as in /api/v1/models. */
    void ollamaTags(ClientResponse &&response);
    /** GET /api/version (Ollama) -> {version}: the Ollama API level this gateway speaks. */
    void ollamaVersion(ClientResponse &&response);

private:
    /** The data array of models(), refreshing stale discoveries in the background. */
    QJsonArray routeList();

    Gateway &m_gateway;
};

} // namespace aisbf::http
