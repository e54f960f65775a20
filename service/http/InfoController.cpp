// SPDX-License-Identifier: GPL-3.0-or-later
#include "InfoController.h"

#include "../Gateway.h"

#include <protocol/OpenAiError.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace aisbf::http {

void InfoController::health(ClientResponse &&response)
{
    const auto routes = m_gateway.routes();
    const QJsonObject body{
        {QStringLiteral("status"),
         m_gateway.isDraining() ? QStringLiteral("draining") : QStringLiteral("ok")},
        {QStringLiteral("version"), QStringLiteral(AISBF_VERSION)},
        {QStringLiteral("uptime_s"), double(m_gateway.uptimeMs() / 1000)},
        {QStringLiteral("in_flight"), m_gateway.activeSessions()},
        {QStringLiteral("providers"), int(routes->config().providers.size())},
        {QStringLiteral("rotations"), int(routes->config().rotations.size())},
    };
    // A draining node says so with 503, so a load balancer stops sending it work.
    response.sendJson(m_gateway.isDraining() ? 503 : 200,
                      QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void InfoController::models(ClientResponse &&response)
{
    response.sendJson(200, m_gateway.routes()->modelsJson());
}

void InfoController::providerModels(const QString &providerId, ClientResponse &&response)
{
    const auto routes = m_gateway.routes();
    if (!routes->config().providers.contains(providerId)) {
        QStringList known = routes->config().providers.keys();
        known.sort();
        response.sendError({404,
                            QStringLiteral("provider '") + providerId +
                                QStringLiteral("' does not exist. Configured providers: ") +
                                (known.isEmpty() ? QStringLiteral("none") : known.join(u", ")),
                            {},
                            QByteArrayLiteral("provider_not_found"),
                            {}});
        return;
    }
    response.sendJson(200, routes->providerModelsJson(providerId));
}

} // namespace aisbf::http
