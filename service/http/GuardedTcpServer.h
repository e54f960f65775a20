// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "GatewaySocket.h"

#include <QBasicTimer>
#include <QSet>
#include <QTcpServer>

namespace aisbf::http {

/** Accepts clients as GatewaySockets and sweeps them once a second for stalls and idleness. */
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedTcpServer(const ClientLimits &limits, QObject *parent = nullptr);

    /** Stop accepting; idle connections close at once, busy ones after their response. */
    void startDraining();
    qsizetype connectionCount() const { return m_sockets.size(); }

protected:
    void incomingConnection(qintptr descriptor) override;
    void timerEvent(QTimerEvent *event) override;

private:
    void sweepAll();

    const ClientLimits &m_limits;
    QSet<GatewaySocket *> m_sockets;
    QBasicTimer m_sweep;
    bool m_draining = false;
};

} // namespace aisbf::http
