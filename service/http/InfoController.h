// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

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
     *  created, owned_by}]}: provider/model, rotation/name and autoselect/name routes. */
    void models(ClientResponse &&response);
    /** GET /api/{provider}/models -> the provider's configured models, same list shape. */
    void providerModels(const QString &providerId, ClientResponse &&response);

private:
    Gateway &m_gateway;
};

} // namespace aisbf::http
