// SPDX-License-Identifier: GPL-3.0-or-later
#include "Gateway.h"

#include "cluster/Cluster.h"
#include "control/ControlPlane.h"
#include "http/ClientResponse.h"
#include "http/GatewayServer.h"
#include "http/GuardedTcpServer.h"
#include "live/EventHub.h"
#include "live/LiveState.h"
#include "upstream/UpstreamClient.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHostInfo>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QTimerEvent>

Q_LOGGING_CATEGORY(lcGateway, "aisbf.http")

namespace aisbf {

namespace {

QByteArray digest(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

// Compares fixed-size digests without an early exit, so timing says nothing about the token.
bool sameDigest(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

// The route kinds as shared strings: a usage record then copies a reference instead of
// allocating (and the writer thread, which frees the record, frees nothing of the loop's).
QString routeKindName(QStringView kind)
{
    static const QString known[] = {
        QStringLiteral("rotation"),        QStringLiteral("autoselect"),
        QStringLiteral("user-rotation"),   QStringLiteral("user-provider"),
        QStringLiteral("user-autoselect"),
    };
    for (const QString &name : known) {
        if (kind == name)
            return name;
    }
    return kind.toString();
}

// What the usage table keeps of a finished chat request (the writer thread does the rest).
store::UsageRecord usageOf(const http::AccessRecord &record)
{
    using namespace std::chrono;
    store::UsageRecord usage;
    usage.userId = record.principal.userId;
    usage.tokenId = record.principal.tokenId;
    // "rotation/x", "user-rotation/x", "user-provider/p/m", "autoselect/x" name their kind;
    // a plain "p/m" is a provider model.
    const qsizetype slash = record.route.indexOf(u'/');
    const QStringView head = QStringView(record.route).left(slash);
    const bool named = head == QLatin1String("rotation") || head == QLatin1String("autoselect") ||
                       head.startsWith(QLatin1String("user-"));
    usage.routeKind = named ? routeKindName(head) : QStringLiteral("provider");
    usage.routeId = named ? record.route.mid(slash + 1) : record.route;
    usage.provider = record.provider;
    usage.model = record.model;
    // The answer's own counts when it gave them; the estimate made at admission otherwise.
    usage.promptTokens = record.reported.prompt.value_or(record.promptTokens);
    usage.completionTokens = record.reported.completion.value_or(0);
    const auto end = steady_clock::now();
    usage.latencyMs = duration_cast<milliseconds>(end - record.start).count();
    if (record.firstByte != steady_clock::time_point{})
        usage.ttftMs = duration_cast<milliseconds>(record.firstByte - record.start).count();
    usage.status = record.status;
    usage.failovers = record.failovers;
    return usage;
}

} // namespace

Gateway::Gateway(config::ConfigSnapshot config, QObject *parent)
    : QObject(parent), m_config(std::move(config))
{
    m_uptime.start();
    m_routes = std::make_shared<const dispatch::RouteTable>(m_config);
    const config::ServerConfig &server = m_config->server;
    m_limits.maxBodyBytes = server.maxBodyBytes;
    m_limits.requestTimeoutMs = server.clientHeaderTimeoutMs;
    m_limits.keepAliveTimeoutMs = server.keepAliveTimeoutMs;
    upstream::UpstreamClient::Settings settings;
    settings.proxies =
        upstream::ProxySettings::fromEnvironment(QProcessEnvironment::systemEnvironment());
    settings.extraCaFile = server.upstreamCaFile;
    m_client = std::make_unique<upstream::UpstreamClient>(settings);
    m_discovery = std::make_unique<dispatch::ModelDiscovery>(m_client.get());
    for (const QString &token : server.authTokens)
        m_tokenDigests.append(digest(token.toUtf8()));

    m_events = std::make_unique<live::EventHub>();
    m_live = std::make_unique<live::LiveState>(m_events.get());
    m_live->setLoadSource([this] {
        return live::LiveState::Load{m_activeSessions, m_accessLog.activeStreams()};
    });
    m_cooldowns.setFailureListener(
        [live = m_live.get()](const QString &key, dispatch::CooldownBook::Clock::time_point until,
                              const QString &reason) { live->attemptFailed(key, until, reason); });
    m_accessLog.setFinishedSink([this](const http::AccessRecord &record) {
        if (!record.isChat)
            return;
        m_live->requestFinished(record);
        if (m_control && m_config->server.recordUsage)
            m_control->usage().enqueue(usageOf(record));
    });
}

Gateway::~Gateway()
{
    // Requests still logged during teardown must not reach a closed control plane.
    m_accessLog.setFinishedSink({});
}

bool Gateway::enableControlPlane(const store::DatabaseConfig &database, QString *error)
{
    m_control = control::ControlPlane::open(database, m_config, error);
    return m_control != nullptr;
}

QStringList Gateway::applyConfig(config::ConfigSnapshot config, const QString &document)
{
    // What the listening socket, the database and the upstream client were built from.
    static const char *const restartKeys[] = {"host",   "port",     "protocol", "server",
                                              "limits", "database", "upstream", "cache"};
    QStringList restartRequired;
    for (const char *key : restartKeys) {
        const QLatin1String name(key);
        if (m_config->serverDocument.value(name) != config->serverDocument.value(name))
            restartRequired.append(name);
    }
    m_config = std::move(config);
    m_routes = std::make_shared<const dispatch::RouteTable>(m_config);
    m_tokenDigests.clear();
    for (const QString &token : m_config->server.authTokens)
        m_tokenDigests.append(digest(token.toUtf8()));
    if (m_control) {
        m_control->setConfig(m_config);
        m_control->userRoutes().invalidate(); // their tables embed the global server settings
    }
    ++m_configVersion;
    qCInfo(lcGateway) << "config version" << m_configVersion << "applied";
    m_events->publish("config", {{QStringLiteral("document"), document},
                                 {QStringLiteral("version"), m_configVersion}});
    return restartRequired;
}

QList<QJsonObject> Gateway::clusterNodes() const
{
    return m_cluster ? m_cluster->nodes() : QList<QJsonObject>{m_live->nodeJson()};
}

void Gateway::enableCluster(const cluster::RedisConfig &redis)
{
    m_cluster = std::make_unique<cluster::Cluster>(
        redis, [live = m_live.get()] { return live->nodeJson(); },
        m_control ? &m_control->rateLimiter() : nullptr);
    connect(m_cluster.get(), &cluster::Cluster::stopped, this, [this] {
        m_clusterStopped = true;
        if (m_draining)
            checkDrained();
    });
    m_cluster->start();
}

bool Gateway::isGlobalToken(const QByteArray &bearer) const
{
    if (bearer.isEmpty())
        return false;
    const QByteArray given = digest(bearer);
    bool match = false;
    for (const QByteArray &known : m_tokenDigests)
        match |= sameDigest(given, known);
    return match;
}

control::Principal Gateway::principalFor(const QByteArray &bearer) const
{
    if (isGlobalToken(bearer)) {
        control::Principal principal;
        principal.kind = control::Principal::Kind::GlobalToken;
        principal.isAdmin = true;
        principal.mayChat = true;
        return principal;
    }
    return m_control ? m_control->authenticate(bearer) : control::Principal{};
}

bool Gateway::listen(const QHostAddress &address, quint16 port, QString *error)
{
    m_tcpServer = new http::GuardedTcpServer(m_limits);
    if (!m_tcpServer->listen(address, port)) {
        if (error)
            *error = m_tcpServer->errorString();
        delete m_tcpServer;
        m_tcpServer = nullptr;
        return false;
    }
    m_server = new http::GatewayServer(*this, this);
    m_server->serve(m_tcpServer); // takes ownership
    live::LiveState::NodeInfo node;
    node.host = QHostInfo::localHostName();
    node.port = m_tcpServer->serverPort();
    node.id = node.host + u':' + QString::number(node.port);
    node.version = QStringLiteral(AISBF_VERSION);
    node.startedAt = QDateTime::currentDateTimeUtc().addMSecs(-m_uptime.elapsed());
    m_live->setNode(std::move(node));
    return true;
}

quint16 Gateway::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

bool Gateway::authEnabled() const
{
    return m_config->server.authEnabled;
}

void Gateway::sessionStarted()
{
    ++m_activeSessions;
}

void Gateway::sessionFinished()
{
    --m_activeSessions;
    if (m_draining)
        checkDrained();
}

void Gateway::drain(int deadlineMs)
{
    if (m_draining)
        return;
    m_draining = true;
    qCInfo(lcGateway) << "draining:" << m_activeSessions << "request(s) in flight, deadline"
                      << deadlineMs << "ms";
    if (m_tcpServer)
        m_tcpServer->startDraining();
    m_events->closeAll(); // event streams never finish by themselves
    if (m_cluster)
        m_cluster->stop(); // leaves the cluster view and sends the last counts
    m_drainDeadline.start(deadlineMs, this);
    checkDrained();
}

void Gateway::checkDrained()
{
    if (m_activeSessions > 0 || (m_cluster && !m_clusterStopped))
        return;
    m_drainDeadline.stop();
    m_accessLog.flush();
    Q_EMIT drained();
}

void Gateway::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_drainDeadline.timerId())
        return QObject::timerEvent(event);
    m_drainDeadline.stop();
    qCWarning(lcGateway) << "drain deadline reached with" << m_activeSessions
                         << "request(s) still in flight; stopping";
    m_accessLog.flush();
    Q_EMIT drained();
}

} // namespace aisbf
