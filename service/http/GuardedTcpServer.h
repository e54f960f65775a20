// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "GatewaySocket.h"

#include <QBasicTimer>
#include <QSet>
#include <QTcpServer>

namespace aisbf::http {

/**
 * Accepts clients as GatewaySockets that hand their requests to a RequestSink, and sweeps them
 * once a second for stalls and idleness. A socket deletes itself (later) when it disconnects.
 */
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    explicit GuardedTcpServer(const ClientLimits &limits, QObject *parent = nullptr);

    /** Where connections accepted from now on send their requests; must outlive them. */
    void setSink(RequestSink *sink) { m_sink = sink; }

    /** Stop accepting; idle connections close at once, busy ones after their response. */
    void startDraining();
    qsizetype connectionCount() const { return m_sockets.size(); }

protected:
    void incomingConnection(qintptr descriptor) override;
    void timerEvent(QTimerEvent *event) override;

private:
    void sweepAll();

    const ClientLimits &m_limits;
    RequestSink *m_sink = nullptr;
    QSet<GatewaySocket *> m_sockets;
    QBasicTimer m_sweep;
    bool m_draining = false;
};

} // namespace aisbf::http
