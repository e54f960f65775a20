// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConnectProxy.h"

#include <QPointer>
#include <QTcpSocket>

#include <memory>

namespace aisbf::test {

ConnectProxy::ConnectProxy(QObject *parent) : QTcpServer(parent)
{
    listen(QHostAddress::LocalHost, 0);
    connect(this, &QTcpServer::newConnection, this, &ConnectProxy::onNewConnection);
}

QUrl ConnectProxy::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort()));
}

void ConnectProxy::onNewConnection()
{
    while (QTcpSocket *client = nextPendingConnection()) {
        auto buffer = std::make_shared<QByteArray>();
        connect(client, &QTcpSocket::readyRead, this, [this, client, buffer] {
            *buffer += client->readAll();
            onHead(client, *buffer);
        });
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }
}

void ConnectProxy::onHead(QTcpSocket *client, QByteArray &buffer)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    const QByteArray line = buffer.left(buffer.indexOf("\r\n"));
    const QByteArray rest = buffer.mid(headEnd + 4);
    m_requestLines.append(line);
    client->disconnect(this); // from here on the tunnel's own connections carry the bytes
    const QByteArrayList parts = line.split(' ');
    const qsizetype colon = parts.value(1).lastIndexOf(':');
    const quint16 port = colon > 0 ? parts.value(1).mid(colon + 1).toUShort() : 0;
    if (parts.size() != 3 || parts.first() != "CONNECT" || port == 0) {
        client->write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        client->disconnectFromHost();
        return;
    }
    auto *target = new QTcpSocket(client);
    connect(target, &QTcpSocket::connected, client, [client, target, rest] {
        client->setProperty("tunnel", true);
        client->write("HTTP/1.1 200 Connection established\r\n\r\n");
        target->write(rest);
        connect(client, &QTcpSocket::readyRead, target,
                [client, target] { target->write(client->readAll()); });
        connect(target, &QTcpSocket::readyRead, client,
                [client, target] { client->write(target->readAll()); });
        connect(target, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, target, &QTcpSocket::disconnectFromHost);
    });
    connect(target, &QTcpSocket::errorOccurred, client, [client] {
        if (!client->property("tunnel").toBool()) {
            client->write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            client->disconnectFromHost();
        }
    });
    target->connectToHost(QHostAddress::LocalHost, port);
}

} // namespace aisbf::test
