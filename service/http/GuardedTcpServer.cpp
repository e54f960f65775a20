// SPDX-License-Identifier: GPL-3.0-or-later
#include "GuardedTcpServer.h"

#include <QTimerEvent>

#include <unistd.h>

namespace aisbf::http {

GuardedTcpServer::GuardedTcpServer(const ClientLimits &limits, QObject *parent)
    : QTcpServer(parent), m_limits(limits)
{
    m_sweep.start(1000, Qt::CoarseTimer, this);
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    if (!m_sink) {
        ::close(int(descriptor)); // not serving yet
        return;
    }
    auto *socket = new GatewaySocket(m_limits, *m_sink, this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_sockets.insert(socket);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_sockets.remove(socket); });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
}

void GuardedTcpServer::startDraining()
{
    m_draining = true;
    close();
    sweepAll();
}

void GuardedTcpServer::sweepAll()
{
    const auto now = GatewaySocket::Clock::now();
    const QList<GatewaySocket *> sockets = m_sockets.values();
    for (GatewaySocket *socket : sockets)
        socket->sweep(now, m_draining);
}

void GuardedTcpServer::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_sweep.timerId())
        return QTcpServer::timerEvent(event);
    sweepAll();
}

} // namespace aisbf::http
