// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

#include "GatewaySocket.h"
#include "Request.h"

#include <QObject>

#include <functional>

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

class AdminController;
class ChatController;
class ConfigController;
class GuardedTcpServer;
class InfoController;
class StateController;
class UserRoutesController;

/**
 * The gateway's HTTP front: each connection's RequestParser reads requests, this class
 * authenticates, finds the route in one declarative table and hands a ClientResponse to the
 * controller. Unknown paths and wrong methods get OpenAI-shaped errors.
 */
class GatewayServer : public QObject, public RequestSink
{
    Q_OBJECT

public:
    GatewayServer(Gateway &gateway, QObject *parent = nullptr);
    ~GatewayServer() override;

    /** Serves the connections @p server accepts; takes ownership of it. */
    void serve(GuardedTcpServer *server);

    void handleRequest(const Request &request, GatewaySocket *socket) override;

private:
    using Handler =
        std::function<void(const Request &, const QStringList &params, ClientResponse &&)>;
    /** Who may call a route. */
    enum class Access
    {
        Public, ///< anyone (health, admin login)
        Api,    ///< with auth.enabled: a global token, a user's api token or an admin session
        Admin,  ///< always: a global token, an admin session or an admin user's admin token
    };
    struct Route
    {
        Method method;
        QList<QString> segments; ///< "{}" captures one path segment
        Access access = Access::Api;
        Handler handler;
        translate::ClientDialect dialect; ///< the API family: shapes its errors (401 included)
    };

    void addRoute(Method method, const QString &pattern, Handler handler,
                  Access access = Access::Api,
                  translate::ClientDialect dialect = translate::ClientDialect::OpenAi);
    void addAdminRoutes();
    /** Checks @p route's access for @p request; false after answering 401/403/503. */
    bool admit(const Route &route, const Request &request, ClientResponse &response);
    static bool match(const Route &route, const QList<QString> &segments, QStringList *params);

    Gateway &m_gateway;
    std::unique_ptr<AdminController> m_admin;
    std::unique_ptr<ChatController> m_chat;
    std::unique_ptr<InfoController> m_info;
    std::unique_ptr<ConfigController> m_config;
    std::unique_ptr<StateController> m_state;
    std::unique_ptr<UserRoutesController> m_userRoutes;
    QList<Route> m_routes;
};

} // namespace aisbf::http
