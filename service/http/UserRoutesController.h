// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

class Request;

/**
 * A user's own routes as documents in the config files' shapes:
 * GET|PUT /api/admin/users/{username}/{providers|rotations|autoselects} (admins) and
 * GET|PUT /api/user/{providers|rotations|autoselects} (the user, with their own token).
 * providers -> {"providers": {id: provider}}, rotations -> {"rotations": {id: rotation}},
 * autoselects -> {id: autoselect}; API keys masked on the way out ("…abcd") and sealed at rest.
 */
class UserRoutesController
{
public:
    explicit UserRoutesController(Gateway &gateway) : m_gateway(gateway) {}

    /** GET -> the document. @p username empty: the caller's own. */
    void get(const QString &username, const QString &kind, ClientResponse &&response);
    /** PUT (the whole document) -> {saved: true, kind, routes: n}; 422 {error, diagnostics}
     *  when invalid or over the tier's max_routes. */
    void put(const QString &username, const QString &kind, const Request &request,
             ClientResponse &&response);

private:
    /** The user id for @p username (or the caller); nullopt after an error is sent. */
    std::optional<qint64> userFor(const QString &username, ClientResponse &response);

    Gateway &m_gateway;
};

} // namespace aisbf::http
