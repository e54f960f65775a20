// SPDX-License-Identifier: GPL-3.0-or-later
#include "AdminData.h"

#include <QJsonArray>

namespace aisbf::api {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

double num(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toDouble();
}

QDateTime time(const QJsonObject &o, const char *key)
{
    return parseTimestamp(str(o, key));
}

std::optional<qint64> optInt(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble())
        return std::nullopt;
    return qint64(v.toDouble());
}

} // namespace

QDateTime parseTimestamp(const QString &text)
{
    if (text.isEmpty())
        return {};
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QString formatTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

NodeStats NodeStats::fromJson(const QJsonObject &node)
{
    NodeStats s;
    s.id = str(node, "id");
    s.version = str(node, "version");
    s.startedAt = time(node, "started_at");
    s.uptimeSec = num(node, "uptime_s");
    s.activeRequests = int(num(node, "active_requests"));
    s.requestsPerSec = num(node, "requests_per_s");
    const QJsonArray history = node.value(QLatin1String("requests_per_s_history")).toArray();
    for (const QJsonValue &rate : history)
        s.requestsPerSecHistory.append(rate.toDouble());
    s.errorRate = num(node, "error_rate");
    s.latencyP50Ms = num(node, "latency_p50_ms");
    s.latencyP99Ms = num(node, "latency_p99_ms");
    s.activeStreams = int(num(node, "active_streams"));
    return s;
}

RecentError RecentError::fromJson(const QJsonObject &o)
{
    return {time(o, "ts"),   str(o, "route"),       str(o, "provider"),
            str(o, "model"), int(num(o, "status")), str(o, "reason")};
}

ClusterNode ClusterNode::fromJson(const QJsonObject &o)
{
    ClusterNode n;
    n.id = str(o, "id");
    n.host = str(o, "host");
    n.port = int(num(o, "port"));
    n.version = str(o, "version");
    n.startedAt = time(o, "started_at");
    n.uptimeSec = num(o, "uptime_s");
    n.requestsPerSec = num(o, "requests_per_s");
    n.activeRequests = int(num(o, "active_requests"));
    n.lastHeartbeat = time(o, "last_heartbeat");
    n.self = o.value(QLatin1String("self")).toBool();
    return n;
}

User User::fromJson(const QJsonObject &o)
{
    User u;
    u.id = qint64(num(o, "id"));
    u.username = str(o, "username");
    u.role = str(o, "role");
    u.tierId = optInt(o, "tier_id");
    u.disabled = o.value(QLatin1String("disabled")).toBool();
    u.createdAt = time(o, "created_at");
    return u;
}

ApiToken ApiToken::fromJson(const QJsonObject &o)
{
    ApiToken t;
    t.id = qint64(num(o, "id"));
    t.name = str(o, "name");
    t.scope = str(o, "scope");
    t.maskedToken = str(o, "token");
    t.createdAt = time(o, "created_at");
    t.expiresAt = time(o, "expires_at");
    t.revokedAt = time(o, "revoked_at");
    t.lastUsedAt = time(o, "last_used_at");
    if (const auto rpm = optInt(o, "requests_per_minute"))
        t.requestsPerMinute = int(*rpm);
    return t;
}

Tier Tier::fromJson(const QJsonObject &o)
{
    Tier t;
    t.id = qint64(num(o, "id"));
    t.name = str(o, "name");
    t.requestsPerMinute = optInt(o, "requests_per_minute");
    t.requestsPerDay = optInt(o, "requests_per_day");
    t.requestsPerMonth = optInt(o, "requests_per_month");
    t.tokensPerMinute = optInt(o, "tokens_per_minute");
    t.maxRoutes = optInt(o, "max_routes");
    return t;
}

AnalyticsPoint AnalyticsPoint::fromJson(const QJsonObject &o)
{
    AnalyticsPoint p;
    p.ts = time(o, "ts");
    p.requests = qint64(num(o, "requests"));
    p.errors = qint64(num(o, "errors"));
    p.promptTokens = qint64(num(o, "prompt_tokens"));
    p.completionTokens = qint64(num(o, "completion_tokens"));
    p.latencyAvgMs = num(o, "latency_avg_ms");
    p.latencyMaxMs = num(o, "latency_max_ms");
    const QJsonValue ttft = o.value(QLatin1String("ttft_avg_ms"));
    if (ttft.isDouble())
        p.ttftAvgMs = ttft.toDouble();
    return p;
}

AnalyticsResult AnalyticsResult::fromJson(const QJsonObject &o)
{
    AnalyticsResult r;
    r.from = time(o, "from");
    r.to = time(o, "to");
    r.bucket = str(o, "bucket");
    r.groupBy = str(o, "group_by");
    const QJsonArray series = o.value(QLatin1String("series")).toArray();
    for (const QJsonValue &s : series) {
        Series out;
        out.group = s.toObject().value(QLatin1String("group")).toString();
        const QJsonArray points = s.toObject().value(QLatin1String("points")).toArray();
        for (const QJsonValue &p : points)
            out.points.append(AnalyticsPoint::fromJson(p.toObject()));
        r.series.append(out);
    }
    const QJsonObject totals = o.value(QLatin1String("totals")).toObject();
    r.totalRequests = qint64(num(totals, "requests"));
    r.totalErrors = qint64(num(totals, "errors"));
    r.totalPromptTokens = qint64(num(totals, "prompt_tokens"));
    r.totalCompletionTokens = qint64(num(totals, "completion_tokens"));
    return r;
}

QString documentName(ConfigDocument doc)
{
    switch (doc) {
    case ConfigDocument::Server:
        return QStringLiteral("server");
    case ConfigDocument::Providers:
        return QStringLiteral("providers");
    case ConfigDocument::Rotations:
        return QStringLiteral("rotations");
    case ConfigDocument::Autoselect:
        return QStringLiteral("autoselect");
    }
    return {};
}

QString documentFileName(ConfigDocument doc)
{
    return doc == ConfigDocument::Server ? QStringLiteral("aisbf.json")
                                         : documentName(doc) + QStringLiteral(".json");
}

std::optional<ConfigDocument> documentFromName(const QString &name)
{
    for (auto doc : {ConfigDocument::Server, ConfigDocument::Providers, ConfigDocument::Rotations,
                     ConfigDocument::Autoselect}) {
        if (documentName(doc) == name || documentFileName(doc) == name)
            return doc;
    }
    return std::nullopt;
}

} // namespace aisbf::api
