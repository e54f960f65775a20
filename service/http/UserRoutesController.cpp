// SPDX-License-Identifier: GPL-3.0-or-later
#include "UserRoutesController.h"

#include "Request.h"

#include "../Gateway.h"
#include "control/ControlPlane.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace aisbf::http {

namespace {

void sendObject(ClientResponse &response, int status, const QJsonObject &object)
{
    response.sendJson(status, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

protocol::OpenAiError unknownKind(const QString &kind)
{
    return {404,
            QStringLiteral("no user route kind '%1': use providers, rotations or autoselects")
                .arg(kind),
            {},
            QByteArrayLiteral("not_found"),
            {}};
}

} // namespace

std::optional<qint64> UserRoutesController::userFor(const QString &username,
                                                    ClientResponse &response)
{
    control::ControlPlane *plane = m_gateway.controlPlane();
    if (!plane) {
        response.sendError({503,
                            QStringLiteral("user routes need the control plane's database, which "
                                           "is not open"),
                            {},
                            QByteArrayLiteral("control_plane_unavailable"),
                            {}});
        return std::nullopt;
    }
    protocol::OpenAiError refusal;
    const std::optional<qint64> id =
        plane->actingUser(response.record().principal, username, &refusal);
    if (!id)
        response.sendError(refusal);
    return id;
}

void UserRoutesController::get(const QString &username, const QString &kind,
                               ClientResponse &&response)
{
    const auto which = control::UserRoutes::kindNamed(kind);
    if (!which) {
        response.sendError(unknownKind(kind));
        return;
    }
    const std::optional<qint64> userId = userFor(username, response);
    if (!userId)
        return;
    auto document = m_gateway.controlPlane()->userRoutes().document(*userId, *which);
    if (auto *error = std::get_if<protocol::OpenAiError>(&document)) {
        response.sendError(*error);
        return;
    }
    response.sendJson(
        200, QJsonDocument(std::get<QJsonObject>(document)).toJson(QJsonDocument::Indented));
}

void UserRoutesController::put(const QString &username, const QString &kind, const Request &request,
                               ClientResponse &&response)
{
    const auto which = control::UserRoutes::kindNamed(kind);
    if (!which) {
        response.sendError(unknownKind(kind));
        return;
    }
    const std::optional<qint64> userId = userFor(username, response);
    if (!userId)
        return;
    const QJsonDocument body = QJsonDocument::fromJson(request.body());
    if (!body.isObject()) {
        response.sendError(
            {400,
             QStringLiteral("the body must be the whole %1 document, a JSON object").arg(kind),
             {},
             QByteArrayLiteral("invalid_request"),
             {}});
        return;
    }
    control::ControlPlane &plane = *m_gateway.controlPlane();
    const store::Result<store::User> user = plane.users().get(*userId);
    if (!user) {
        response.sendError({404, user.error().message, {}, QByteArrayLiteral("not_found"), {}});
        return;
    }
    std::optional<qint64> maxRoutes;
    if (user.value().tierId) {
        const store::Result<store::Tier> tier = plane.tiers().get(*user.value().tierId);
        if (tier)
            maxRoutes = tier.value().maxRoutes;
    }
    const control::UserRoutes::Outcome outcome =
        plane.userRoutes().replace(*userId, user.value().username, *which, body.object(),
                                   m_gateway.routes()->config(), maxRoutes);
    if (outcome.error) {
        QJsonObject answer = QJsonDocument::fromJson(outcome.error->toJson()).object();
        if (!outcome.diagnostics.isEmpty()) {
            QJsonArray list;
            for (const config::Diagnostic &d : outcome.diagnostics) {
                list.append(
                    QJsonObject{{QStringLiteral("file"), d.file},
                                {QStringLiteral("path"), d.path},
                                {QStringLiteral("severity"),
                                 d.isError() ? QStringLiteral("error") : QStringLiteral("warning")},
                                {QStringLiteral("message"), d.message}});
            }
            answer.insert(QStringLiteral("diagnostics"), list);
        }
        sendObject(response, outcome.error->status, answer);
        return;
    }
    plane.record(response.record().principal, QStringLiteral("user_routes.save"),
                 QStringLiteral("user:%1").arg(*userId),
                 QStringLiteral("%1: %2 route(s)").arg(kind).arg(outcome.routes));
    sendObject(response, 200,
               {{QStringLiteral("saved"), true},
                {QStringLiteral("kind"), kind},
                {QStringLiteral("routes"), outcome.routes}});
}

} // namespace aisbf::http
