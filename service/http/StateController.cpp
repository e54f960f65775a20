// SPDX-License-Identifier: GPL-3.0-or-later
#include "StateController.h"

#include "../Gateway.h"
#include "live/EventHub.h"
#include "live/LiveState.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::http {

void StateController::state(ClientResponse &&response)
{
    const auto routes = m_gateway.routes();
    const QJsonObject state = m_gateway.liveState()->stateJson(routes->config());
    response.sendJson(200, QJsonDocument(state).toJson(QJsonDocument::Compact));
}

void StateController::cluster(ClientResponse &&response)
{
    QJsonArray nodes;
    for (QJsonObject node : m_gateway.clusterNodes()) {
        node.insert(QStringLiteral("self"),
                    node.value(QLatin1String("id")) == m_gateway.liveState()->node().id);
        nodes.append(node);
    }
    response.sendJson(200, QJsonDocument(QJsonObject{{QStringLiteral("nodes"), nodes}})
                               .toJson(QJsonDocument::Compact));
}

void StateController::events(ClientResponse &&response)
{
    m_gateway.eventHub()->subscribe(std::move(response));
}

} // namespace aisbf::http
