// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "http/ClientResponse.h"

#include <QBasicTimer>
#include <QJsonObject>
#include <QObject>

#include <memory>
#include <vector>

namespace aisbf::live {

/**
 * The admin SSE feed (GET /api/admin/events): each subscriber is a chunked text/event-stream
 * response kept open. Publishing costs nothing while nobody listens, so the request path asks
 * hasSubscribers() before building an event. A comment line every 15 s keeps proxies from
 * timing the stream out and finds clients that went away.
 */
class EventHub : public QObject
{
    Q_OBJECT

public:
    explicit EventHub(QObject *parent = nullptr);
    ~EventHub() override;

    /** Starts the stream on @p response and keeps it until the client goes or closeAll(). */
    void subscribe(http::ClientResponse &&response);
    bool hasSubscribers() const { return !m_subscribers.empty(); }
    int subscriberCount() const { return int(m_subscribers.size()); }
    /** "event: <event>\ndata: <json>\n\n" to every subscriber. */
    void publish(const char *event, const QJsonObject &data);
    /** Ends every stream cleanly (drain, shutdown). */
    void closeAll();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void send(const QByteArray &bytes);

    std::vector<std::unique_ptr<http::ClientResponse>> m_subscribers;
    QBasicTimer m_keepAlive;
};

} // namespace aisbf::live
