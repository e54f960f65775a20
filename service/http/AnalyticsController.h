// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ClientResponse.h"

namespace aisbf {
class Gateway;
}

namespace aisbf::http {

class Request;

/**
 * /api/admin/analytics…: usage over time, and the raw usage rows as CSV or JSON. Needs an admin
 * principal (checked by the router). Holds no state, so the router may make one per request.
 *
 * Both actions take `from` and `to` (ISO 8601, UTC when no offset is given, or ms since the
 * epoch; default: the last 24 hours up to now). The range is half-open: [from, to).
 */
class AnalyticsController
{
public:
    explicit AnalyticsController(Gateway &gateway) : m_gateway(gateway) {}

    /** GET /api/admin/analytics?from&to&bucket=minute|hour|day&group_by=provider|model|route|user
     *  -> {from, to, bucket, group_by, series:[{group, points:[{ts, requests, errors,
     *  prompt_tokens, completion_tokens, latency_avg_ms, latency_max_ms, ttft_avg_ms|null}]}],
     *  totals:{requests, errors, prompt_tokens, completion_tokens}}
     *  Defaults: bucket hour, group_by none (one series, "all"). Only buckets with data are
     *  listed; series by requests, most first. At most 10,000 buckets. */
    void report(const Request &request, ClientResponse &&response);
    /** GET /api/admin/analytics/export?format=json|csv&from&to
     *  -> json: {data:[{id, ts, user, token_id, route_kind, route_id, provider, model,
     *  prompt_tokens, completion_tokens, latency_ms, ttft_ms, status, failovers, cache_hit}]};
     *  csv: the same columns, a header row first (RFC 4180), as an attachment. By ts. Streamed
     *  in pages, paced by the client's reading. */
    void exportEvents(const Request &request, ClientResponse &&response);

private:
    Gateway &m_gateway;
};

} // namespace aisbf::http
