// SPDX-License-Identifier: GPL-3.0-or-later
#include "MockUpstream.h"

#include "MockConnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

namespace aisbf::test {

MockUpstream::MockUpstream(QObject *parent)
    : QObject(parent), m_server(new QTcpServer(this)), m_wakeTimer(new QTimer(this))
{
    m_clock.start();
    m_server->setMaxPendingConnections(4096);
    connect(m_server, &QTcpServer::newConnection, this, &MockUpstream::onNewConnection);
    m_wakeTimer->setSingleShot(true);
    m_wakeTimer->setTimerType(Qt::PreciseTimer);
    connect(m_wakeTimer, &QTimer::timeout, this, &MockUpstream::onWakeTimer);
}

MockUpstream::~MockUpstream()
{
    close();
}

bool MockUpstream::listen(const QHostAddress &address, quint16 port)
{
    // Qt's default backlog of 50 drops SYNs when the benchmark opens 1,000 streams in a second.
    m_server->setListenBacklogSize(4096);
    if (!m_server->listen(address, port)) {
        qWarning("MockUpstream: cannot listen on %s:%u: %s", qPrintable(address.toString()),
                 unsigned(port), qPrintable(m_server->errorString()));
        return false;
    }
    return true;
}

void MockUpstream::close()
{
    m_server->close();
    const auto connections = std::exchange(m_connections, {});
    for (const auto &[id, connection] : connections)
        delete connection;
    m_wakes = {};
    m_wakeTimer->stop();
}

quint16 MockUpstream::port() const
{
    return m_server->serverPort();
}

QUrl MockUpstream::baseUrl(const QString &path) const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_server->serverAddress().toString());
    url.setPort(port());
    url.setPath(path);
    return url;
}

void MockUpstream::setFault(Fault fault, const FaultParams &params)
{
    m_persistentFault = {fault, params};
}

void MockUpstream::queueFault(Fault fault, const FaultParams &params)
{
    m_queuedFaults.push_back({fault, params});
}

void MockUpstream::clearFaults()
{
    m_persistentFault = {};
    m_queuedFaults.clear();
}

void MockUpstream::clearRequests()
{
    m_requests.clear();
    m_last = {};
    m_requestCount = 0;
}

void MockUpstream::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        ++m_accepted;
        const quint64 id = m_nextConnectionId++;
        m_connections.emplace(id, new MockConnection(this, socket, id));
    }
}

FaultSpec MockUpstream::takeFault(const QByteArray &path)
{
    const auto applies = [&path](const FaultSpec &f) {
        return f.params.onlyPath.isEmpty() || path.startsWith(f.params.onlyPath);
    };
    const auto queued = std::find_if(m_queuedFaults.begin(), m_queuedFaults.end(), applies);
    if (queued != m_queuedFaults.end()) {
        FaultSpec fault = *queued;
        m_queuedFaults.erase(queued);
        return fault;
    }
    return applies(m_persistentFault) ? m_persistentFault : FaultSpec{};
}

quint64 MockUpstream::record(const RecordedRequest &request)
{
    ++m_requestCount;
    m_last = request;
    if (m_config.recordLimit != 0) {
        m_requests.append(request);
        if (m_config.recordLimit > 0 && m_requests.size() > m_config.recordLimit)
            m_requests.removeFirst();
    }
    return quint64(m_requestCount);
}

void MockUpstream::noteClientAbort()
{
    ++m_abortCount;
    m_lastAbortAtMs = nowMs();
    Q_EMIT clientAborted();
}

void MockUpstream::scheduleWake(quint64 connection, quint64 token, qint64 dueUs)
{
    m_wakes.push({dueUs, connection, token});
    if (!m_wakeTimer->isActive() || dueUs < m_armedForUs)
        armWakeTimer();
}

void MockUpstream::armWakeTimer()
{
    if (m_wakes.empty()) {
        m_wakeTimer->stop();
        return;
    }
    m_armedForUs = m_wakes.top().dueUs;
    const qint64 waitUs = m_armedForUs - nowUs();
    m_wakeTimer->start(waitUs <= 0 ? 0 : int((waitUs + 999) / 1000));
}

void MockUpstream::onWakeTimer()
{
    // Wake everything due within the timer's 1 ms granularity; a connection that is gone or has
    // moved on (token mismatch) simply ignores its stale wake.
    const qint64 horizon = nowUs() + 500;
    while (!m_wakes.empty() && m_wakes.top().dueUs <= horizon) {
        const Wake wake = m_wakes.top();
        m_wakes.pop();
        if (const auto it = m_connections.find(wake.connection); it != m_connections.end())
            it->second->wake(wake.token);
    }
    armWakeTimer();
}

void MockUpstream::connectionClosed(quint64 id)
{
    if (const auto it = m_connections.find(id); it != m_connections.end()) {
        it->second->deleteLater();
        m_connections.erase(it);
    }
}

} // namespace aisbf::test
