// SPDX-License-Identifier: GPL-3.0-or-later
#include "EventFeed.h"

#include "AdminClient.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>

namespace aisbf::api {

EventFeed::EventFeed(AdminClient *client, QObject *parent)
    : QObject(parent), m_client(client), m_retry(new QTimer(this))
{
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &EventFeed::open);
}

EventFeed::~EventFeed()
{
    stop();
}

void EventFeed::setBackoffLimits(int firstMs, int maxMs)
{
    m_firstBackoffMs = qMax(1, firstMs);
    m_maxBackoffMs = qMax(m_firstBackoffMs, maxMs);
    m_backoffMs = m_firstBackoffMs;
}

void EventFeed::start()
{
    if (m_running)
        return;
    m_running = true;
    m_backoffMs = m_firstBackoffMs;
    open();
}

void EventFeed::stop()
{
    m_running = false;
    m_retry->stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    setConnected(false);
}

void EventFeed::open()
{
    if (!m_running || m_reply)
        return;
    m_reader.reset();
    m_reply = m_client->openStream("GET", QStringLiteral("/api/admin/events"), {}, m_idleTimeoutMs);
    connect(m_reply, &QNetworkReply::readyRead, this, &EventFeed::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &EventFeed::onFinished);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            m_backoffMs = m_firstBackoffMs;
            setConnected(true);
        }
    });
}

void EventFeed::onReadyRead()
{
    if (!m_reply)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // an error body; onFinished reports it
    const auto events = m_reader.feed(m_reply->readAll());
    for (const auto &event : events) {
        const QJsonObject data = QJsonDocument::fromJson(event.data).object();
        Q_EMIT eventReceived(QString::fromUtf8(event.name), data);
    }
}

void EventFeed::onFinished()
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    if (!reply)
        return;
    QString reason;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError && status == 0)
        reason = reply->errorString();
    else if (status != 200)
        reason = errorFromAnswer(status, reply->readAll()).toString();
    else
        reason = QStringLiteral("the event stream ended");
    reply->deleteLater();
    setConnected(false);
    if (!m_running)
        return;
    Q_EMIT disconnected(reason);
    scheduleRetry();
}

void EventFeed::setConnected(bool connected)
{
    if (m_connected == connected)
        return;
    m_connected = connected;
    Q_EMIT connectedChanged(connected);
}

void EventFeed::scheduleRetry()
{
    m_retry->start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, m_maxBackoffMs);
}

} // namespace aisbf::api
