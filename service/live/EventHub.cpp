// SPDX-License-Identifier: GPL-3.0-or-later
#include "EventHub.h"

#include <QJsonDocument>
#include <QTimerEvent>

#include <algorithm>

namespace aisbf::live {

namespace {
constexpr int kKeepAliveMs = 15'000;
}

EventHub::EventHub(QObject *parent) : QObject(parent) {}

EventHub::~EventHub()
{
    closeAll();
}

void EventHub::subscribe(http::ClientResponse &&response)
{
    response.beginStream(200, "text/event-stream");
    response.streamChunk(QByteArrayLiteral("retry: 3000\n: aisbf events\n\n"));
    if (response.isFinished())
        return;
    m_subscribers.push_back(std::make_unique<http::ClientResponse>(std::move(response)));
    if (!m_keepAlive.isActive())
        m_keepAlive.start(kKeepAliveMs, this);
}

void EventHub::publish(const char *event, const QJsonObject &data)
{
    if (m_subscribers.empty())
        return;
    QByteArray bytes = QByteArrayLiteral("event: ");
    bytes += event;
    bytes += QByteArrayLiteral("\ndata: ");
    bytes += QJsonDocument(data).toJson(QJsonDocument::Compact);
    bytes += QByteArrayLiteral("\n\n");
    send(bytes);
}

void EventHub::send(const QByteArray &bytes)
{
    for (const auto &subscriber : m_subscribers) {
        if (!subscriber->clientGone())
            subscriber->streamChunk(bytes);
    }
    // A client that went away is logged (abandon) and dropped.
    const auto gone = std::remove_if(m_subscribers.begin(), m_subscribers.end(),
                                     [](const std::unique_ptr<http::ClientResponse> &s) {
                                         if (!s->clientGone() && !s->isFinished())
                                             return false;
                                         if (!s->isFinished())
                                             s->abandon(200);
                                         return true;
                                     });
    m_subscribers.erase(gone, m_subscribers.end());
    if (m_subscribers.empty())
        m_keepAlive.stop();
}

void EventHub::closeAll()
{
    for (const auto &subscriber : m_subscribers) {
        if (subscriber->clientGone())
            subscriber->abandon(200);
        else if (!subscriber->isFinished())
            subscriber->endStream();
    }
    m_subscribers.clear();
    m_keepAlive.stop();
}

void EventHub::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_keepAlive.timerId())
        return QObject::timerEvent(event);
    send(QByteArrayLiteral(": keep-alive\n\n"));
}

} // namespace aisbf::live
