// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;
class QTimer;

namespace aisbf::api {
class AdminClient;
class EventFeed;
struct ApiError;
} // namespace aisbf::api

#include <analytics/AnalyticsModel.h>
#include <cluster/ClusterModel.h>
#include <network/GraphFeed.h>
#include <overview/OverviewModel.h>
#include <playground/PlaygroundModel.h>
#include <routes/RoutesEditor.h>
#include <users/TiersModel.h>
#include <users/TokensModel.h>
#include <users/UsersModel.h>

namespace aisbf::app {

/**
 * The connection to one gateway and every page model that talks to it. QML reaches it as the
 * `Session` singleton. Nothing here blocks: connecting, polling and the event feed are all
 * asynchronous, and a gateway that goes away turns the state to Reconnecting (with retries and
 * backoff) instead of freezing anything.
 */
class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool connected READ isConnected NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(QString gatewayUrl READ gatewayUrl NOTIFY stateChanged)
    Q_PROPERTY(QString identity READ identity NOTIFY stateChanged)
    Q_PROPERTY(bool feedConnected READ isFeedConnected NOTIFY feedConnectedChanged)
    Q_PROPERTY(int retryInSec READ retryInSec NOTIFY retryInSecChanged)
    Q_PROPERTY(QString currentPage READ currentPage WRITE setCurrentPage NOTIFY currentPageChanged)
    Q_PROPERTY(OverviewModel *overview READ overview CONSTANT)
    Q_PROPERTY(ClusterModel *cluster READ cluster CONSTANT)
    Q_PROPERTY(UsersModel *users READ users CONSTANT)
    Q_PROPERTY(TokensModel *tokens READ tokens CONSTANT)
    Q_PROPERTY(TiersModel *tiers READ tiers CONSTANT)
    Q_PROPERTY(AnalyticsModel *analytics READ analytics CONSTANT)
    Q_PROPERTY(RoutesEditor *routes READ routes CONSTANT)
    Q_PROPERTY(PlaygroundModel *playground READ playground CONSTANT)
    Q_PROPERTY(GraphFeed *graph READ graph CONSTANT)

public:
    enum class State
    {
        Disconnected, ///< no gateway chosen, or the last attempt failed (see errorString)
        Connecting,
        Connected,
        Reconnecting, ///< was connected, the gateway stopped answering; retrying with backoff
    };
    Q_ENUM(State)

    // No default argument: Qt 6.4 would default-construct a second Session for QML instead of
    // calling create().
    explicit Session(QObject *parent);
    ~Session() override;

    /** The instance QML's `Session` singleton returns (set by main or a test). */
    static void setInstance(Session *session);
    static Session *instance();
    static Session *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    QString errorString() const { return m_errorString; }
    QString gatewayUrl() const { return m_url.toString(); }
    QString identity() const { return m_identity; }
    bool isFeedConnected() const;
    int retryInSec() const { return m_retryInSec; }
    QString currentPage() const { return m_currentPage; }
    void setCurrentPage(const QString &page);

    OverviewModel *overview() const { return m_overview; }
    ClusterModel *cluster() const { return m_cluster; }
    UsersModel *users() const { return m_users; }
    TokensModel *tokens() const { return m_tokens; }
    TiersModel *tiers() const { return m_tiers; }
    AnalyticsModel *analytics() const { return m_analytics; }
    RoutesEditor *routes() const { return m_routes; }
    PlaygroundModel *playground() const { return m_playground; }
    GraphFeed *graph() const { return m_graph; }
    api::AdminClient *client() const { return m_client; }

    /** Connects with an admin token (one of auth.tokens or an admin user's token). */
    Q_INVOKABLE void connectWithToken(const QString &url, const QString &token);
    /** Logs in with the dashboard username/password (POST /api/admin/login), then connects. */
    Q_INVOKABLE void connectWithPassword(const QString &url, const QString &username,
                                         const QString &password);
    /** Tries again now (after a failure or while reconnecting). */
    Q_INVOKABLE void retry();
    Q_INVOKABLE void disconnectFromGateway();
    /** Shows @p itemId of config document @p document ("providers", …) in the route editor. */
    Q_INVOKABLE void openRoute(const QString &document, const QString &itemId);
    /** The token in use (to remember it in ConnectionStore when asked). */
    Q_INVOKABLE QString currentToken() const;

    /** Milliseconds between polls of /api/admin/state while connected. */
    void setPollIntervalMs(int ms);

Q_SIGNALS:
    void stateChanged();
    void errorStringChanged();
    void feedConnectedChanged();
    void retryInSecChanged();
    void currentPageChanged();
    /** The first successful connection of an attempt (headless mode waits for it). */
    void connected();
    /** An attempt failed; @p reason is also in errorString. */
    void connectionFailed(const QString &reason);

private:
    void setState(State state);
    void setErrorString(const QString &error);
    void beginConnect(const QString &url);
    void probe();
    void fail(const QString &reason);
    void onConnected();
    void onUnreachable(const api::ApiError &error);
    void onUnauthorized(const api::ApiError &error);
    void onEvent(const QString &type, const QJsonObject &data);
    void scheduleReconnect();
    void tickRetry();

    api::AdminClient *m_client;
    api::EventFeed *m_feed;
    OverviewModel *m_overview;
    ClusterModel *m_cluster;
    UsersModel *m_users;
    TokensModel *m_tokens;
    TiersModel *m_tiers;
    AnalyticsModel *m_analytics;
    RoutesEditor *m_routes;
    PlaygroundModel *m_playground;
    GraphFeed *m_graph;
    QTimer *m_poll;
    QTimer *m_retryTimer;
    State m_state = State::Disconnected;
    QString m_errorString;
    QUrl m_url;
    QString m_identity;
    QString m_username;
    QString m_password; ///< in memory only, to log in again when a session expires
    QString m_currentPage = QStringLiteral("overview");
    int m_retryInSec = 0;
    int m_backoffSec = 1;
    quint64 m_attempt = 0;

    static QPointer<Session> s_instance;
};

} // namespace aisbf::app
