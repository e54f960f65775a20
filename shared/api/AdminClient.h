// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ApiResponse.h"

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace aisbf::api {

/**
 * One admin API call in flight. Emits finished() exactly once (also after abort()) and deletes
 * itself afterwards.
 */
class ApiCall : public QObject
{
    Q_OBJECT

public:
    explicit ApiCall(QNetworkReply *reply, QObject *parent = nullptr);
    ~ApiCall() override;

    /** Cancels the call; finished() still comes, with a network error "cancelled". */
    void abort();

Q_SIGNALS:
    void finished(const aisbf::api::ApiResponse &response);

private:
    void onFinished();

    QPointer<QNetworkReply> m_reply;
    bool m_done = false;
};

/**
 * An asynchronous client of a gateway's admin API (and of its OpenAI endpoints, for the
 * playground): base URL + bearer token over one QNetworkAccessManager. Nothing blocks; every
 * call answers through ApiCall::finished or a callback, with errors as values (ApiError).
 */
class AdminClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ApiResponse &)>;
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit AdminClient(QObject *parent = nullptr);
    ~AdminClient() override;

    /** "http://127.0.0.1:17765" (a trailing slash is dropped). */
    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    /** Sent as "Authorization: Bearer <token>"; empty sends no header. */
    void setToken(const QString &token) { m_token = token; }
    QString token() const { return m_token; }
    /** Per-call timeout without progress, milliseconds (default 15 s). */
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    /** The URL of @p path ("/api/admin/state") under the base URL, with @p query. */
    QUrl urlFor(const QString &path, const QUrlQuery &query = {}) const;
    /** A request to @p path with the bearer header and JSON content type. */
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}) const;

    ApiCall *get(const QString &path, const QUrlQuery &query = {});
    ApiCall *post(const QString &path, const QJsonValue &body);
    ApiCall *put(const QString &path, const QJsonValue &body, const QUrlQuery &query = {});
    ApiCall *patch(const QString &path, const QJsonValue &body);
    ApiCall *deleteResource(const QString &path);
    /** Any method; @p body is sent as JSON unless undefined; @p headers added to the request. */
    ApiCall *send(const QByteArray &method, const QString &path, const QJsonValue &body = {},
                  const QUrlQuery &query = {}, const Headers &headers = {});

    /** Calls @p done with the response unless @p context is gone by then. */
    void call(const QByteArray &method, const QString &path, const QJsonValue &body,
              QObject *context, Callback done, const Headers &headers = {});

    /** POST /api/admin/login {username,password}; the answer holds {token, expires_at}. */
    ApiCall *login(const QString &username, const QString &password);

    /**
     * A raw reply for streamed answers (SSE): the caller reads it as bytes arrive and owns it.
     * No transfer timeout unless @p idleTimeoutMs > 0.
     */
    QNetworkReply *openStream(const QByteArray &method, const QString &path,
                              const QJsonValue &body = {}, int idleTimeoutMs = 0);

    QNetworkAccessManager *network() const { return m_network; }

Q_SIGNALS:
    /** Any call that could not reach the gateway (the app shows "disconnected"). */
    void unreachable(const aisbf::api::ApiError &error);
    /** Any call answered 401 (token expired or revoked). */
    void unauthorized(const aisbf::api::ApiError &error);

private:
    QNetworkAccessManager *m_network;
    QUrl m_baseUrl;
    QString m_token;
    int m_timeoutMs = 15000;
};

/** Turns a finished QNetworkReply into an ApiResponse (used by ApiCall and stream readers). */
ApiResponse responseFromReply(QNetworkReply *reply);

} // namespace aisbf::api
