// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RequestParser.h"

#include <QTcpSocket>

#include <chrono>

namespace aisbf::http {

class GatewaySocket;

struct ClientLimits
{
    qint64 maxBodyBytes = 16 * 1024 * 1024;
    int requestTimeoutMs = 30'000;   ///< a request must arrive completely within this
    int keepAliveTimeoutMs = 75'000; ///< an idle connection is closed after this
};

/** Where a connection hands each complete request. */
class RequestSink
{
public:
    virtual ~RequestSink() = default;
    /** Answer through a ClientResponse on @p socket; it calls responseFinished() when done. */
    virtual void handleRequest(const Request &request, GatewaySocket *socket) = 0;
};

/**
 * A client connection: parses its requests (RequestParser) and hands them to the sink one at
 * a time, in order; a pipelined request waits in the socket's buffer until the answer before
 * it is finished. Refuses oversized or chunked bodies from the head alone, and knows when a
 * request is half-received or the connection idle, so a sweep can time out stalled and idle
 * clients.
 */
class GatewaySocket : public QTcpSocket
{
    Q_OBJECT

public:
    using Clock = std::chrono::steady_clock;

    GatewaySocket(const ClientLimits &limits, RequestSink &sink, QObject *parent = nullptr);

    /** The last request allows another on this connection (HTTP/1.1 without "close"). */
    bool keepAlive() const { return m_keepAlive; }
    /** A response on this connection ended; closes it if the client or a drain asked to. */
    void responseFinished(bool close);
    int activeResponses() const { return m_activeResponses; }

    /** Called by the server's sweep: closes the connection if it stalled or idled too long. */
    void sweep(Clock::time_point now, bool draining);

private:
    void onBytesArrived();
    /** Parses what has arrived and dispatches complete requests while none is being answered. */
    void processInput();
    void checkWriteStall(Clock::time_point now);
    void reject(int status, const QByteArray &code, const QByteArray &message);

    const ClientLimits &m_limits;
    RequestSink &m_sink;
    RequestParser m_parser;
    QByteArray m_input; ///< read off the socket, not yet parsed (the start of a pipelined request)
    Clock::time_point m_requestStart{};
    Clock::time_point m_lastActivity{};
    bool m_keepAlive = true;
    bool m_dispatching = false;
    bool m_rejected = false;
    int m_activeResponses = 0;
    qint64 m_unsentAtLastSweep = 0;
    Clock::time_point m_writeStallSince{};
};

} // namespace aisbf::http
