// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

class Request;

/**
 * /api/admin/config/{server|providers|rotations|autoselect}: the config documents in the shape
 * of their files (aisbf.json, providers.json, rotations.json, autoselect.json).
 */
class ConfigController
{
public:
    explicit ConfigController(Gateway &gateway) : m_gateway(gateway) {}

    /** GET -> the document as the file holds it, secrets masked ("…abcd"); ETag: "<version>" */
    void get(const QString &document, ClientResponse &&response);
    /**
     * PUT (body: the whole document) -> {applied: true, document, version, restart_required:
     * [keys]}; ?dry_run=true -> {valid: true}. Masked secrets sent back keep their current value.
     * Invalid -> 422 {error, diagnostics: [{file, path, severity, message}]}. If-Match with a
     * stale version -> 412. Written atomically (previous file kept as .bak), applied at once:
     * requests in flight finish on the config they started with.
     */
    void put(const QString &document, const Request &request, ClientResponse &&response);

private:
    Gateway &m_gateway;
};

} // namespace aisbf::http
