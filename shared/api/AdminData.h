// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace aisbf::api {

/** ISO-8601 (with or without milliseconds, "Z" or offset) to UTC; invalid when empty/bad. */
QDateTime parseTimestamp(const QString &text);
/** The same format the gateway writes: "2026-11-24T09:00:00Z". */
QString formatTimestamp(const QDateTime &time);

/** GET /api/admin/state "node": this gateway's live figures. */
struct NodeStats
{
    QString id;
    QString version;
    QDateTime startedAt;
    double uptimeSec = 0;
    int activeRequests = 0;
    double requestsPerSec = 0;
    QList<double> requestsPerSecHistory; ///< one value a second, oldest first
    double errorRate = 0;                ///< 0..1 over the last 60 s
    double latencyP50Ms = 0;
    double latencyP99Ms = 0;
    int activeStreams = 0;

    static NodeStats fromJson(const QJsonObject &node);
};

/** A route and its request rate ("top_routes" entries, `stats` event "routes"). */
struct RouteRate
{
    QString route;
    double requestsPerSec = 0;
};

/** A "recent_errors" entry. */
struct RecentError
{
    QDateTime ts;
    QString route;
    QString provider;
    QString model;
    int status = 0;
    QString reason;

    static RecentError fromJson(const QJsonObject &o);
};

/** GET /api/admin/cluster "nodes" entry. */
struct ClusterNode
{
    QString id;
    QString host;
    int port = 0;
    QString version;
    QDateTime startedAt;
    double uptimeSec = 0;
    double requestsPerSec = 0;
    int activeRequests = 0;
    QDateTime lastHeartbeat;
    bool self = false;

    static ClusterNode fromJson(const QJsonObject &o);
};

/** An admin API user. */
struct User
{
    qint64 id = 0;
    QString username;
    QString role; ///< "admin" or "user"
    std::optional<qint64> tierId;
    bool disabled = false;
    QDateTime createdAt;

    static User fromJson(const QJsonObject &o);
};

/** An API token as listed (the secret masked as "aisbf_…abcd"). */
struct ApiToken
{
    qint64 id = 0;
    QString name;
    QString scope; ///< "api" or "admin"
    QString maskedToken;
    QDateTime createdAt;
    QDateTime expiresAt;
    QDateTime revokedAt;
    QDateTime lastUsedAt;
    std::optional<int> requestsPerMinute;

    bool isRevoked() const { return revokedAt.isValid(); }
    static ApiToken fromJson(const QJsonObject &o);
};

/** A rate-limit tier; unset limits are unlimited. */
struct Tier
{
    qint64 id = 0;
    QString name;
    std::optional<qint64> requestsPerMinute;
    std::optional<qint64> requestsPerDay;
    std::optional<qint64> requestsPerMonth;
    std::optional<qint64> tokensPerMinute;
    std::optional<qint64> maxRoutes;

    static Tier fromJson(const QJsonObject &o);
};

/** One bucket of an analytics series. */
struct AnalyticsPoint
{
    QDateTime ts;
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double latencyAvgMs = 0;
    double latencyMaxMs = 0;
    std::optional<double> ttftAvgMs;

    static AnalyticsPoint fromJson(const QJsonObject &o);
};

/** GET /api/admin/analytics: one series per group (provider, model, route or user). */
struct AnalyticsResult
{
    struct Series
    {
        QString group;
        QList<AnalyticsPoint> points;
    };
    QDateTime from;
    QDateTime to;
    QString bucket;
    QString groupBy;
    QList<Series> series;
    qint64 totalRequests = 0;
    qint64 totalErrors = 0;
    qint64 totalPromptTokens = 0;
    qint64 totalCompletionTokens = 0;

    static AnalyticsResult fromJson(const QJsonObject &o);
};

/** The four config documents the admin API serves, in the order the gateway loads them. */
enum class ConfigDocument
{
    Server,
    Providers,
    Rotations,
    Autoselect
};

/** "server", "providers", … — the {doc} of /api/admin/config/{doc}. */
QString documentName(ConfigDocument doc);
/** "aisbf.json", "providers.json", … — as diagnostics name them. */
QString documentFileName(ConfigDocument doc);
std::optional<ConfigDocument> documentFromName(const QString &name);

} // namespace aisbf::api
