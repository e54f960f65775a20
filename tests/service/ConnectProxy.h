// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayList>
#include <QTcpServer>
#include <QUrl>

namespace aisbf::test {

/**
 * A forward proxy that only tunnels (CONNECT). Any target host is sent to 127.0.0.1 at the
 * target's port, so a host name only the proxy "knows" (upstream.test) reaches a local server;
 * each CONNECT request line is recorded.
 */
class ConnectProxy : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectProxy(QObject *parent = nullptr);

    /** "http://127.0.0.1:PORT": what HTTP_PROXY / HTTPS_PROXY should say. */
    QUrl url() const;
    /** The request lines received, e.g. "CONNECT upstream.test:4711 HTTP/1.1". */
    QByteArrayList requestLines() const { return m_requestLines; }

private:
    void onNewConnection();
    void onHead(QTcpSocket *client, QByteArray &buffer);

    QByteArrayList m_requestLines;
};

} // namespace aisbf::test
