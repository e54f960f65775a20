// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTcpSocket>

#include <chrono>

namespace aisbf::http {

struct ClientLimits
{
    qint64 maxBodyBytes = 16 * 1024 * 1024;
    int requestTimeoutMs = 30'000;   ///< a request must arrive completely within this
    int keepAliveTimeoutMs = 75'000; ///< an idle connection is closed after this
};

/**
 * A client connection with the bookkeeping QtHttpServer 6.4 lacks: it sees bytes before the
 * server's parser does (its readyRead slot is connected first), so it can refuse an oversized
 * body from the Content-Length header alone, and it knows when a request is half-received or
 * the connection idle, so a sweep can time out stalled and idle clients.
 */
class GatewaySocket : public QTcpSocket
{
    Q_OBJECT

public:
    using Clock = std::chrono::steady_clock;

    GatewaySocket(const ClientLimits &limits, QObject *parent = nullptr);

    /** The server parsed a complete request on this connection. */
    void requestArrived();
    /** A response on this connection ended; closes it if the client or a drain asked to. */
    void responseFinished(bool close);
    bool isRejected() const { return m_rejected; }
    int activeResponses() const { return m_activeResponses; }

    /** Called by the server's sweep: closes the connection if it stalled or idled too long. */
    void sweep(Clock::time_point now, bool draining);

private:
    void onBytesArrived();
    void checkWriteStall(Clock::time_point now);
    void reject(int status, const QByteArray &code, const QByteArray &message);

    const ClientLimits &m_limits;
    Clock::time_point m_requestStart{};
    Clock::time_point m_lastActivity{};
    QByteArray m_head; ///< the request head so far, while it arrives in pieces
    bool m_inRequest = false;
    bool m_headChecked = false;
    bool m_rejected = false;
    int m_activeResponses = 0;
    qint64 m_unsentAtLastSweep = 0;
    Clock::time_point m_writeStallSince{};
};

} // namespace aisbf::http
