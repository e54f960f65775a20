// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

#include <QJsonObject>

namespace aisbf {
class Gateway;
}

namespace aisbf::control {
class ControlPlane;
}

namespace aisbf::http {

class Request;

/**
 * /api/admin/…: login, users, their tokens, tiers and the audit log. Every action but login
 * needs an admin principal (checked by the router). JSON keys are listed above each action;
 * secrets are never returned (a token is shown once, at creation; passwords never).
 */
class AdminController
{
public:
    explicit AdminController(Gateway &gateway) : m_gateway(gateway) {}

    /** POST /api/admin/login {username, password} -> {token, expires_at} */
    void login(const Request &request, ClientResponse &&response);
    /** GET /api/admin/users -> {data:[user]}; user = {id, username, role, tier_id, disabled,
     *  created_at} */
    void listUsers(ClientResponse &&response);
    /** POST /api/admin/users {username, password, role?, tier_id?} -> 201 user */
    void createUser(const Request &request, ClientResponse &&response);
    /** GET /api/admin/users/{username} -> user */
    void getUser(const QString &username, ClientResponse &&response);
    /** PATCH /api/admin/users/{username} {password?, role?, tier_id?, disabled?} -> user */
    void updateUser(const QString &username, const Request &request, ClientResponse &&response);
    /** DELETE /api/admin/users/{username} -> {deleted: username} (tokens go with the user) */
    void deleteUser(const QString &username, ClientResponse &&response);
    /** POST /api/admin/users/{username}/tokens {name, scope?: api|admin, expires_at?,
     *  requests_per_minute?} -> 201 {id, token, name, scope, expires_at} (the only time the
     *  token is shown) */
    void createToken(const QString &username, const Request &request, ClientResponse &&response);
    /** GET /api/admin/users/{username}/tokens -> {data:[{id, name, scope, token (masked),
     *  created_at, expires_at, revoked_at, last_used_at}]} */
    void listTokens(const QString &username, ClientResponse &&response);
    /** DELETE /api/admin/users/{username}/tokens/{id} -> {id, revoked: true} */
    void revokeToken(const QString &username, const QString &id, ClientResponse &&response);
    /** GET /api/admin/tiers -> {data:[tier]}; tier = {id, name, requests_per_minute,
     *  requests_per_day, requests_per_month, tokens_per_minute, max_routes} (null = unlimited) */
    void listTiers(ClientResponse &&response);
    /** POST /api/admin/tiers {name, limits…} -> 201 tier */
    void createTier(const Request &request, ClientResponse &&response);
    /** PATCH /api/admin/tiers/{id} {name?, limits…} -> tier */
    void updateTier(const QString &id, const Request &request, ClientResponse &&response);
    /** DELETE /api/admin/tiers/{id} -> {deleted: id} */
    void deleteTier(const QString &id, ClientResponse &&response);
    /** GET /api/admin/audit?limit=N -> {data:[{id, ts, actor, action, target, detail}]} */
    void audit(const Request &request, ClientResponse &&response);

private:
    control::ControlPlane &plane();

    Gateway &m_gateway;
};

} // namespace aisbf::http
