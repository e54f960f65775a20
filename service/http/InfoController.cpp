// SPDX-License-Identifier: GPL-3.0-or-later
#include "InfoController.h"

#include "control/ControlPlane.h"

#include "../Gateway.h"

#include <protocol/OpenAiError.h>

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace aisbf::http {

namespace {

// The Ollama API level /api/chat, /api/tags and /api/version follow; clients compare it
// against the features they need.
constexpr auto kOllamaApiVersion = "0.6.0";

} // namespace

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

QJsonArray InfoController::routeList()
{
    const auto routes = m_gateway.routes();
    QJsonArray data = routes->modelEntries();
    for (const QString &id : routes->discoveredProviders()) {
        for (const QString &model : m_gateway.modelDiscovery()->cached(id))
            data.append(dispatch::modelEntry(id + u'/' + model, id));
        if (const auto probe = routes->providerProbe(id))
            m_gateway.modelDiscovery()->models(*probe, [](const QStringList &, const QString &) {});
    }
    return data;
}

void InfoController::userModels(const QString &username, ClientResponse &&response)
{
    control::ControlPlane *plane = m_gateway.controlPlane();
    if (!plane) {
        response.sendError({503,
                            QStringLiteral("user routes need the control plane's database, which "
                                           "is not open"),
                            {},
                            QByteArrayLiteral("control_plane_unavailable"),
                            {}});
        return;
    }
    protocol::OpenAiError failure;
    const std::optional<qint64> userId =
        plane->actingUser(response.record().principal, username, &failure);
    const auto table =
        userId ? plane->userRoutes().table(*userId, m_gateway.routes()->config(), &failure)
               : nullptr;
    if (!table) {
        response.sendError(failure);
        return;
    }
    const QString owner = username.isEmpty() ? response.record().principal.username : username;
    const config::ConfigSet &mine = table->config();
    QJsonArray data;
    QStringList providerIds = mine.providers.keys();
    providerIds.sort();
    for (const QString &id : std::as_const(providerIds)) {
        for (const config::ModelConfig &model : mine.providers[id].models)
            data.append(dispatch::modelEntry(
                QStringLiteral("user-provider/") + id + u'/' + model.name, owner));
    }
    QStringList rotationIds = mine.rotations.keys();
    rotationIds.sort();
    for (const QString &id : std::as_const(rotationIds))
        data.append(dispatch::modelEntry(QStringLiteral("user-rotation/") + id, owner));
    QStringList autoselectIds = mine.autoselects.keys();
    autoselectIds.sort();
    for (const QString &id : std::as_const(autoselectIds))
        data.append(dispatch::modelEntry(QStringLiteral("user-autoselect/") + id, owner));
    for (const QJsonValue &global : routeList())
        data.append(global);
    response.sendJson(200, dispatch::listJson(data));
}

void InfoController::models(ClientResponse &&response)
{
    const auto routes = m_gateway.routes();
    if (routes->discoveredProviders().isEmpty()) {
        response.sendJson(200, routes->modelsJson()); // prebuilt: the common, fast case
        return;
    }
    response.sendJson(200, dispatch::listJson(routeList()));
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
    const auto probe = routes->providerProbe(providerId);
    if (!probe || !routes->discoveredProviders().contains(providerId)) {
        response.sendJson(200, routes->providerModelsJson(providerId));
        return;
    }
    // ClientResponse is move-only; the callback may run later, after this handler returned.
    auto pending = std::make_shared<ClientResponse>(std::move(response));
    m_gateway.modelDiscovery()->models(
        *probe, [pending, providerId](const QStringList &models, const QString &error) {
            if (models.isEmpty()) {
                pending->sendError({502,
                                    QStringLiteral("could not list the models of provider '") +
                                        providerId + QStringLiteral("': ") + error +
                                        QStringLiteral(". Name its models in providers.json, or "
                                                       "check its endpoint and key."),
                                    {},
                                    QByteArrayLiteral("model_discovery_failed"),
                                    {}});
                return;
            }
            QJsonArray data;
            for (const QString &model : models)
                data.append(dispatch::modelEntry(model, providerId));
            pending->sendJson(200, dispatch::listJson(data));
        });
}

void InfoController::ollamaTags(ClientResponse &&response)
{
    QJsonArray models;
    const QJsonArray routes = routeList();
    for (const QJsonValue &route : routes) {
        const QString name = route.toObject().value(QLatin1String("id")).toString();
        models.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("model"), name},
                        {QStringLiteral("modified_at"), QStringLiteral("1970-01-01T00:00:00Z")},
                        {QStringLiteral("size"), 0},
                        {QStringLiteral("digest"), QString()},
                        {QStringLiteral("details"),
                         QJsonObject{{QStringLiteral("format"), QString()},
                                     {QStringLiteral("family"), QString()},
                                     {QStringLiteral("parameter_size"), QString()},
                                     {QStringLiteral("quantization_level"), QString()}}}});
    }
    response.sendJson(200, QJsonDocument(QJsonObject{{QStringLiteral("models"), models}})
                               .toJson(QJsonDocument::Compact));
}

void InfoController::ollamaVersion(ClientResponse &&response)
{
    response.sendJson(200, QJsonDocument(QJsonObject{{QStringLiteral("version"),
                                                      QLatin1String(kOllamaApiVersion)}})
                               .toJson(QJsonDocument::Compact));
}

} // namespace aisbf::http
