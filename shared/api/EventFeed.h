// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "SseEventReader.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <QNetworkReply>
class QTimer;

namespace aisbf::api {

class AdminClient;

/**
 * The gateway's live event feed (GET /api/admin/events, text/event-stream) as signals. When the
 * stream ends or fails it reconnects with exponential backoff (1 s, 2 s, 4 s … 30 s); a stream
 * silent for longer than the idle timeout (keep-alives come every 15 s) counts as dead.
 */
class EventFeed : public QObject
{
    Q_OBJECT

public:
    explicit EventFeed(AdminClient *client, QObject *parent = nullptr);
    ~EventFeed() override;

    void start();
    void stop();
    bool isConnected() const { return m_connected; }
    bool isRunning() const { return m_running; }
    /** The delay before the next reconnect, ms (for display and tests). */
    int nextRetryMs() const { return m_backoffMs; }
    void setBackoffLimits(int firstMs, int maxMs);
    void setIdleTimeoutMs(int ms) { m_idleTimeoutMs = ms; }

Q_SIGNALS:
    /** One event: @p type is "request", "cooldown", "config", "stats" (or anything new). */
    void eventReceived(const QString &type, const QJsonObject &data);
    void connectedChanged(bool connected);
    /** The stream failed or ended; @p reason says why, a reconnect is scheduled. */
    void disconnected(const QString &reason);

private:
    void open();
    void onReadyRead();
    void onFinished();
    void setConnected(bool connected);
    void scheduleRetry();

    AdminClient *m_client;
    QPointer<QNetworkReply> m_reply;
    SseEventReader m_reader;
    QTimer *m_retry;
    bool m_running = false;
    bool m_connected = false;
    int m_firstBackoffMs = 1000;
    int m_maxBackoffMs = 30000;
    int m_backoffMs = 1000;
    int m_idleTimeoutMs = 45000;
};

} // namespace aisbf::api
