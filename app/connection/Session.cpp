// SPDX-License-Identifier: GPL-3.0-or-later
#include "Session.h"

#include <analytics/AnalyticsModel.h>
#include <cluster/ClusterModel.h>
#include <network/GraphFeed.h>
#include <overview/OverviewModel.h>
#include <playground/PlaygroundModel.h>
#include <routes/RoutesEditor.h>
#include <users/TiersModel.h>
#include <users/TokensModel.h>
#include <users/UsersModel.h>

#include <api/AdminClient.h>
#include <api/EventFeed.h>

#include <QJSEngine>
#include <QLoggingCategory>
#include <QQmlEngine>
#include <QTimer>

Q_LOGGING_CATEGORY(lcApp, "aisbf.app")

namespace aisbf::app {

QPointer<Session> Session::s_instance;

Session::Session(QObject *parent)
    : QObject(parent), m_client(new api::AdminClient(this)),
      m_feed(new api::EventFeed(m_client, this)), m_overview(new OverviewModel(m_client, this)),
      m_cluster(new ClusterModel(m_client, this)), m_users(new UsersModel(m_client, this)),
      m_tokens(new TokensModel(m_client, this)), m_tiers(new TiersModel(m_client, this)),
      m_analytics(new AnalyticsModel(m_client, this)), m_routes(new RoutesEditor(m_client, this)),
      m_playground(new PlaygroundModel(m_client, this)), m_graph(new GraphFeed(this)),
      m_poll(new QTimer(this)), m_retryTimer(new QTimer(this))
{
    m_poll->setInterval(2000);
    connect(m_poll, &QTimer::timeout, m_overview, &OverviewModel::refresh);
    m_retryTimer->setInterval(1000);
    connect(m_retryTimer, &QTimer::timeout, this, &Session::tickRetry);
    connect(m_client, &api::AdminClient::unreachable, this, &Session::onUnreachable);
    connect(m_client, &api::AdminClient::unauthorized, this, &Session::onUnauthorized);
    connect(m_feed, &api::EventFeed::eventReceived, this, &Session::onEvent);
    connect(m_feed, &api::EventFeed::connectedChanged, this, &Session::feedConnectedChanged);
    connect(m_overview, &OverviewModel::stateReceived, m_graph, &GraphFeed::applyState);
    connect(m_routes, &RoutesEditor::documentsLoaded, m_graph, [this] {
        m_graph->setConfigDocuments(m_routes->loadedDocument(QStringLiteral("server")),
                                    m_routes->loadedDocument(QStringLiteral("providers")),
                                    m_routes->loadedDocument(QStringLiteral("rotations")),
                                    m_routes->loadedDocument(QStringLiteral("autoselect")));
    });
}

Session::~Session()
{
    m_feed->stop();
}

void Session::setInstance(Session *session)
{
    s_instance = session;
}

Session *Session::instance()
{
    return s_instance;
}

Session *Session::create(QQmlEngine *qmlEngine, QJSEngine *jsEngine)
{
    Q_UNUSED(qmlEngine)
    Q_UNUSED(jsEngine)
    if (!s_instance)
        s_instance = new Session(nullptr); // QML owns this fallback (tests of single components)
    else
        QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

bool Session::isFeedConnected() const
{
    return m_feed->isConnected();
}

void Session::setCurrentPage(const QString &page)
{
    if (m_currentPage == page)
        return;
    m_currentPage = page;
    Q_EMIT currentPageChanged();
}

void Session::setPollIntervalMs(int ms)
{
    m_poll->setInterval(ms);
}

QString Session::currentToken() const
{
    return m_client->token();
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
}

void Session::setErrorString(const QString &error)
{
    if (m_errorString == error)
        return;
    m_errorString = error;
    Q_EMIT errorStringChanged();
}

void Session::beginConnect(const QString &url)
{
    disconnectFromGateway();
    ++m_attempt;
    const QUrl parsed = QUrl::fromUserInput(url.trimmed());
    if (!parsed.isValid() || parsed.host().isEmpty() ||
        (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))) {
        fail(QStringLiteral("\"%1\" is not a gateway URL; use http://host:port or https://host")
                 .arg(url));
        return;
    }
    m_url = parsed.adjusted(QUrl::StripTrailingSlash);
    m_client->setBaseUrl(m_url);
    setErrorString({});
    setState(State::Connecting);
}

void Session::connectWithToken(const QString &url, const QString &token)
{
    m_username.clear();
    m_password.clear();
    beginConnect(url);
    if (m_state != State::Connecting)
        return;
    m_client->setToken(token.trimmed());
    m_identity = QStringLiteral("token");
    probe();
}

void Session::connectWithPassword(const QString &url, const QString &username,
                                  const QString &password)
{
    beginConnect(url);
    if (m_state != State::Connecting)
        return;
    m_username = username;
    m_password = password;
    m_identity = username;
    m_client->setToken({});
    const quint64 attempt = m_attempt;
    connect(m_client->login(username, password), &api::ApiCall::finished, this,
            [this, attempt](const api::ApiResponse &r) {
                if (attempt != m_attempt)
                    return;
                if (!r.ok()) {
                    fail(r.error.isNetwork() ? r.error.message
                                             : QStringLiteral("login as %1 failed: %2")
                                                   .arg(m_username, r.error.message));
                    return;
                }
                m_client->setToken(r.object().value(QLatin1String("token")).toString());
                probe();
            });
}

void Session::probe()
{
    // /health says the gateway is there; /api/admin/state says the token is an admin's.
    const quint64 attempt = m_attempt;
    m_client->call(
        "GET", QStringLiteral("/health"), {}, this,
        [this, attempt](const api::ApiResponse &health) {
            if (attempt != m_attempt)
                return;
            if (health.status == 0) {
                if (m_state == State::Reconnecting)
                    scheduleReconnect();
                else
                    fail(health.error.message);
                return;
            }
            m_client->call(
                "GET", QStringLiteral("/api/admin/state"), {}, this,
                [this, attempt](const api::ApiResponse &state) {
                    if (attempt != m_attempt)
                        return;
                    if (state.status == 401 || state.status == 403) {
                        fail(QStringLiteral("the gateway refused the credentials (HTTP %1): %2")
                                 .arg(state.status)
                                 .arg(state.error.message));
                        return;
                    }
                    if (state.status == 0) {
                        if (m_state == State::Reconnecting)
                            scheduleReconnect();
                        else
                            fail(state.error.message);
                        return;
                    }
                    // 404: a gateway without the live-state endpoint; every other page still works.
                    onConnected();
                });
        });
}

void Session::fail(const QString &reason)
{
    qCWarning(lcApp).noquote() << "connection failed:" << reason;
    m_poll->stop();
    m_retryTimer->stop();
    m_feed->stop();
    setErrorString(reason);
    setState(State::Disconnected);
    Q_EMIT connectionFailed(reason);
}

void Session::onConnected()
{
    const bool first = m_state == State::Connecting;
    m_retryTimer->stop();
    m_backoffSec = 1;
    if (m_retryInSec != 0) {
        m_retryInSec = 0;
        Q_EMIT retryInSecChanged();
    }
    setErrorString({});
    setState(State::Connected);
    m_feed->start();
    m_poll->start();
    m_overview->refresh();
    m_routes->refresh();
    if (first)
        Q_EMIT connected();
}

void Session::retry()
{
    if (m_state == State::Reconnecting) {
        m_retryTimer->stop();
        probe();
    } else if (m_state == State::Disconnected && m_url.isValid()) {
        if (!m_username.isEmpty())
            connectWithPassword(m_url.toString(), m_username, m_password);
        else
            connectWithToken(m_url.toString(), m_client->token());
    }
}

void Session::disconnectFromGateway()
{
    ++m_attempt;
    m_poll->stop();
    m_retryTimer->stop();
    m_feed->stop();
    m_playground->stop();
    setState(State::Disconnected);
}

void Session::openRoute(const QString &document, const QString &itemId)
{
    m_routes->openItem(document, itemId);
    setCurrentPage(QStringLiteral("routes"));
}

void Session::onUnreachable(const api::ApiError &error)
{
    if (m_state != State::Connected)
        return;
    qCWarning(lcApp).noquote() << "gateway unreachable:" << error.message;
    setErrorString(error.message);
    setState(State::Reconnecting);
    m_poll->stop();
    m_backoffSec = 1;
    scheduleReconnect();
}

void Session::onUnauthorized(const api::ApiError &error)
{
    if (m_state != State::Connected)
        return;
    if (!m_username.isEmpty() && !m_password.isEmpty()) {
        // An expired admin session: log in again with what the operator typed.
        connectWithPassword(m_url.toString(), m_username, m_password);
        return;
    }
    fail(QStringLiteral("the gateway no longer accepts this token: %1").arg(error.message));
}

void Session::scheduleReconnect()
{
    m_retryInSec = m_backoffSec;
    m_backoffSec = qMin(m_backoffSec * 2, 30);
    Q_EMIT retryInSecChanged();
    m_retryTimer->start();
}

void Session::tickRetry()
{
    if (--m_retryInSec > 0) {
        Q_EMIT retryInSecChanged();
        return;
    }
    m_retryTimer->stop();
    Q_EMIT retryInSecChanged();
    probe();
}

void Session::onEvent(const QString &type, const QJsonObject &data)
{
    if (type == QLatin1String("stats"))
        m_overview->applyStats(data);
    else if (type == QLatin1String("config"))
        m_routes->noteRemoteChange(data.value(QLatin1String("document")).toString(),
                                   data.value(QLatin1String("version")).toInteger());
    m_graph->applyEvent(type, data);
}

} // namespace aisbf::app
