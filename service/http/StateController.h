// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

/** What the node is doing now: /api/admin/state, /api/admin/cluster, /api/admin/events. */
class StateController
{
public:
    explicit StateController(Gateway &gateway) : m_gateway(gateway) {}

    /** GET /api/admin/state -> {node, providers:[{id, type, state, requests_per_s, models:[{name,
     *  state, cooldown_remaining_s, requests_per_s, errors_last_min}]}], rotations:[{id,
     *  requests_per_s, entries:[{provider, model, weight, state, requests_per_s}]}],
     *  autoselects:[{id, requests_per_s}], recent_errors:[{ts, route, provider, model, status,
     *  reason}], top_routes:[{route, requests_per_s}]} */
    void state(ClientResponse &&response);
    /** GET /api/admin/cluster -> {nodes:[{id, host, port, version, started_at, uptime_s,
     *  requests_per_s, active_requests, last_heartbeat, self}]} */
    void cluster(ClientResponse &&response);
    /** GET /api/admin/events -> text/event-stream of request, cooldown, config and stats events */
    void events(ClientResponse &&response);

private:
    Gateway &m_gateway;
};

} // namespace aisbf::http
