// SPDX-License-Identifier: GPL-3.0-or-later
#include "UpstreamClient.h"

#include "UpstreamConnection.h"

#include <QLoggingCategory>
#include <QSslCertificate>
#include <QTimerEvent>

Q_LOGGING_CATEGORY(lcUpstream, "aisbf.upstream")

namespace aisbf::upstream {

UpstreamClient::UpstreamClient(Settings settings, QObject *parent)
    : QObject(parent), m_settings(std::move(settings))
{
    m_sweep.start(std::max(1000, m_settings.idleKeepMs / 4), this);
}

const QSslConfiguration &UpstreamClient::tlsConfiguration()
{
    if (m_tls)
        return *m_tls;
    m_tls = QSslConfiguration::defaultConfiguration();
    m_tls->setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!m_settings.extraCaFile.isEmpty()) {
        const QList<QSslCertificate> extra =
            QSslCertificate::fromPath(m_settings.extraCaFile, QSsl::Pem);
        if (extra.isEmpty())
            qCWarning(lcUpstream) << "no certificates read from" << m_settings.extraCaFile;
        m_tls->addCaCertificates(extra);
    }
    return *m_tls;
}

UpstreamClient::~UpstreamClient()
{
    for (const QList<Idle> &list : std::as_const(m_idle)) {
        for (const Idle &idle : list)
            delete idle.connection;
    }
}

UpstreamConnection *UpstreamClient::acquire(const Origin &origin, bool *reused)
{
    auto it = m_idle.find(origin);
    while (it != m_idle.end() && !it->isEmpty()) {
        // Most recently used first: it is the least likely to have been closed by the peer.
        UpstreamConnection *connection = it->takeLast().connection;
        disconnect(connection, nullptr, this, nullptr);
        if (connection->isOpen()) {
            *reused = true;
            return connection;
        }
        delete connection;
    }
    *reused = false;
    auto *connection = new UpstreamConnection(origin);
    connection->open(m_settings.proxies.proxyFor(origin.scheme, origin.host),
                     origin.isTls() ? &tlsConfiguration() : nullptr);
    return connection;
}

void UpstreamClient::release(UpstreamConnection *connection)
{
    QList<Idle> &list = m_idle[connection->origin()];
    if (!connection->keepAlive() || !connection->isOpen() ||
        list.size() >= m_settings.maxIdlePerOrigin) {
        connection->deleteLater();
        return;
    }
    connection->setUser(nullptr);
    list.append({connection, std::chrono::steady_clock::now()});
    connect(connection, &UpstreamConnection::closedWhileIdle, this, &UpstreamClient::dropIdle);
}

void UpstreamClient::dropIdle(UpstreamConnection *connection)
{
    auto it = m_idle.find(connection->origin());
    if (it == m_idle.end())
        return;
    it->removeIf([connection](const Idle &idle) { return idle.connection == connection; });
    connection->deleteLater();
}

int UpstreamClient::idleConnections() const
{
    int count = 0;
    for (const QList<Idle> &list : m_idle)
        count += int(list.size());
    return count;
}

void UpstreamClient::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_sweep.timerId())
        return QObject::timerEvent(event);
    const auto cutoff =
        std::chrono::steady_clock::now() - std::chrono::milliseconds(m_settings.idleKeepMs);
    for (QList<Idle> &list : m_idle) {
        list.removeIf([cutoff](const Idle &idle) {
            if (idle.since > cutoff)
                return false;
            idle.connection->deleteLater();
            return true;
        });
    }
}

} // namespace aisbf::upstream
