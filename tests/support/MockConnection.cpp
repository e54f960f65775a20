// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockConnection.h"

#include "MockRequestParser.h"
#include "MockUpstream.h"

#include <QTcpSocket>

#include <sys/socket.h>

namespace aisbf::test {

MockConnection::MockConnection(MockUpstream *server, QTcpSocket *socket, quint64 id)
    : QObject(server), m_server(server), m_socket(socket), m_id(id)
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &MockConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &MockConnection::onDisconnected);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

MockConnection::~MockConnection()
{
    m_socket->disconnect(this);
}

void MockConnection::onReadyRead()
{
    m_in += m_socket->readAll();
    if (m_state == State::Idle)
        processBuffer();
}

void MockConnection::onDisconnected()
{
    const bool inProgress =
        m_state == State::Delaying || m_state == State::Streaming || m_state == State::Silent;
    m_state = State::Closing;
    ++m_token;
    if (inProgress)
        m_server->noteClientAbort();
    m_server->connectionClosed(m_id);
}

void MockConnection::processBuffer()
{
    while (m_state == State::Idle && !m_in.isEmpty()) {
        RecordedRequest request;
        const ParseOutcome outcome = parseRequest(m_in, request);
        if (outcome.kind == ParseOutcome::NeedMore) {
            if (outcome.expectContinue && !m_continueSent) {
                m_continueSent = true;
                send("HTTP/1.1 100 Continue\r\n\r\n");
            }
            return;
        }
        if (outcome.kind == ParseOutcome::Bad) {
            m_state = State::Closing;
            send(payloads::response(outcome.status, "application/json",
                                    payloads::errorBody(outcome.status, "malformed request"),
                                    true));
            m_socket->disconnectFromHost();
            return;
        }
        m_in.remove(0, outcome.consumed);
        m_continueSent = false;
        request.atMs = m_server->nowMs();
        handle(request);
    }
}

void MockConnection::handle(const RecordedRequest &request)
{
    m_request = request;
    m_keepAlive = wantsKeepAlive(request);
    m_sequence = m_server->record(request);
    m_fault = m_server->takeFault(request.path);
    const FaultParams &p = m_fault.params;

    switch (m_fault.fault) {
    case Fault::Status:
    case Fault::TooManyRequests: {
        const bool limited = m_fault.fault == Fault::TooManyRequests;
        const int status = limited ? 429 : p.status;
        const QByteArray body = !p.body.isEmpty()
                                    ? p.body
                                    : dialectErrorBody(dialectOf(request), status,
                                                       limited ? "mock rate limit" : "mock fault");
        const QByteArray extra =
            limited ? "Retry-After: " + QByteArray::number(p.retryAfterS) + "\r\n" : QByteArray();
        send(payloads::response(status, "application/json", body, !m_keepAlive, extra));
        finish();
        break;
    }
    case Fault::Hang:
        m_state = State::Silent;
        break;
    case Fault::ResetBeforeResponse:
        reset();
        break;
    case Fault::Garbage:
        m_state = State::Closing;
        send(QByteArray("\x00\xff\xfe garbage, not HTTP \x01\x02\r\n\r\n", 28));
        m_socket->disconnectFromHost();
        break;
    case Fault::SlowFirstByte:
        m_state = State::Delaying;
        scheduleWake(m_server->nowUs() + qint64(qMax(0, p.delayMs)) * 1000);
        break;
    default:
        respond();
        break;
    }
    m_server->noteRequestHandled();
}

void MockConnection::respond()
{
    RouteResult result = route(m_server->config(), m_request, !m_keepAlive, m_sequence);
    if (result.stream) {
        startStream(*result.stream);
        return;
    }
    if (m_fault.fault == Fault::ResetMidStream || m_fault.fault == Fault::StallMidStream ||
        m_fault.fault == Fault::MalformedChunk) {
        respondPartially(result.immediate);
        return;
    }
    send(result.immediate);
    finish();
}

// Mid-stream faults hit a non-streamed answer too: half a body, or a body that is not JSON.
void MockConnection::respondPartially(const QByteArray &response)
{
    const qsizetype bodyStart = response.indexOf("\r\n\r\n") + 4;
    if (m_fault.fault == Fault::MalformedChunk) {
        const QByteArray bad = "{not json";
        send(payloads::response(200, "application/json", bad, !m_keepAlive));
        finish();
        return;
    }
    send(response.left(bodyStart + (response.size() - bodyStart) / 2));
    if (m_fault.fault == Fault::ResetMidStream)
        reset();
    else
        m_state = State::Silent;
}

void MockConnection::startStream(const StreamPlan &plan)
{
    m_plan = plan;
    m_count = m_plan.count();
    m_sent = 0;
    m_state = State::Streaming;
    m_nextDueUs = m_server->nowUs();
    m_socket->write(payloads::streamHead(!m_keepAlive, m_plan.contentType()));
    streamStep();
}

void MockConnection::streamStep()
{
    const qint64 now = m_server->nowUs();
    const bool cutting = m_fault.fault == Fault::ResetMidStream ||
                         m_fault.fault == Fault::StallMidStream ||
                         m_fault.fault == Fault::MalformedChunk;
    // Send every event that is due (catching up if the loop was late), then sleep until the next.
    while (m_state == State::Streaming) {
        if (cutting && m_sent == m_fault.params.afterChunks) {
            if (m_fault.fault == Fault::ResetMidStream) {
                m_socket->flush();
                reset();
                return;
            }
            if (m_fault.fault == Fault::StallMidStream) {
                m_state = State::Silent;
                break;
            }
            // The malformed event, then a clean end of the HTTP body without the stream's end.
            m_socket->write(payloads::httpChunk(m_plan.malformed()) + "0\r\n\r\n");
            finish();
            break;
        }
        if (m_sent == m_count) {
            m_socket->write(m_plan.tail());
            finish();
            break;
        }
        m_socket->write(payloads::httpChunk(m_plan.event(m_sent++)));
        if (m_sent < m_count && m_plan.intervalMs > 0 && m_plan.pausesAfter(m_sent - 1)) {
            m_nextDueUs += qint64(m_plan.intervalMs) * 1000;
            if (m_nextDueUs > now) {
                scheduleWake(m_nextDueUs);
                break;
            }
        }
    }
    m_socket->flush();
}

void MockConnection::wake(quint64 token)
{
    if (token != m_token)
        return;
    if (m_state == State::Delaying) {
        m_state = State::Idle; // respond() sets the real state
        respond();
    } else if (m_state == State::Streaming) {
        streamStep();
    }
    // Requests pipelined behind the one just finished.
    if (m_state == State::Idle)
        processBuffer();
}

void MockConnection::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
    m_socket->flush();
}

void MockConnection::finish()
{
    ++m_token;
    if (m_keepAlive) {
        m_state = State::Idle;
        return;
    }
    m_state = State::Closing;
    m_socket->disconnectFromHost();
}

void MockConnection::reset()
{
    // SO_LINGER {on, 0} turns close() into a TCP RST, which is what "connection reset" means.
    m_state = State::Closing;
    ++m_token;
    const linger hard{1, 0};
    ::setsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    m_socket->abort();
}

void MockConnection::scheduleWake(qint64 dueUs)
{
    m_server->scheduleWake(m_id, ++m_token, dueUs);
}

} // namespace aisbf::test
