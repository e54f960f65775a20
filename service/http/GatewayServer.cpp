// SPDX-License-Identifier: GPL-3.0-or-later
#include "GatewayServer.h"

#include "AdminController.h"
#include "AnalyticsController.h"
#include "ChatController.h"
#include "ConfigController.h"
#include "GatewaySocket.h"
#include "GuardedTcpServer.h"
#include "InfoController.h"
#include "StateController.h"
#include "UserRoutesController.h"

#include "../Gateway.h"
#include "control/ControlPlane.h"

#include <protocol/OpenAiError.h>

#include <QRandomGenerator>

namespace aisbf::http {

namespace {

// A client's X-Request-Id is kept when it is a sane token, so traces join up across hops.
QByteArray requestIdFor(const Request &request)
{
    const QByteArray given = request.value("x-request-id");
    if (!given.isEmpty() && given.size() <= 128) {
        const bool sane = std::all_of(given.cbegin(), given.cend(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        });
        if (sane)
            return given;
    }
    return QByteArray::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, '0');
}

// "Authorization: Bearer <token>", or "x-api-key: <token>" as Anthropic's SDKs send it.
QByteArray bearerToken(const Request &request)
{
    const QByteArray header = request.value("authorization").trimmed();
    if (header.size() > 7 && header.first(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return header.sliced(7).trimmed();
    return request.value("x-api-key").trimmed();
}

// The path's segments, each percent-decoded ("a%2Fb" stays one segment).
QList<QString> pathSegments(QByteArrayView encodedPath)
{
    QList<QString> segments;
    while (!encodedPath.isEmpty()) {
        const qsizetype slash = encodedPath.indexOf('/');
        const QByteArrayView part = slash < 0 ? encodedPath : encodedPath.first(slash);
        encodedPath = slash < 0 ? QByteArrayView() : encodedPath.sliced(slash + 1);
        if (part.isEmpty())
            continue;
        segments.append(part.contains('%')
                            ? QString::fromUtf8(QByteArray::fromPercentEncoding(part.toByteArray()))
                            : QString::fromLatin1(part));
    }
    return segments;
}

protocol::OpenAiError error(int status, const QString &message, const QByteArray &code)
{
    return {status, message, {}, code, {}};
}

} // namespace

GatewayServer::GatewayServer(Gateway &gateway, QObject *parent)
    : QObject(parent), m_gateway(gateway), m_admin(std::make_unique<AdminController>(gateway)),
      m_chat(std::make_unique<ChatController>(gateway)),
      m_info(std::make_unique<InfoController>(gateway)),
      m_config(std::make_unique<ConfigController>(gateway)),
      m_state(std::make_unique<StateController>(gateway)),
      m_userRoutes(std::make_unique<UserRoutesController>(gateway))
{
    using dispatch::Scope;
    using translate::ClientDialect;
    auto chat = [this](Scope scope, ClientDialect dialect = ClientDialect::OpenAi) {
        return [this, scope, dialect](const Request &request, const QStringList &params,
                                      ClientResponse &&response) {
            m_chat->complete(request, scope, params.value(0), std::move(response), dialect);
        };
    };
    auto models = [this](const Request &, const QStringList &, ClientResponse &&r) {
        m_info->models(std::move(r));
    };
    // JSON keys of each action are documented on the controller methods.
    addRoute(
        Method::Get, QStringLiteral("/health"),
        [this](const Request &, const QStringList &, ClientResponse &&r) {
            m_info->health(std::move(r));
        },
        Access::Public);
    addRoute(Method::Get, QStringLiteral("/api/v1/models"), models);
    addRoute(Method::Get, QStringLiteral("/api/models"), models);
    addRoute(Method::Get, QStringLiteral("/v1/models"), models);
    addRoute(Method::Post, QStringLiteral("/api/v1/chat/completions"), chat(Scope::Any));
    addRoute(Method::Post, QStringLiteral("/v1/chat/completions"), chat(Scope::Any));
    addRoute(Method::Post, QStringLiteral("/api/rotations/chat/completions"),
             chat(Scope::Rotations));
    addRoute(Method::Post, QStringLiteral("/api/autoselect/chat/completions"),
             chat(Scope::Autoselect));
    // A user's routes (before /api/{provider}/…: "user" and "u" are reserved provider ids).
    addRoute(Method::Post, QStringLiteral("/api/user/chat/completions"), chat(Scope::User));
    addRoute(Method::Post, QStringLiteral("/api/u/{}/chat/completions"), chat(Scope::User));
    addRoute(Method::Get, QStringLiteral("/api/user/models"),
             [this](const Request &, const QStringList &, ClientResponse &&r) {
                 m_info->userModels(QString(), std::move(r));
             });
    addRoute(Method::Get, QStringLiteral("/api/u/{}/models"),
             [this](const Request &, const QStringList &params, ClientResponse &&r) {
                 m_info->userModels(params.value(0), std::move(r));
             });
    addRoute(Method::Post, QStringLiteral("/api/{}/chat/completions"), chat(Scope::Provider));
    addRoute(Method::Get, QStringLiteral("/api/{}/models"),
             [this](const Request &, const QStringList &params, ClientResponse &&r) {
                 m_info->providerModels(params.value(0), std::move(r));
             });

    // Anthropic's Messages API (SDK base URL = the gateway, or the gateway + "/api").
    addRoute(Method::Post, QStringLiteral("/v1/messages"),
             chat(Scope::Any, ClientDialect::Anthropic), Access::Api, ClientDialect::Anthropic);
    addRoute(Method::Post, QStringLiteral("/api/v1/messages"),
             chat(Scope::Any, ClientDialect::Anthropic), Access::Api, ClientDialect::Anthropic);
    // Ollama's API, so Ollama clients and editors can use any route.
    addRoute(Method::Post, QStringLiteral("/api/chat"), chat(Scope::Any, ClientDialect::Ollama),
             Access::Api, ClientDialect::Ollama);
    addRoute(
        Method::Get, QStringLiteral("/api/tags"),
        [this](const Request &, const QStringList &, ClientResponse &&r) {
            m_info->ollamaTags(std::move(r));
        },
        Access::Api, ClientDialect::Ollama);
    addRoute(
        Method::Get, QStringLiteral("/api/version"),
        [this](const Request &, const QStringList &, ClientResponse &&r) {
            m_info->ollamaVersion(std::move(r));
        },
        Access::Api, ClientDialect::Ollama);
    addAdminRoutes();
}

GatewayServer::~GatewayServer() = default;

void GatewayServer::serve(GuardedTcpServer *server)
{
    server->setParent(this);
    server->setSink(this);
}

void GatewayServer::addAdminRoutes()
{
    using R = const Request &;
    using P = const QStringList &;
    AdminController *admin = m_admin.get();
    addRoute(
        Method::Post, QStringLiteral("/api/admin/login"),
        [this, admin](R request, P, ClientResponse &&r) {
            if (!m_gateway.controlPlane()) {
                r.sendError(error(503,
                                  QStringLiteral("logins need the control plane's database, "
                                                 "which is not open"),
                                  "control_plane_unavailable"));
                return;
            }
            admin->login(request, std::move(r));
        },
        Access::Public);
    const auto route = [this](Method method, const char *pattern, Handler handler) {
        addRoute(method, QString::fromLatin1(pattern), std::move(handler), Access::Admin);
    };
    route(Method::Get, "/api/admin/users",
          [admin](R, P, ClientResponse &&r) { admin->listUsers(std::move(r)); });
    route(Method::Post, "/api/admin/users",
          [admin](R q, P, ClientResponse &&r) { admin->createUser(q, std::move(r)); });
    route(Method::Get, "/api/admin/users/{}",
          [admin](R, P p, ClientResponse &&r) { admin->getUser(p.value(0), std::move(r)); });
    route(Method::Patch, "/api/admin/users/{}", [admin](R q, P p, ClientResponse &&r) {
        admin->updateUser(p.value(0), q, std::move(r));
    });
    route(Method::Delete, "/api/admin/users/{}",
          [admin](R, P p, ClientResponse &&r) { admin->deleteUser(p.value(0), std::move(r)); });
    route(Method::Get, "/api/admin/users/{}/tokens",
          [admin](R, P p, ClientResponse &&r) { admin->listTokens(p.value(0), std::move(r)); });
    route(Method::Post, "/api/admin/users/{}/tokens", [admin](R q, P p, ClientResponse &&r) {
        admin->createToken(p.value(0), q, std::move(r));
    });
    route(Method::Delete, "/api/admin/users/{}/tokens/{}", [admin](R, P p, ClientResponse &&r) {
        admin->revokeToken(p.value(0), p.value(1), std::move(r));
    });
    route(Method::Get, "/api/admin/tiers",
          [admin](R, P, ClientResponse &&r) { admin->listTiers(std::move(r)); });
    route(Method::Post, "/api/admin/tiers",
          [admin](R q, P, ClientResponse &&r) { admin->createTier(q, std::move(r)); });
    route(Method::Patch, "/api/admin/tiers/{}", [admin](R q, P p, ClientResponse &&r) {
        admin->updateTier(p.value(0), q, std::move(r));
    });
    route(Method::Delete, "/api/admin/tiers/{}",
          [admin](R, P p, ClientResponse &&r) { admin->deleteTier(p.value(0), std::move(r)); });
    route(Method::Get, "/api/admin/audit",
          [admin](R q, P, ClientResponse &&r) { admin->audit(q, std::move(r)); });
    route(Method::Get, "/api/admin/analytics", [this](R q, P, ClientResponse &&r) {
        AnalyticsController(m_gateway).report(q, std::move(r));
    });
    route(Method::Get, "/api/admin/analytics/export", [this](R q, P, ClientResponse &&r) {
        AnalyticsController(m_gateway).exportEvents(q, std::move(r));
    });

    ConfigController *config = m_config.get();
    route(Method::Get, "/api/admin/config/{}",
          [config](R, P p, ClientResponse &&r) { config->get(p.value(0), std::move(r)); });
    route(Method::Put, "/api/admin/config/{}",
          [config](R q, P p, ClientResponse &&r) { config->put(p.value(0), q, std::move(r)); });
    // A user's own routes: admins for anyone, users (Api access, their token) for themselves.
    UserRoutesController *userRoutes = m_userRoutes.get();
    for (const char *kind : {"providers", "rotations", "autoselects"}) {
        const QString name = QString::fromLatin1(kind);
        const QByteArray adminPath = QByteArrayLiteral("/api/admin/users/{}/") + kind;
        route(Method::Get, adminPath.constData(), [userRoutes, name](R, P p, ClientResponse &&r) {
            userRoutes->get(p.value(0), name, std::move(r));
        });
        route(Method::Put, adminPath.constData(), [userRoutes, name](R q, P p, ClientResponse &&r) {
            userRoutes->put(p.value(0), name, q, std::move(r));
        });
        addRoute(Method::Get, QStringLiteral("/api/user/") + name,
                 [userRoutes, name](R, P, ClientResponse &&r) {
                     userRoutes->get(QString(), name, std::move(r));
                 });
        addRoute(Method::Put, QStringLiteral("/api/user/") + name,
                 [userRoutes, name](R q, P, ClientResponse &&r) {
                     userRoutes->put(QString(), name, q, std::move(r));
                 });
    }

    StateController *state = m_state.get();
    route(Method::Get, "/api/admin/state",
          [state](R, P, ClientResponse &&r) { state->state(std::move(r)); });
    route(Method::Get, "/api/admin/cluster",
          [state](R, P, ClientResponse &&r) { state->cluster(std::move(r)); });
    route(Method::Get, "/api/admin/events",
          [state](R, P, ClientResponse &&r) { state->events(std::move(r)); });
}

void GatewayServer::addRoute(Method method, const QString &pattern, Handler handler, Access access,
                             translate::ClientDialect dialect)
{
    m_routes.append(
        {method, pattern.split(u'/', Qt::SkipEmptyParts), access, std::move(handler), dialect});
}

bool GatewayServer::admit(const Route &route, const Request &request, ClientResponse &response)
{
    if (route.access == Access::Public)
        return true;
    const QByteArray bearer = bearerToken(request);
    // No token and auth off: the common case costs nothing more.
    if (bearer.isEmpty() && route.access == Access::Api && !m_gateway.authEnabled())
        return true;
    if (route.access == Access::Admin && !m_gateway.controlPlane()) {
        response.sendError(error(503,
                                 QStringLiteral("the admin API needs the control plane's "
                                                "database, which is not open"),
                                 "control_plane_unavailable"));
        return false;
    }
    control::Principal principal = m_gateway.principalFor(bearer);
    const bool allowed = route.access == Access::Admin
                             ? principal.isAdmin
                             : principal.mayChat || !m_gateway.authEnabled();
    if (!allowed) {
        if (principal.isKnown()) {
            response.sendError(error(403,
                                     route.access == Access::Admin
                                         ? QStringLiteral("this token may not use the admin API")
                                         : QStringLiteral("this token may not call this endpoint"),
                                     "forbidden"));
        } else {
            response.addHeader("WWW-Authenticate", "Bearer");
            response.sendError(error(401,
                                     QStringLiteral("missing or invalid API token: send "
                                                    "'Authorization: Bearer <token>'"),
                                     "invalid_api_key"));
        }
        return false;
    }
    response.record().principal = std::move(principal);
    return true;
}

bool GatewayServer::match(const Route &route, const QList<QString> &segments, QStringList *params)
{
    if (route.segments.size() != segments.size())
        return false;
    params->clear();
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (route.segments[i] == QLatin1String("{}"))
            params->append(segments[i]);
        else if (route.segments[i] != segments[i])
            return false;
    }
    return true;
}

void GatewayServer::handleRequest(const Request &request, GatewaySocket *client)
{
    AccessRecord record;
    record.start = std::chrono::steady_clock::now();
    record.method = methodName(request.method());
    record.path = request.encodedPath(); // as sent: no spaces or newlines
    record.requestId = requestIdFor(request);
    const bool closeAfter = m_gateway.isDraining() || !client->keepAlive();
    ClientResponse response(client, m_gateway.accessLog(), std::move(record), closeAfter);

    const QList<QString> segments = pathSegments(response.record().path);
    QStringList params;
    bool pathKnown = false;
    QByteArrayList allowed;
    for (const Route &route : std::as_const(m_routes)) {
        if (!match(route, segments, &params))
            continue;
        pathKnown = true;
        if (route.method != request.method()) {
            if (!allowed.contains(methodName(route.method)))
                allowed.append(methodName(route.method));
            continue;
        }
        response.setDialect(route.dialect);
        if (!admit(route, request, response))
            return;
        route.handler(request, params, std::move(response));
        return;
    }
    const QString path = request.path();
    if (pathKnown) {
        response.addHeader("Allow", allowed.join(", "));
        response.sendError(
            error(405,
                  QStringLiteral("method ") + QString::fromLatin1(methodName(request.method())) +
                      QStringLiteral(" is not allowed on ") + path + QStringLiteral("; use ") +
                      QString::fromLatin1(allowed.join(", ")),
                  "method_not_allowed"));
        return;
    }
    response.sendError(error(404,
                             QStringLiteral("no such endpoint: ") +
                                 QString::fromLatin1(methodName(request.method())) + u' ' + path +
                                 QStringLiteral(". Chat goes to POST /api/v1/chat/completions; "
                                                "models are listed at GET /api/v1/models."),
                             "unknown_endpoint"));
}

} // namespace aisbf::http
