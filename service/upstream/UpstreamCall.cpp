// SPDX-License-Identifier: GPL-3.0-or-later
#include "UpstreamCall.h"

#include "UpstreamClient.h"

#include <QTimerEvent>

namespace aisbf::upstream {

using Clock = std::chrono::steady_clock;

UpstreamCall::UpstreamCall(UpstreamClient *client, Request request, Listener *listener)
    : m_client(client), m_request(std::move(request)), m_listener(listener)
{}

UpstreamCall::~UpstreamCall()
{
    m_listener = nullptr;
    dropConnection();
}

void UpstreamCall::begin()
{
    attachConnection();
}

void UpstreamCall::attachConnection()
{
    m_connection = m_client->acquire(m_request.origin, &m_reused);
    m_connection->setUser(this);
    if (m_reused) {
        sendRequest();
    } else {
        arm(Phase::Connecting, m_request.timeouts.connectMs);
    }
}

void UpstreamCall::cancel()
{
    m_listener = nullptr;
    m_phase = Phase::Done;
    m_timer.stop();
    dropConnection();
}

void UpstreamCall::pause()
{
    if (m_paused || !m_connection)
        return;
    m_paused = true;
    m_connection->pauseReading();
}

void UpstreamCall::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    m_lastActivity = Clock::now(); // the wait was ours, not the upstream's
    if (m_connection)
        m_connection->resumeReading();
}

void UpstreamCall::dropConnection()
{
    if (!m_connection)
        return;
    // A connection given up mid-exchange cannot carry another request: close it.
    m_connection->abort();
    m_connection->deleteLater();
    m_connection = nullptr;
}

QByteArray UpstreamCall::serialize() const
{
    QByteArray bytes;
    bytes.reserve(256 + m_request.body.size());
    bytes += m_request.method + ' ' + m_request.target +
             " HTTP/1.1\r\nHost: " + m_request.origin.host.toUtf8();
    const bool defaultPort = m_request.origin.port == (m_request.origin.isTls() ? 443 : 80);
    if (!defaultPort)
        bytes += ':' + QByteArray::number(m_request.origin.port);
    bytes += "\r\n";
    for (const auto &[name, value] : m_request.headers)
        bytes += name + ": " + value + "\r\n";
    if (!m_request.body.isEmpty() || m_request.method == "POST")
        bytes += "Content-Length: " + QByteArray::number(m_request.body.size()) + "\r\n";
    bytes += "\r\n";
    bytes += m_request.body;
    return bytes;
}

void UpstreamCall::sendRequest()
{
    arm(Phase::AwaitingHead, m_request.timeouts.firstByteMs);
    m_connection->send(serialize());
}

void UpstreamCall::arm(Phase phase, int timeoutMs)
{
    m_phase = phase;
    m_lastActivity = Clock::now();
    m_timer.start(std::max(1, timeoutMs), this);
}

void UpstreamCall::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId())
        return QObject::timerEvent(event);
    switch (m_phase) {
    case Phase::Connecting:
        fail(Failure::Kind::ConnectTimeout,
             QString::number(m_request.timeouts.connectMs) + QStringLiteral(" ms"));
        return;
    case Phase::AwaitingHead:
        fail(Failure::Kind::FirstByteTimeout,
             QString::number(m_request.timeouts.firstByteMs) + QStringLiteral(" ms"));
        return;
    case Phase::Body: {
        // Re-arming a timer per chunk would cost a timer-list insert each time; instead the
        // timer fires at the earliest possible deadline and checks the last activity.
        const auto idle =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m_lastActivity);
        const int left = m_request.timeouts.idleMs - int(idle.count());
        if (left > 0 || m_paused) {
            if (m_paused)
                m_lastActivity = Clock::now();
            m_timer.start(m_paused ? m_request.timeouts.idleMs : left, this);
            return;
        }
        fail(Failure::Kind::IdleTimeout,
             QString::number(m_request.timeouts.idleMs) + QStringLiteral(" ms without data"));
        return;
    }
    case Phase::Done:
        m_timer.stop();
        return;
    }
}

void UpstreamCall::fail(Failure::Kind kind, const QString &detail)
{
    Listener *listener = m_listener;
    cancel();
    if (listener)
        listener->upstreamFailed({kind, detail});
}

void UpstreamCall::connectionReady()
{
    if (m_phase == Phase::Connecting)
        sendRequest();
}

void UpstreamCall::connectionHead(int status, const HeaderList &headers)
{
    arm(Phase::Body, m_request.timeouts.idleMs);
    if (m_listener)
        m_listener->upstreamHead(status, headers);
}

void UpstreamCall::connectionBody(const QByteArray &bytes)
{
    m_lastActivity = Clock::now();
    if (m_listener)
        m_listener->upstreamData(bytes);
}

void UpstreamCall::connectionComplete()
{
    m_phase = Phase::Done;
    m_timer.stop();
    if (m_connection) {
        UpstreamConnection *connection = m_connection;
        m_connection = nullptr;
        m_client->release(connection);
    }
    Listener *listener = m_listener;
    m_listener = nullptr;
    if (listener)
        listener->upstreamFinished();
}

void UpstreamCall::connectionLost(Failure::Kind kind, const QString &detail, bool beforeAnyByte)
{
    // A pooled connection the upstream closed while idle fails on first use: the request
    // never reached it, so one retry on a fresh connection is safe.
    if (beforeAnyByte && m_reused && !m_retried && m_phase == Phase::AwaitingHead) {
        m_retried = true;
        m_timer.stop();
        dropConnection();
        attachConnection();
        return;
    }
    fail(kind, detail);
}

} // namespace aisbf::upstream
