// SPDX-License-Identifier: GPL-3.0-or-later
#include "EpollTestSockets.h"

#include <QCoreApplication>
#include <QTimer>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aisbf::test {

namespace {
constexpr qsizetype kMessageSize = 32;
} // namespace

bool spin(const std::function<bool()> &done, int timeoutMs)
{
    QTimer guard; // wakes the dispatcher when nothing else does
    guard.setSingleShot(true);
    guard.start(timeoutMs);
    while (!done()) {
        if (!guard.isActive())
            return done();
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

qint64 processCpuMs()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](const timeval &tv) {
        return qint64(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

bool LoopbackPair::open(qint64 clientReadBuffer)
{
    if (!server.listen(QHostAddress::LocalHost, 0))
        return false;
    client.setReadBufferSize(clientReadBuffer);
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    if (!spin([this] { return server.hasPendingConnections(); }))
        return false;
    peer.reset(server.nextPendingConnection());
    return spin([this] { return client.state() == QAbstractSocket::ConnectedState; });
}

EchoServer::EchoServer()
{
    setListenBacklogSize(1024); // hundreds connect at once; a dropped SYN costs a 1 s retry
    listen(QHostAddress::LocalHost, 0);
    connect(this, &QTcpServer::newConnection, this, &EchoServer::acceptAll);
}

void EchoServer::acceptAll()
{
    while (QTcpSocket *socket = nextPendingConnection()) {
        ++m_accepted;
        connect(socket, &QTcpSocket::readyRead, socket,
                [socket] { socket->write(socket->readAll()); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

PingClient::PingClient(quint16 port, int id, int trips) : m_id(id), m_trips(trips)
{
    connect(&m_socket, &QTcpSocket::connected, this, &PingClient::send);
    connect(&m_socket, &QTcpSocket::readyRead, this, &PingClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_done < m_trips)
            m_error = QStringLiteral("client %1: %2").arg(m_id).arg(m_socket.errorString());
    });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

QByteArray PingClient::message() const
{
    QByteArray text = "ping " + QByteArray::number(m_id) + ' ' + QByteArray::number(m_done);
    return text.leftJustified(kMessageSize, '.');
}

void PingClient::send()
{
    m_socket.write(message());
}

void PingClient::onReadyRead()
{
    m_in += m_socket.readAll();
    if (m_in.size() < kMessageSize)
        return;
    if (m_in != message()) {
        m_error = QStringLiteral("client %1 got \"%2\"").arg(m_id).arg(QString::fromLatin1(m_in));
        return;
    }
    m_in.clear();
    if (++m_done < m_trips)
        send();
}

ChurnClient::ChurnClient(quint16 port, int cycles) : m_port(port), m_target(cycles)
{
    next(-1);
}

void ChurnClient::next(qintptr closedFd)
{
    auto *socket = new QTcpSocket(this);
    const QByteArray message = QByteArray::number(m_cycles).leftJustified(kMessageSize, '.');
    auto in = std::make_shared<QByteArray>();
    connect(socket, &QTcpSocket::connected, socket, [socket, message] { socket->write(message); });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] {
        m_error = QStringLiteral("cycle %1: %2").arg(m_cycles).arg(socket->errorString());
    });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket, message, in] {
        *in += socket->readAll();
        if (in->size() < kMessageSize)
            return;
        if (*in != message) {
            m_error = QStringLiteral("cycle %1 got \"%2\"").arg(m_cycles).arg(QLatin1String(*in));
            return;
        }
        const qintptr fd = socket->socketDescriptor();
        m_fds.insert(fd);
        socket->disconnect(this);
        socket->abort(); // closes the fd now
        socket->deleteLater();
        if (++m_cycles < m_target)
            next(fd);
    });
    if (m_cycles % 2 == 0) {
        socket->connectToHost(QHostAddress::LocalHost, m_port); // the fd comes a pass later
        return;
    }
    // Adopt a socket made right here: it takes the number just closed, in this same pass.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Blocking, but on loopback the kernel completes it at once (the accept comes later).
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 ||
        !socket->setSocketDescriptor(fd)) {
        m_error = QStringLiteral("cycle %1: cannot open a socket: %2")
                      .arg(m_cycles)
                      .arg(QString::fromLocal8Bit(strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return;
    }
    m_fds.insert(fd);
    if (fd == closedFd)
        ++m_reused;
    socket->write(message);
}

} // namespace aisbf::test
