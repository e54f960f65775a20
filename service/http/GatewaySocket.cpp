// SPDX-License-Identifier: GPL-3.0-or-later
#include "GatewaySocket.h"

#include "HttpResponse.h"

#include <protocol/OpenAiError.h>

namespace aisbf::http {

namespace {

// What a pipelining client may queue behind a request being answered before it is cut off.
constexpr qint64 kMaxQueuedHeadBytes = 64 * 1024;

} // namespace

GatewaySocket::GatewaySocket(const ClientLimits &limits, RequestSink &sink, QObject *parent)
    : QTcpSocket(parent), m_limits(limits), m_sink(sink), m_parser(limits.maxBodyBytes),
      m_lastActivity(Clock::now())
{
    connect(this, &QTcpSocket::readyRead, this, &GatewaySocket::onBytesArrived);
}

void GatewaySocket::onBytesArrived()
{
    m_lastActivity = Clock::now();
    if (m_rejected) {
        skip(bytesAvailable()); // whatever else the client sends is not read
        return;
    }
    if (m_activeResponses > 0) {
        // A pipelined request: it stays in the socket's buffer until the answer before it ends.
        if (bytesAvailable() > m_limits.maxBodyBytes + kMaxQueuedHeadBytes)
            abort();
        return;
    }
    processInput();
}

void GatewaySocket::processInput()
{
    if (m_dispatching)
        return; // an answer sent from inside handleRequest(): the loop below goes on
    m_dispatching = true;
    while (m_activeResponses == 0 && !m_rejected && state() == ConnectedState) {
        if (m_input.isEmpty()) {
            m_input = readAll();
            if (m_input.isEmpty())
                break;
        }
        if (m_parser.state() == RequestParser::State::Idle)
            m_requestStart = m_lastActivity;
        const qsizetype used = m_parser.feed(m_input.constData(), m_input.size());
        if (used == m_input.size())
            m_input.clear();
        else
            m_input.remove(0, used);
        if (m_parser.takeContinueDue())
            write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));

        switch (m_parser.state()) {
        case RequestParser::State::Rejected: {
            const RequestParser::Rejection &why = m_parser.rejection();
            reject(why.status, why.code, why.message);
            break;
        }
        case RequestParser::State::Complete: {
            const Request request = m_parser.takeRequest();
            m_keepAlive = m_parser.keepAlive();
            ++m_activeResponses;
            m_sink.handleRequest(request, this);
            break;
        }
        case RequestParser::State::Idle:
        case RequestParser::State::Partial:
            break; // used everything: read more
        }
    }
    m_dispatching = false;
}

void GatewaySocket::reject(int status, const QByteArray &code, const QByteArray &message)
{
    m_rejected = true;
    protocol::OpenAiError error;
    error.status = status;
    error.message = QString::fromUtf8(message);
    error.code = code;
    write(buildResponse(status, {{"Connection", "close"}}, "application/json", error.toJson()));
    m_input.clear();
    skip(bytesAvailable());
    disconnectFromHost();
}

void GatewaySocket::checkWriteStall(Clock::time_point now)
{
    // A client that stops reading makes the response's unsent bytes pile up here, in memory,
    // while the upstream keeps streaming. Too much queued, or a queue that has not shrunk for
    // the client timeout: close it, which cancels the upstream like any disconnect.
    constexpr qint64 kMaxUnsentBytes = 16 * 1024 * 1024;
    const qint64 pending = bytesToWrite();
    if (m_unsentAtLastSweep == 0 || pending < m_unsentAtLastSweep) {
        m_unsentAtLastSweep = pending; // new backlog, or it shrank: the client is reading
        m_writeStallSince = now;
        return;
    }
    m_unsentAtLastSweep = pending;
    if (pending > kMaxUnsentBytes ||
        now - m_writeStallSince > std::chrono::milliseconds(m_limits.requestTimeoutMs))
        abort();
}

void GatewaySocket::responseFinished(bool close)
{
    --m_activeResponses;
    m_lastActivity = Clock::now();
    if (close || !m_keepAlive) {
        if (m_activeResponses == 0)
            disconnectFromHost();
        return;
    }
    // A pipelined request may be waiting: parse it on the next pass of the loop, not from
    // inside the code that finished this answer.
    if (m_activeResponses == 0 && !m_dispatching && (!m_input.isEmpty() || bytesAvailable() > 0))
        QMetaObject::invokeMethod(this, &GatewaySocket::processInput, Qt::QueuedConnection);
}

void GatewaySocket::sweep(Clock::time_point now, bool draining)
{
    if (state() != ConnectedState)
        return;
    if (bytesToWrite() > 0) {
        checkWriteStall(now);
        return;
    }
    m_unsentAtLastSweep = 0;
    if (m_activeResponses > 0)
        return;
    using std::chrono::milliseconds;
    if (m_parser.state() == RequestParser::State::Partial && !m_rejected) {
        if (now - m_requestStart > milliseconds(m_limits.requestTimeoutMs))
            reject(408, "request_timeout",
                   QByteArrayLiteral("the request did not arrive in time (limits.client_timeout)"));
        return;
    }
    if (draining || now - m_lastActivity > milliseconds(m_limits.keepAliveTimeoutMs))
        disconnectFromHost();
}

} // namespace aisbf::http
