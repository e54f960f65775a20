// SPDX-License-Identifier: GPL-3.0-or-later
#include "PlaygroundModel.h"

#include <api/AdminClient.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>

namespace aisbf::app {

PlaygroundModel::PlaygroundModel(api::AdminClient *client, QObject *parent)
    : QObject(parent), m_client(client)
{}

PlaygroundModel::~PlaygroundModel()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void PlaygroundModel::refreshRoutes()
{
    if (!m_client || m_loading)
        return;
    m_loading = true;
    Q_EMIT loadingChanged();
    m_client->call("GET", QStringLiteral("/api/v1/models"), {}, this,
                   [this](const api::ApiResponse &r) {
                       QStringList routes;
                       const QJsonArray data = r.object().value(QLatin1String("data")).toArray();
                       for (const QJsonValue &v : data)
                           routes.append(v.toObject().value(QLatin1String("id")).toString());
                       // Rotations first (what operators test most), then provider models;
                       // autoselects last, since the gateway answers them 501 until autoselect
                       // routing lands.
                       const auto rank = [](const QString &id) {
                           if (id.startsWith(QLatin1String("rotation/")))
                               return 0;
                           return id.startsWith(QLatin1String("autoselect/")) ? 2 : 1;
                       };
                       std::stable_sort(routes.begin(), routes.end(),
                                        [&rank](const QString &a, const QString &b) {
                                            const int ra = rank(a);
                                            const int rb = rank(b);
                                            return ra != rb ? ra < rb : a < b;
                                        });
                       if (!r.ok())
                           m_errorString = r.error.message;
                       if (routes != m_routes) {
                           m_routes = routes;
                           Q_EMIT routesChanged();
                       }
                       m_loading = false;
                       Q_EMIT loadingChanged();
                       if (!r.ok())
                           Q_EMIT resultChanged();
                   });
}

void PlaygroundModel::send(const QString &route, const QString &prompt, const QString &systemPrompt,
                           int maxTokens)
{
    if (!m_client)
        return;
    stop();
    QJsonArray messages;
    if (!systemPrompt.trimmed().isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                    {QStringLiteral("content"), systemPrompt}});
    messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), prompt}});
    QJsonObject body{{QStringLiteral("model"), route},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true}};
    if (maxTokens > 0)
        body.insert(QStringLiteral("max_tokens"), maxTokens);

    m_output.clear();
    m_errorString.clear();
    m_provider.clear();
    m_model.clear();
    m_failover.clear();
    m_status = 0;
    m_chunks = 0;
    m_firstTokenMs = m_totalMs = -1;
    m_parser = {};
    m_clock.start();
    m_reply =
        m_client->openStream("POST", QStringLiteral("/api/v1/chat/completions"), body, 300000);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &PlaygroundModel::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &PlaygroundModel::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &PlaygroundModel::onFinished);
    Q_EMIT outputChanged();
    Q_EMIT resultChanged();
    Q_EMIT streamingChanged();
}

void PlaygroundModel::stop()
{
    if (!m_reply)
        return;
    m_errorString = QStringLiteral("stopped");
    m_reply->abort(); // finished() follows and cleans up
}

void PlaygroundModel::onMetaData()
{
    m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_provider = QString::fromUtf8(m_reply->rawHeader("X-AISBF-Provider"));
    m_model = QString::fromUtf8(m_reply->rawHeader("X-AISBF-Model"));
    m_failover = QString::fromUtf8(m_reply->rawHeader("X-AISBF-Failover"));
    Q_EMIT resultChanged();
}

void PlaygroundModel::onReadyRead()
{
    if (m_status != 200)
        return; // an error body: read whole in onFinished
    const auto events = m_parser.feed(m_reply->readAll());
    for (const auto &event : events)
        takeEvent(event.data);
}

void PlaygroundModel::takeEvent(const QByteArray &data)
{
    if (data == "[DONE]")
        return;
    const QJsonObject chunk = QJsonDocument::fromJson(data).object();
    if (chunk.contains(QLatin1String("error"))) {
        m_errorString = chunk.value(QLatin1String("error"))
                            .toObject()
                            .value(QLatin1String("message"))
                            .toString();
        Q_EMIT resultChanged();
        return;
    }
    const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
    QString text;
    for (const QJsonValue &choice : choices) {
        const QJsonObject delta = choice.toObject().value(QLatin1String("delta")).toObject();
        text += delta.value(QLatin1String("content")).toString();
    }
    if (text.isEmpty())
        return;
    if (m_firstTokenMs < 0) {
        m_firstTokenMs = double(m_clock.nsecsElapsed()) / 1e6;
        Q_EMIT resultChanged();
    }
    ++m_chunks;
    m_output += text;
    Q_EMIT outputChanged();
}

void PlaygroundModel::onFinished()
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    if (!reply)
        return;
    if (m_status == 0)
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status >= 400) {
        m_errorString = api::errorFromAnswer(m_status, reply->readAll()).message;
    } else if (m_status == 200) {
        const auto events = m_parser.feed(reply->readAll());
        for (const auto &event : events)
            takeEvent(event.data);
    } else if (m_errorString.isEmpty() && reply->error() != QNetworkReply::NoError) {
        m_errorString = reply->errorString();
    }
    m_totalMs = double(m_clock.nsecsElapsed()) / 1e6;
    reply->deleteLater();
    Q_EMIT resultChanged();
    Q_EMIT streamingChanged();
    Q_EMIT finished();
}

} // namespace aisbf::app
