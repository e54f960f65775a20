// SPDX-License-Identifier: GPL-3.0-or-later
#include "FakeAdminServer.h"

#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace aisbf::test {

FakeAdminServer::FakeAdminServer(QObject *parent) : QObject(parent), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &FakeAdminServer::onConnection);
}

FakeAdminServer::~FakeAdminServer()
{
    close();
}

bool FakeAdminServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

bool FakeAdminServer::listenOn(quint16 port)
{
    return m_server->listen(QHostAddress::LocalHost, port);
}

quint16 FakeAdminServer::port() const
{
    return m_server->serverPort();
}

QUrl FakeAdminServer::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void FakeAdminServer::close()
{
    closeStreams();
    m_server->close();
}

void FakeAdminServer::on(const QByteArray &methodAndPath, const Reply &reply)
{
    m_routes.insert(methodAndPath, reply);
}

void FakeAdminServer::onJson(const QByteArray &methodAndPath, const QJsonObject &body, int status)
{
    Reply reply;
    reply.status = status;
    reply.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    on(methodAndPath, reply);
}

int FakeAdminServer::count(const QByteArray &methodAndPath) const
{
    int n = 0;
    for (const auto &r : m_requests)
        n += (r.method + ' ' + r.path) == methodAndPath;
    return n;
}

void FakeAdminServer::onConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QObject::destroyed, this, [this, socket] { m_buffers.remove(socket); });
    }
}

void FakeAdminServer::onReadable(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        Request request;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        const QByteArray target = first.value(1);
        const qsizetype q = target.indexOf('?');
        request.path = q < 0 ? target : target.left(q);
        request.query = q < 0 ? QByteArray() : target.mid(q + 1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                       lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        request.body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        m_requests.append(request);
        answer(socket, request);
        Q_EMIT requestReceived(request.method + ' ' + request.path);
    }
}

void FakeAdminServer::answer(QTcpSocket *socket, const Request &request)
{
    const QByteArray key = request.method + ' ' + request.path;
    Reply reply;
    if (m_routes.contains(key)) {
        reply = m_routes.value(key);
    } else {
        reply.status = 404;
        reply.body = R"({"error":{"message":"no route )" + key +
                     R"(","type":"not_found_error","code":"not_found","param":null}})";
    }
    auto write = [this, socket = QPointer<QTcpSocket>(socket), reply] {
        if (!socket)
            return;
        QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + " X\r\n";
        for (const auto &[name, value] : reply.headers)
            head += name + ": " + value + "\r\n";
        if (reply.stream) {
            head += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                    "Connection: close\r\n\r\n";
            socket->write(head + reply.streamPrefix);
            m_streams.append(socket);
            return;
        }
        head += "Content-Type: application/json\r\nContent-Length: " +
                QByteArray::number(reply.body.size()) + "\r\nConnection: keep-alive\r\n\r\n";
        socket->write(head + reply.body);
    };
    if (reply.delayMs > 0)
        QTimer::singleShot(reply.delayMs, this, write);
    else
        write();
}

void FakeAdminServer::pushEvent(const QByteArray &name, const QJsonObject &data)
{
    pushRaw("event: " + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) +
            "\n\n");
}

void FakeAdminServer::pushRaw(const QByteArray &bytes)
{
    for (const auto &socket : std::as_const(m_streams)) {
        if (socket) {
            socket->write(bytes);
            socket->flush();
        }
    }
}

void FakeAdminServer::closeStreams()
{
    const auto streams = m_streams;
    m_streams.clear();
    for (const auto &socket : streams) {
        if (socket)
            socket->disconnectFromHost();
    }
}

int FakeAdminServer::openStreams() const
{
    int n = 0;
    for (const auto &socket : m_streams)
        n += socket && socket->state() == QAbstractSocket::ConnectedState;
    return n;
}

} // namespace aisbf::test
