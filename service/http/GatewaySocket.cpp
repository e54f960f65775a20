// SPDX-License-Identifier: GPL-3.0-or-later
#include "GatewaySocket.h"

#include "HttpResponse.h"

#include <protocol/OpenAiError.h>

namespace aisbf::http {

namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024;

// Content-Length of a request head, -1 when absent, -2 for a chunked body.
qint64 declaredBodyLength(QByteArrayView head)
{
    qint64 length = -1;
    while (!head.isEmpty()) {
        const qsizetype end = head.indexOf('\n');
        QByteArrayView line = end < 0 ? head : head.first(end);
        head = end < 0 ? QByteArrayView() : head.sliced(end + 1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok)
                return -1;
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0 &&
                   value.contains("chunked")) {
            return -2;
        }
    }
    return length;
}

} // namespace

GatewaySocket::GatewaySocket(const ClientLimits &limits, QObject *parent)
    : QTcpSocket(parent), m_limits(limits), m_lastActivity(Clock::now())
{
    connect(this, &QTcpSocket::readyRead, this, &GatewaySocket::onBytesArrived);
}

void GatewaySocket::onBytesArrived()
{
    m_lastActivity = Clock::now();
    if (m_rejected) {
        // Discard whatever else the client sends; the server's parser must not see it.
        if (isTransactionStarted())
            commitTransaction();
        skip(bytesAvailable());
        return;
    }
    if (!m_inRequest) {
        m_inRequest = true;
        m_requestStart = m_lastActivity;
        m_headChecked = false;
        m_head.clear();
    }
    if (m_headChecked)
        return;
    // The head may arrive over several reads. The server's parser reads every byte inside a
    // transaction right after this slot, so peek() here sees exactly the bytes it has not read
    // yet: the new ones. Collect them until the head is complete.
    m_head += peek(qMin(bytesAvailable(), kMaxHeadBytes - m_head.size()));
    const qsizetype headEnd = m_head.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        m_headChecked = m_head.size() >= kMaxHeadBytes; // oversized: the timeout bounds it
        return;
    }
    m_headChecked = true;
    const qint64 length = declaredBodyLength(QByteArrayView(m_head).first(headEnd));
    m_head.clear();
    if (length == -2) {
        reject(411, "length_required",
               QByteArrayLiteral("chunked request bodies are not accepted; send Content-Length"));
    } else if (length > m_limits.maxBodyBytes) {
        reject(413, "request_too_large",
               "request body of " + QByteArray::number(length) + " bytes exceeds the limit of " +
                   QByteArray::number(m_limits.maxBodyBytes) +
                   " bytes (limits.max_body_bytes in aisbf.json)");
    }
}

void GatewaySocket::reject(int status, const QByteArray &code, const QByteArray &message)
{
    m_rejected = true;
    protocol::OpenAiError error;
    error.status = status;
    error.message = QString::fromUtf8(message);
    error.code = code;
    write(buildResponse(status, {{"Connection", "close"}}, "application/json", error.toJson()));
    if (isTransactionStarted())
        commitTransaction();
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

void GatewaySocket::requestArrived()
{
    m_inRequest = false;
    ++m_activeResponses;
}

void GatewaySocket::responseFinished(bool close)
{
    --m_activeResponses;
    m_lastActivity = Clock::now();
    if (close && m_activeResponses == 0)
        disconnectFromHost();
    else if (bytesAvailable() > 0 && !m_inRequest)
        onBytesArrived(); // a pipelined request was already buffered: account for it
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
    if (m_inRequest && !m_rejected) {
        if (now - m_requestStart > milliseconds(m_limits.requestTimeoutMs))
            reject(408, "request_timeout",
                   QByteArrayLiteral("the request did not arrive in time (limits.client_timeout)"));
        return;
    }
    if (draining || now - m_lastActivity > milliseconds(m_limits.keepAliveTimeoutMs))
        disconnectFromHost();
}

} // namespace aisbf::http
