// SPDX-License-Identifier: GPL-3.0-or-later
#include "AdminClient.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace aisbf::api {

namespace {

QByteArray jsonBytes(const QJsonValue &body)
{
    if (body.isObject())
        return QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    if (body.isArray())
        return QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
    return {};
}

QString networkMessage(QNetworkReply *reply)
{
    const QString where = reply->url().adjusted(QUrl::RemoveQuery).toString();
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused by %1: is the gateway running?").arg(where);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host not found: %1; check the gateway URL").arg(where);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("no answer from %1 in time (timed out or cancelled)").arg(where);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS handshake with %1 failed: %2").arg(where, reply->errorString());
    default:
        return QStringLiteral("cannot reach %1: %2").arg(where, reply->errorString());
    }
}

} // namespace

ApiResponse responseFromReply(QNetworkReply *reply)
{
    ApiResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    // An aborted or timed-out reply is closed: nothing to read.
    response.body = reply->isOpen() ? reply->readAll() : QByteArray();
    response.headers = reply->rawHeaderPairs();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &parseError);
    if (parseError.error == QJsonParseError::NoError) {
        if (doc.isObject())
            response.json = doc.object();
        else if (doc.isArray())
            response.json = doc.array();
    }
    if (response.status == 0) {
        response.failed = true;
        response.error.status = 0;
        response.error.type = QStringLiteral("network_error");
        response.error.message = networkMessage(reply);
    } else if (response.status >= 400) {
        response.failed = true;
        response.error = errorFromAnswer(response.status, response.body);
    }
    return response;
}

ApiCall::ApiCall(QNetworkReply *reply, QObject *parent) : QObject(parent), m_reply(reply)
{
    connect(reply, &QNetworkReply::finished, this, &ApiCall::onFinished);
}

ApiCall::~ApiCall()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void ApiCall::abort()
{
    if (m_reply && !m_done)
        m_reply->abort(); // finished() follows synchronously
}

void ApiCall::onFinished()
{
    if (m_done)
        return;
    m_done = true;
    const ApiResponse response = responseFromReply(m_reply);
    m_reply->deleteLater();
    m_reply = nullptr;
    Q_EMIT finished(response);
    deleteLater();
}

AdminClient::AdminClient(QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

AdminClient::~AdminClient() = default;

void AdminClient::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url.adjusted(QUrl::StripTrailingSlash);
}

QUrl AdminClient::urlFor(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_baseUrl;
    url.setPath(m_baseUrl.path() + path);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

QNetworkRequest AdminClient::request(const QString &path, const QUrlQuery &query) const
{
    QNetworkRequest request(urlFor(path, query));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    request.setTransferTimeout(m_timeoutMs);
    return request;
}

ApiCall *AdminClient::get(const QString &path, const QUrlQuery &query)
{
    return send("GET", path, {}, query);
}

ApiCall *AdminClient::post(const QString &path, const QJsonValue &body)
{
    return send("POST", path, body);
}

ApiCall *AdminClient::put(const QString &path, const QJsonValue &body, const QUrlQuery &query)
{
    return send("PUT", path, body, query);
}

ApiCall *AdminClient::patch(const QString &path, const QJsonValue &body)
{
    return send("PATCH", path, body);
}

ApiCall *AdminClient::deleteResource(const QString &path)
{
    return send("DELETE", path);
}

ApiCall *AdminClient::send(const QByteArray &method, const QString &path, const QJsonValue &body,
                           const QUrlQuery &query, const Headers &headers)
{
    QNetworkRequest req = request(path, query);
    for (const auto &[name, value] : headers)
        req.setRawHeader(name, value);
    const QByteArray bytes = jsonBytes(body);
    QNetworkReply *reply =
        bytes.isEmpty() && method != "POST" && method != "PUT" && method != "PATCH"
            ? m_network->sendCustomRequest(req, method)
            : m_network->sendCustomRequest(req, method, bytes);
    auto *call = new ApiCall(reply, this);
    connect(call, &ApiCall::finished, this, [this](const ApiResponse &response) {
        if (response.failed && response.error.isNetwork())
            Q_EMIT unreachable(response.error);
        else if (response.status == 401)
            Q_EMIT unauthorized(response.error);
    });
    return call;
}

void AdminClient::call(const QByteArray &method, const QString &path, const QJsonValue &body,
                       QObject *context, Callback done, const Headers &headers)
{
    ApiCall *c = send(method, path, body, {}, headers);
    connect(c, &ApiCall::finished, context ? context : this,
            [done = std::move(done)](const ApiResponse &response) { done(response); });
}

ApiCall *AdminClient::login(const QString &username, const QString &password)
{
    QJsonObject body{{QStringLiteral("username"), username},
                     {QStringLiteral("password"), password}};
    return post(QStringLiteral("/api/admin/login"), body);
}

QNetworkReply *AdminClient::openStream(const QByteArray &method, const QString &path,
                                       const QJsonValue &body, int idleTimeoutMs)
{
    QNetworkRequest req = request(path);
    req.setRawHeader("Accept", "text/event-stream");
    req.setTransferTimeout(qMax(0, idleTimeoutMs));
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    const QByteArray bytes = jsonBytes(body);
    if (method == "GET")
        return m_network->get(req);
    return m_network->sendCustomRequest(req, method, bytes);
}

} // namespace aisbf::api
