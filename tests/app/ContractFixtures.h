// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace aisbf::test {

/** Contract-shaped admin API bodies (/tmp/aisbf/admin-api-contract.md), for models and QML. */
inline QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

inline QJsonObject stateBody()
{
    return json(R"({
      "node":{"id":"gw-a:17765","version":"0.1.0","started_at":"2026-11-24T09:00:00Z","uptime_s":3725,
              "active_requests":3,"requests_per_s":12.5,"error_rate":0.02,"latency_p50_ms":41.5,
              "latency_p99_ms":380,"active_streams":2},
      "providers":[
        {"id":"openai","type":"openai","state":"cooling","requests_per_s":4,
         "models":[{"name":"gpt-4o","state":"cooling","cooldown_remaining_s":25,"requests_per_s":0,"errors_last_min":3},
                   {"name":"gpt-4o-mini","state":"ok","cooldown_remaining_s":null,"requests_per_s":4,"errors_last_min":0}]},
        {"id":"local","type":"openai","state":"failing","requests_per_s":8,
         "models":[{"name":"qwen","state":"failing","cooldown_remaining_s":null,"requests_per_s":8,"errors_last_min":1}]}],
      "rotations":[{"id":"coding","requests_per_s":12,"entries":[
         {"provider":"openai","model":"gpt-4o","weight":6,"state":"cooling","requests_per_s":0},
         {"provider":"local","model":"qwen","weight":3,"state":"failing","requests_per_s":8}]}],
      "autoselects":[{"id":"auto","requests_per_s":0}],
      "recent_errors":[
        {"ts":"2026-11-24T10:00:01Z","route":"rotation/coding","provider":"openai","model":"gpt-4o","status":500,"reason":"upstream 500"},
        {"ts":"2026-11-24T10:00:05Z","route":"rotation/coding","provider":"local","model":"qwen","status":0,"reason":"connection refused"}],
      "top_routes":[{"route":"openai/gpt-4o-mini","requests_per_s":4},{"route":"rotation/coding","requests_per_s":12}]
    })");
}

inline QJsonObject clusterBody()
{
    return json(R"({"nodes":[
      {"id":"gw-b:17765","host":"gw-b","port":17765,"version":"0.1.0","started_at":"2026-11-24T08:00:00Z",
       "uptime_s":7200,"requests_per_s":1.5,"active_requests":0,"last_heartbeat":"2026-11-24T09:59:00Z","self":false},
      {"id":"gw-a:17765","host":"gw-a","port":17765,"version":"0.1.0","started_at":"2026-11-24T09:00:00Z",
       "uptime_s":3600,"requests_per_s":10,"active_requests":4,"last_heartbeat":"2026-11-24T09:59:58Z","self":true}]})");
}

inline QJsonObject analyticsBody()
{
    return json(
        R"({"from":"2026-11-24T09:00:00Z","to":"2026-11-24T10:00:00Z","bucket":"minute","group_by":"provider",
      "series":[
        {"group":"openai","points":[
          {"ts":"2026-11-24T09:00:00Z","requests":10,"errors":1,"prompt_tokens":100,"completion_tokens":50,"latency_avg_ms":200,"latency_max_ms":900,"ttft_avg_ms":80},
          {"ts":"2026-11-24T09:01:00Z","requests":30,"errors":0,"prompt_tokens":300,"completion_tokens":150,"latency_avg_ms":100,"latency_max_ms":400,"ttft_avg_ms":null}]},
        {"group":"local","points":[
          {"ts":"2026-11-24T09:00:00Z","requests":5,"errors":5,"prompt_tokens":0,"completion_tokens":0,"latency_avg_ms":5,"latency_max_ms":9,"ttft_avg_ms":null}]}],
      "totals":{"requests":45,"errors":6,"prompt_tokens":400,"completion_tokens":200}})");
}

} // namespace aisbf::test
